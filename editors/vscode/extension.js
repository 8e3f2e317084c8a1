// Starts `flowc lsp` (pip install 'flowc[lsp]') for .flow files.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("flowc").get("command", ["flowc", "lsp"]);
  client = new LanguageClient(
    "flowc",
    "flowc",
    { command, args },
    { documentSelector: [{ scheme: "file", language: "flow" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
