// The port map view: one webview panel that draws what the server's `portchain/portMap` request
// answers (server/src/features/portMap.ts). The panel holds the filters; the server filters and
// cuts the map to what a view can draw at once, so a workspace of 20,000 documents opens as fast
// as one of twenty. The webview's own script (webview/portMap.ts) lays it out and draws it.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { PortMapParams, PortMapResult } from '../../server/src/features/portMap';

/** What the view's controls hold. */
export interface PortMapState {
  namespace: string;
  text: string;
  brokenOnly: boolean;
  /** Follow the active editor: centre on the file it shows. */
  follow: boolean;
  focus: PortMapParams['focus'];
  /** What the focus names, for the view's heading: `service.yaml`. */
  focusLabel: string | undefined;
}

/** Messages from the webview's script. */
type FromView =
  | { type: 'ready' }
  | { type: 'filter'; namespace: string; text: string; brokenOnly: boolean; follow: boolean; clearFocus?: boolean }
  | { type: 'open'; uri: string; line: number; character: number };

/** How long after a status (a publish) the map asks again: edits in a burst cost one request. */
const REFRESH_DELAY_MS = 150;

export class PortMapPanel {
  static readonly viewType = 'portchain.portMap';
  private static current: PortMapPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private state: PortMapState = { namespace: '', text: '', brokenOnly: false, follow: false, focus: undefined, focusLabel: undefined };
  private refreshTimer: NodeJS.Timeout | undefined;
  /** Answers to older requests are dropped: only the newest is drawn. */
  private requestCount = 0;

  /** Opens the map (or brings it forward), centred on `focus` where one is given. */
  static show(context: vscode.ExtensionContext, client: LanguageClient, focus?: PortMapParams['focus']): PortMapPanel {
    const panel = PortMapPanel.current ?? new PortMapPanel(context, client);
    PortMapPanel.current = panel;
    panel.panel.reveal(vscode.ViewColumn.Beside);
    if (focus) panel.state = { ...panel.state, focus, focusLabel: vscode.workspace.asRelativePath(vscode.Uri.parse(focus.uri)), follow: false };
    panel.refresh();
    return panel;
  }

  /** Asks again for the open map, if there is one: the server published new findings. */
  static changed(): void {
    PortMapPanel.current?.scheduleRefresh();
  }

  private readonly panel: vscode.WebviewPanel;

  private constructor(
    context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
  ) {
    const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
    this.panel = vscode.window.createWebviewPanel(PortMapPanel.viewType, 'Port Map', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, { enableScripts: true, localResourceRoots: [dist], retainContextWhenHidden: true });
    this.panel.webview.html = html(this.panel.webview, dist);
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((message: FromView) => void this.received(message)),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (!this.state.follow || !editor || editor.document.languageId !== 'yaml') return;
        this.state = { ...this.state, focus: { uri: editor.document.uri.toString() }, focusLabel: vscode.workspace.asRelativePath(editor.document.uri) };
        this.refresh();
      }),
    );
  }

  private async received(message: FromView): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.refresh();
        return;
      case 'filter': {
        const followStarted = message.follow && !this.state.follow;
        this.state = { ...this.state, namespace: message.namespace, text: message.text, brokenOnly: message.brokenOnly, follow: message.follow };
        if (message.clearFocus) this.state = { ...this.state, focus: undefined, focusLabel: undefined };
        const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
        if (followStarted && editor) this.state = { ...this.state, focus: { uri: editor.document.uri.toString() }, focusLabel: vscode.workspace.asRelativePath(editor.document.uri) };
        this.refresh();
        return;
      }
      case 'open': {
        const position = new vscode.Position(message.line, message.character);
        await vscode.window.showTextDocument(vscode.Uri.parse(message.uri), { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
        return;
      }
    }
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh();
    }, REFRESH_DELAY_MS);
  }

  private refresh(): void {
    const request = ++this.requestCount;
    const params: PortMapParams = { namespace: this.state.namespace || undefined, text: this.state.text || undefined, brokenOnly: this.state.brokenOnly, focus: this.state.focus };
    this.client.sendRequest<PortMapResult>('portchain/portMap', params).then(
      (result) => {
        if (request !== this.requestCount) return;
        void this.panel.webview.postMessage({ type: 'map', map: result, state: this.state });
      },
      (error: unknown) => {
        if (request !== this.requestCount) return;
        void this.panel.webview.postMessage({ type: 'error', message: (error as Error)?.message ?? String(error) });
      },
    );
  }

  private dispose(): void {
    if (PortMapPanel.current === this) PortMapPanel.current = undefined;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/**
 * The webview's page: a strict Content Security Policy (no inline script or style; the one
 * script is the bundle, with a nonce), the stylesheet and script from dist/.
 */
function html(webview: vscode.Webview, dist: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'portMap.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'portMap.css'));
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`, `img-src ${webview.cspSource}`, `font-src ${webview.cspSource}`].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style}">
<title>Port Map</title>
</head>
<body>
<main id="port-map" aria-label="portchain port map"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
