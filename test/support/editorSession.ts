// A session of a real editor other than VS Code (test/neovim, test/emacs): the editor runs headless
// with a script of ours that loads the README's snippet for that editor (verbatim, read out of
// README.md), opens files as a user would, so that the snippet starts `portchain-language-server
// --stdio` from the PATH through the editor's own LSP client, sends requests, and writes what the
// editor holds as JSON. Both scripts read the same config file, written here.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { DiskWorkspace } from './diskWorkspace';
import { serverPath } from './lspClient';

/** How long the editor may wait for one answer of the server. */
export const EDITOR_TIMEOUT_MS = 30_000;

/** A request the script sends from the buffer of `file`, at the start of the first `at` in it. */
export interface EditorRequest {
  name: string;
  method: string;
  file: string;
  at: string;
}

/** The first line of `<command> --version`, or undefined where the editor is not installed. */
export function editorVersion(command: string): string | undefined {
  const found = spawnSync(command, ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.split('\n')[0] : undefined;
}

/** A file of the repository's test/ folder, found from wherever the test runs (bundled into out/ or not). */
export function testFile(path: string): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'test', path);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`test/${path} not found above ${__dirname}`);
  }
}

/** How an editor session is set up: the editor's command line, and what the user has installed. */
export interface EditorSetup {
  command: string;
  args: string[];
  /** The environment variable that names the session's config file. */
  configVariable: string;
  /** The user's editor configuration: the README's snippet, written to a file the script loads. */
  snippet: { code: string; fileName: string };
  /** Whether `portchain-language-server` is on the PATH (the bundled server behind it), as after installing portchain. */
  serverOnPath: boolean;
}

/**
 * Runs the editor with `configVariable` naming the session's config, in a process group of its
 * own (a hung editor goes together with the server it started), and returns the script's report.
 */
export async function runEditorSession<Report extends { error?: string }>(
  workspace: DiskWorkspace,
  { command, args, configVariable, snippet, serverOnPath }: EditorSetup,
  open: string[],
  requests: EditorRequest[],
): Promise<Report> {
  const home = join(workspace.dir, '.editor');
  mkdirSync(home, { recursive: true });
  const output = join(home, 'report.json');
  const config = join(home, 'config.json');
  const snippetPath = join(home, snippet.fileName);
  writeFileSync(snippetPath, snippet.code);
  writeFileSync(config, JSON.stringify({
    root: workspace.dir,
    output,
    snippet: snippetPath,
    timeoutMs: EDITOR_TIMEOUT_MS,
    open,
    requests: requests.map(({ name, method, file, at }) => ({ name, method, file, ...workspace.rangeOf(file, at).start })),
  }));
  // The PATH the user has: with portchain-language-server where installing portchain puts it, or
  // without any (a PATH that held one from elsewhere loses that folder).
  const bin = join(home, 'bin');
  const path = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir && !existsSync(join(dir, 'portchain-language-server')));
  if (serverOnPath) {
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'portchain-language-server'), `#!/bin/sh\nexec '${process.execPath}' '${serverPath()}' "$@"\n`);
    chmodSync(join(bin, 'portchain-language-server'), 0o755);
    path.unshift(bin);
  }
  // The editor's state (its logs among it) stays in the fixture's folder, out of the user's home.
  const env = { ...process.env, PATH: path.join(delimiter), [configVariable]: config, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), XDG_STATE_HOME: join(home, 'state'), XDG_CACHE_HOME: join(home, 'cache') };
  const editor = spawn(command, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  editor.stdout.on('data', (chunk) => (printed += chunk));
  editor.stderr.on('data', (chunk) => (printed += chunk));
  const exit = await new Promise<number | string>((resolve) => {
    const timer = setTimeout(() => process.kill(-editor.pid!, 'SIGKILL'), 3 * EDITOR_TIMEOUT_MS);
    editor.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  try {
    process.kill(-editor.pid!, 'SIGKILL');
  } catch {
    // The group is gone already: the editor stopped the server before it quit.
  }
  assert.ok(existsSync(output), `${command} exited (${exit}) without a report; it printed:\n${printed}`);
  const report = JSON.parse(readFileSync(output, 'utf8')) as Report;
  assert.equal(report.error, undefined, `the script failed in ${command}: ${report.error}\n${printed}`);
  assert.equal(exit, 0, `${command} exited with ${exit}; it printed:\n${printed}`);
  return report;
}

/** Three files with one broken link: the Service's targetPort 8081, where the container listens on 8080. */
export const BROKEN_SHOP = `
  # --- apps/ingress.yaml
  apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata: {name: shop}
  spec:
    rules:
      - host: shop.example.com
        http:
          paths:
            - path: /
              pathType: Prefix
              backend:
                service:
                  name: web
                  port: {number: 80}
  # --- apps/service.yaml
  apiVersion: v1
  kind: Service
  metadata: {name: web}
  spec:
    selector: {app: web}
    ports:
      - port: 80
        targetPort: 8081
  #                 ^^^^ error target-port-mismatch: Deployment web (apps/deploy.yaml) declares no containerPort 8081
  # --- apps/deploy.yaml
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        containers:
          - name: web
            ports:
              - containerPort: 8080
`;

/** The requests both editor tests send: a hover on the Ingress backend port, definition from its Service name. */
export const SHOP_REQUESTS: EditorRequest[] = [
  { name: 'hover', method: 'textDocument/hover', file: 'apps/ingress.yaml', at: '80}' },
  { name: 'definition', method: 'textDocument/definition', file: 'apps/ingress.yaml', at: 'web\n' },
];

/** Asserts the hover card on the Ingress backend port of BROKEN_SHOP: every hop, ✗ at the container. */
export function assertShopHover(hover: unknown): void {
  const contents = (hover as { contents?: { kind: string; value: string } } | null)?.contents;
  assert.equal(contents?.kind, 'markdown', `hover: ${JSON.stringify(hover)}`);
  const card = contents.value;
  assert.match(card, /\*\*Ingress shop\*\* backend: Service web port 80/);
  assert.match(card, /✓ → \*\*Service web\*\* port 80 · \[apps\/service\.yaml:\d+\]/);
  assert.match(card, /✓ → \*\*targetPort\*\* 8081/);
  assert.match(card, /✗ → \*\*Deployment web \/ container web\*\* containerPorts 8080/);
  assert.match(card, /kubectl port-forward svc\/web 8080:80/);
}

/** Asserts that definition from the backend's Service name lands on the Service, in the other file. */
export function assertShopDefinition(definition: unknown, workspace: DiskWorkspace): void {
  const targets = definition as ({ uri: string } | { targetUri: string })[];
  assert.deepEqual(targets.map((target) => ('targetUri' in target ? target.targetUri : target.uri)), [workspace.uriOf('apps/service.yaml')]);
}
