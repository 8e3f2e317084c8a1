"""One module per `flowc` subcommand; each defines `command`, a click command.

The CLI discovers them by module name and imports only the one being run, so a
new command is a new module here and nothing else.
"""
