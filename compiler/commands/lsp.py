"""`flowc lsp`: the `.flow` language server, over standard input and output (editors start it)."""

from __future__ import annotations

import click


@click.command()
def command() -> None:
    """Run the language server for `.flow` files on stdio: diagnostics as you type (the codes and ranges of
    `flowc check`), hover, go-to-definition, completion and document symbols. Needs the 'lsp' extra."""
    from flowc.compiler.commands._extras import require

    require("lsp", "lsp")
    from flowc.compiler.lsp.server import main

    main()
