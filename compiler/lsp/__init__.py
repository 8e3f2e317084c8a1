"""The `.flow` language server (`flowc lsp`): diagnostics as you type, hover, go-to-definition, completion and
document symbols. `features` holds the editor-independent logic (plain functions over the buffer's text, tested
directly); `server` wires it to the Language Server Protocol with pygls (the `lsp` extra)."""
