// What the e2e tests share: the extension under test, the copied demo workspace, diagnostics as
// a user reads them (file, line, severity, rule, the text under the squiggle), and a way to wait
// for the language server without fixed sleeps.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PortchainApi } from '../../../client/src/extension';

/** `publisher.name` from package.json. */
export const EXTENSION_ID = 'portchain.portchain';

/** The extension under test, loaded from the repository (extensionDevelopmentPath). */
export function portchainExtension(): vscode.Extension<PortchainApi> {
  const extension = vscode.extensions.getExtension<PortchainApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded: is extensionDevelopmentPath the repository?`);
  return extension;
}

/** The suite that runs in an untrusted folder, and only there (test/e2e/suite/index.ts greps for it). */
export const RESTRICTED_SUITE = 'Restricted Mode';

/** The opened folder: a copy of examples/, never the repository's own (the tests edit it). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no folder is open: the runner opens a copy of examples/');
  const repository = portchainExtension().extensionUri.path;
  assert.ok(!folder.uri.path.startsWith(`${repository}/`), `the opened folder ${folder.uri.path} is inside the repository; the e2e tests edit files and must run on a copy`);
  return folder.uri;
}

/** A file of the workspace by its path relative to the root, e.g. `shop/service.yaml`. */
export function workspaceFile(relativePath: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), relativePath);
}

/** Opens a workspace file in an editor, as a user does by clicking it. */
export async function openFile(relativePath: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(relativePath));
  await vscode.window.showTextDocument(document);
  return document;
}

/** One diagnostic the way the Problems view shows it: `shop/service.yaml:15 error target-port-mismatch "8081"`. */
export interface ShownDiagnostic {
  file: string;
  /** One-based, as the editor shows it. */
  line: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  rule: string;
  /** The text under the squiggle. */
  text: string;
  message: string;
}

/** Every portchain diagnostic in the workspace, sorted by file and line. */
export async function portchainDiagnostics(): Promise<ShownDiagnostic[]> {
  const root = workspaceRoot().path;
  const shown: ShownDiagnostic[] = [];
  for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
    if (!uri.path.startsWith(`${root}/`)) continue;
    const ours = diagnostics.filter((diagnostic) => diagnostic.source === 'portchain');
    if (ours.length === 0) continue;
    const document = await vscode.workspace.openTextDocument(uri);
    for (const diagnostic of ours) {
      shown.push({
        file: uri.path.slice(root.length + 1),
        line: diagnostic.range.start.line + 1,
        severity: SEVERITY_NAMES[diagnostic.severity],
        rule: typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code),
        text: document.getText(diagnostic.range),
        message: diagnostic.message,
      });
    }
  }
  return shown.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** The findings examples/README.md promises, in the order portchainDiagnostics lists them. */
export const EXAMPLES_FINDINGS: Omit<ShownDiagnostic, 'message'>[] = [
  { file: 'api/api.yaml', line: 30, severity: 'warning', rule: 'process-port-mismatch', text: '"9000"' },
  { file: 'api/api.yaml', line: 56, severity: 'error', rule: 'target-port-name-missing', text: 'grpc' },
  { file: 'gateway/docs.yaml', line: 35, severity: 'error', rule: 'route-port-missing', text: 'docs' },
  { file: 'legacy/guestbook.yaml', line: 24, severity: 'error', rule: 'ingress-service-missing', text: 'guestbook-fronted' },
  { file: 'legacy/guestbook.yaml', line: 44, severity: 'error', rule: 'node-port-range', text: '8080' },
  { file: 'shop/ingress.yaml', line: 21, severity: 'error', rule: 'ingress-port-mismatch', text: '8080' },
  { file: 'shop/service.yaml', line: 15, severity: 'error', rule: 'target-port-mismatch', text: '8081' },
];

/** A diagnostic as one comparable line, without its message. */
export function summary(diagnostic: Omit<ShownDiagnostic, 'message'>): string {
  return `${diagnostic.file}:${diagnostic.line} ${diagnostic.severity} ${diagnostic.rule} ${JSON.stringify(diagnostic.text)}`;
}

const SEVERITY_NAMES: Record<vscode.DiagnosticSeverity, ShownDiagnostic['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/**
 * Retries `assertion` until it passes, so a test waits exactly as long as the language server
 * takes; after `timeoutMs` it fails with the assertion's own last message.
 */
export async function eventually<T>(assertion: () => T | Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Replaces `from` with `to` on one line (one-based) of a document, without saving, like typing. */
export async function replaceOnLine(document: vscode.TextDocument, line: number, from: string, to: string): Promise<void> {
  const text = document.lineAt(line - 1).text;
  const column = text.indexOf(from);
  assert.ok(column >= 0, `${vscode.workspace.asRelativePath(document.uri)}:${line} should hold "${from}" but is "${text}"`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(line - 1, column, line - 1, column + from.length), to);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the workspace edit was not applied');
}

/** The position of the first character of `text` on a line (one-based), as where a user puts the cursor. */
export function positionOf(document: vscode.TextDocument, line: number, text: string): vscode.Position {
  const column = document.lineAt(line - 1).text.indexOf(text);
  assert.ok(column >= 0, `${vscode.workspace.asRelativePath(document.uri)}:${line} should hold "${text}" but is "${document.lineAt(line - 1).text}"`);
  return new vscode.Position(line - 1, column);
}

/** The markdown of every hover at a position, joined, as the hover widget shows it. */
export async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n\n');
}
