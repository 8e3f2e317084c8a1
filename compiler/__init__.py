"""flowc compiler: analysis, IR, lint rules and the CLI."""

__version__ = "0.1.0"
