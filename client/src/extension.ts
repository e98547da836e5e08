// The VS Code side of portchain, kept thin: start the language server and show its status.
// Diagnostics, hovers and fixes all come from the server over LSP, so other editors get the same.

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { PortchainStatus } from '../../server/src/features/status';
import type { PortMapParams } from '../../server/src/features/portMap';
import { COMMANDS, DIAGNOSTIC_SOURCE, LENS_COMMANDS, STATUS_BAR_COMMAND, STATUS_MENU } from './commands';
import { PortMapPanel } from './portMap';

/** What `activate` returns: the running client, for tests and other extensions. */
export interface PortchainApi {
  client: LanguageClient;
  /** Resolves once the server has answered `initialize`. */
  ready: Promise<void>;
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): PortchainApi {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    synchronize: {
      configurationSection: 'portchain',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}'),
    },
  };
  const languageClient = new LanguageClient('portchain', 'portchain', serverOptions, clientOptions);
  client = languageClient;

  const statusItem = vscode.window.createStatusBarItem('portchain.status', vscode.StatusBarAlignment.Left, 0);
  statusItem.name = 'portchain';
  statusItem.command = STATUS_BAR_COMMAND;
  showStatus(statusItem, undefined);
  statusItem.show();

  context.subscriptions.push(
    statusItem,
    languageClient.onNotification('portchain/status', (status: PortchainStatus) => {
      showStatus(statusItem, status);
      // A status follows every publish: the open map asks again, so it follows every edit.
      if (!status.indexing) PortMapPanel.changed();
    }),
    vscode.commands.registerCommand(COMMANDS.restartServer, async () => {
      showStatus(statusItem, undefined);
      await languageClient.restart();
    }),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => languageClient.outputChannel.show(true)),
    vscode.commands.registerCommand(COMMANDS.showProblems, () => showPortchainProblems()),
    vscode.commands.registerCommand(COMMANDS.showPortMap, (focus?: PortMapParams['focus']) => {
      PortMapPanel.show(context, languageClient, focus && typeof focus.uri === 'string' ? focus : undefined);
    }),
    vscode.commands.registerCommand(COMMANDS.statusMenu, async () => {
      const picked = await vscode.window.showQuickPick(STATUS_MENU, { title: 'portchain' });
      if (picked) await vscode.commands.executeCommand(picked.command);
    }),
    vscode.commands.registerCommand(LENS_COMMANDS.copyPortForward, async (command: unknown) => {
      if (typeof command !== 'string') return;
      await vscode.env.clipboard.writeText(command);
      void vscode.window.showInformationMessage(`Copied: ${command}`);
    }),
    { dispose: () => void languageClient.dispose() },
  );

  const ready = languageClient.start().catch((error: unknown) => {
    statusItem.text = '$(error) portchain';
    statusItem.tooltip = `The portchain language server did not start: ${(error as Error)?.message ?? String(error)}`;
    void vscode.window.showErrorMessage(`portchain: the language server did not start (${(error as Error)?.message ?? String(error)}). See the portchain output.`);
  });
  return { client: languageClient, ready };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

function showStatus(item: vscode.StatusBarItem, status: PortchainStatus | undefined): void {
  if (!status) {
    item.text = '$(sync~spin) portchain';
    item.tooltip = 'portchain: starting the language server';
    return;
  }
  const resources = `${status.resources} ${status.resources === 1 ? 'resource' : 'resources'}`;
  if (status.indexing) {
    item.text = `$(sync~spin) portchain: indexing, ${resources}`;
    item.tooltip = `portchain is reading the workspace's manifests: ${status.files} files so far`;
    return;
  }
  item.text = `$(plug) portchain: ${resources}, ${status.brokenLinks} broken`;
  const fixtures = status.fixturesLeftOut > 0 ? ` ${status.fixturesLeftOut} fixture ${status.fixturesLeftOut === 1 ? 'file' : 'files'} (test data, golden outputs, e2e assertions) left out: set portchain.includeFixtures to check each on its own.` : '';
  item.tooltip = `${resources} in ${status.files} ${status.files === 1 ? 'file' : 'files'}; ${status.brokenLinks} broken ${status.brokenLinks === 1 ? 'link' : 'links'} (errors).${fixtures} Click for the problems, the port map and the output.`;
}

/** Opens the Problems view and lists portchain's problems alone, each opening its place when picked. */
async function showPortchainProblems(): Promise<void> {
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  const icon = { [vscode.DiagnosticSeverity.Error]: '$(error)', [vscode.DiagnosticSeverity.Warning]: '$(warning)', [vscode.DiagnosticSeverity.Information]: '$(info)', [vscode.DiagnosticSeverity.Hint]: '$(light-bulb)' };
  const items = vscode.languages.getDiagnostics().flatMap(([uri, diagnostics]) =>
    diagnostics
      .filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE)
      .map((diagnostic) => ({
        label: `${icon[diagnostic.severity]} ${diagnostic.message}`,
        description: `${vscode.workspace.asRelativePath(uri)}:${diagnostic.range.start.line + 1}`,
        detail: typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code ?? ''),
        uri,
        range: diagnostic.range,
        severity: diagnostic.severity,
      })),
  );
  if (items.length === 0) return;
  items.sort((a, b) => a.severity - b.severity || a.description.localeCompare(b.description));
  const picked = await vscode.window.showQuickPick(items, { title: `portchain: ${items.length} problem${items.length === 1 ? '' : 's'}`, matchOnDescription: true, matchOnDetail: true });
  if (picked) await vscode.window.showTextDocument(picked.uri, { selection: picked.range });
}
