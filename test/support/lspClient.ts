// A small LSP client for protocol tests: it spawns the real bundled server (`node dist/server.js
// --stdio`), speaks JSON-RPC to it, answers the requests a server sends its client, and records
// everything the server says. Tests then wait for what a user would see.
//
//   const { client, workspace } = await startServer(t, fixtureSource);   // killed in t.after
//   await client.waitForIdle();
//   assertDiagnostics(client, workspace);           // exactly the fixture's ^^^ markers
//   const hover = await client.requestAt<Hover>('textDocument/hover', workspace.cursor());   // `$0` in the fixture
//   await client.stop();
//
// Open a file before asking about text that differs from the disk (client.open / client.change).
// Waits are on what the server says (diagnostics, `portchain/status`), never on fixed sleeps;
// PUBLISH_SETTLE_MS is only for asserting that something did not happen.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  ClientCapabilities,
  ConfigurationParams,
  Diagnostic,
  FileEvent,
  InitializeResult,
  Position,
  PublishDiagnosticsParams,
  Registration,
  RegistrationParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver';
import { DiskWorkspace } from './diskWorkspace';

/**
 * Long enough for the server to have published after a change it received (it waits ~50 ms for
 * more changes first). Only for asserting that something did NOT happen; otherwise wait for it.
 */
export const PUBLISH_SETTLE_MS = 300;

/** A protocol test that runs longer than this has hung: fail it rather than the whole run. */
export const LSP_TEST_TIMEOUT_MS = 60_000;

/** The `portchain/status` notification as the server sends it. */
export interface StatusParams {
  resources: number;
  brokenLinks: number;
  files: number;
  indexing: boolean;
  fixturesLeftOut: number;
}

export interface ProgressParams {
  token: string | number;
  value: { kind: 'begin' | 'report' | 'end'; title?: string; message?: string; percentage?: number };
}

export interface LspClientOptions {
  /** Absolute paths of the workspace folders. */
  folders: string[];
  /**
   * The settings the client answers `workspace/configuration` with, as VS Code holds them:
   * `{ portchain: { rules: { … } }, files: { exclude: { … } } }`. Dotted keys are looked up as written.
   */
  settings?: Record<string, unknown>;
  initializationOptions?: unknown;
  /** Replaces the default capabilities (a VS Code-like client) where given. */
  capabilities?: ClientCapabilities;
  /** How long `waitFor` waits before it fails, in ms. */
  timeoutMs?: number;
}

/** A VS Code-like client: pull configuration, dynamic watcher registration, progress, related information. */
export const DEFAULT_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
  },
  window: { workDoneProgress: true },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    definition: { linkSupport: true },
  },
};

interface Waiter {
  check: () => boolean;
  resolve: () => void;
}

export class LspClient {
  /** The latest diagnostics published for each URI (an empty list once they are cleared). */
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** Every publishDiagnostics, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  readonly statuses: StatusParams[] = [];
  readonly progress: ProgressParams[] = [];
  readonly progressTokensCreated: (string | number)[] = [];
  readonly registrations: Registration[] = [];
  readonly configurationRequests: ConfigurationParams[] = [];
  /** window/logMessage and window/showMessage texts, for failure messages. */
  readonly logs: string[] = [];
  initializeResult: InitializeResult | undefined;
  exitCode: number | null | undefined;
  settings: Record<string, unknown>;

  private readonly waiters = new Set<Waiter>();
  private readonly versions = new Map<string, number>();
  private stderr = '';
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly process: ChildProcessWithoutNullStreams,
    readonly connection: MessageConnection,
    private readonly options: LspClientOptions,
  ) {
    this.settings = options.settings ?? {};
    process.stderr.setEncoding('utf8');
    // Writes to a server that was killed fail; the exit is what a test sees.
    process.stdin.on('error', () => undefined);
    connection.onError(() => undefined);
    process.stderr.on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      process.on('exit', (code) => {
        this.exitCode = code;
        resolve(code);
        this.notifyWaiters();
      });
    });

    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.push(params);
      this.diagnostics.set(params.uri, params.diagnostics);
      this.notifyWaiters();
    });
    connection.onNotification('portchain/status', (params: StatusParams) => {
      this.statuses.push(params);
      this.notifyWaiters();
    });
    connection.onNotification('$/progress', (params: ProgressParams) => {
      this.progress.push(params);
      this.notifyWaiters();
    });
    connection.onNotification('window/logMessage', (params: { message: string }) => void this.logs.push(params.message));
    connection.onNotification('window/showMessage', (params: { message: string }) => void this.logs.push(params.message));
    connection.onRequest('window/workDoneProgress/create', (params: { token: string | number }) => {
      this.progressTokensCreated.push(params.token);
      return null;
    });
    connection.onRequest('client/registerCapability', (params: RegistrationParams) => {
      this.registrations.push(...params.registrations);
      this.notifyWaiters();
      return null;
    });
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest('workspace/configuration', (params: ConfigurationParams) => {
      this.configurationRequests.push(params);
      return params.items.map((item) => (item.section ? this.setting(item.section) : this.settings) ?? null);
    });
    connection.onRequest('workspace/workspaceFolders', () => this.folders());
    connection.listen();
  }

  /** Spawns the server, initializes it and sends `initialized`. */
  static async start(options: LspClientOptions): Promise<LspClient> {
    const child = spawn(process.execPath, [serverPath(), '--stdio'], { stdio: 'pipe' });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspClient(child, connection, options);
    const folders = client.folders();
    client.initializeResult = await client.request<InitializeResult>('initialize', {
      processId: process.pid,
      clientInfo: { name: 'portchain-test-client' },
      rootUri: folders[0]?.uri ?? null,
      workspaceFolders: folders,
      capabilities: options.capabilities ?? DEFAULT_CAPABILITIES,
      initializationOptions: options.initializationOptions,
    });
    client.notify('initialized', {});
    return client;
  }

  request<R = unknown>(method: string, params?: unknown): Promise<R> {
    return this.raceExit(this.connection.sendRequest<R>(method, params));
  }

  /** A textDocument request at a place, e.g. `workspace.cursor()`: hover, definition, references, rename… */
  requestAt<R = unknown>(method: string, at: { uri: string; position: Position }, extra: Record<string, unknown> = {}): Promise<R> {
    return this.request<R>(method, { textDocument: { uri: at.uri }, position: at.position, ...extra });
  }

  notify(method: string, params?: unknown): void {
    // A notification to a server that has exited fails; waits and requests report that better.
    this.connection.sendNotification(method, params).catch(() => undefined);
  }

  // Documents ----------------------------------------------------------------------------------

  open(uri: string, text: string, languageId = 'yaml'): void {
    this.versions.set(uri, 1);
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Sends a change: the whole new text, or incremental range edits. */
  change(uri: string, change: string | TextDocumentContentChangeEvent[]): void {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const contentChanges = typeof change === 'string' ? [{ text: change }] : change;
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  close(uri: string): void {
    this.versions.delete(uri);
    this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /** Tells the server about changes on disk (1 created, 2 changed, 3 deleted). */
  filesChanged(changes: FileEvent[]): void {
    this.notify('workspace/didChangeWatchedFiles', { changes });
  }

  /** Replaces the settings and tells the server, as VS Code does (it then pulls them). */
  changeSettings(settings: Record<string, unknown>): void {
    this.settings = settings;
    this.notify('workspace/didChangeConfiguration', { settings: null });
  }

  // Waiting ------------------------------------------------------------------------------------

  /** Resolves once `condition` holds (checked after every message from the server); fails after the timeout. */
  waitFor(condition: () => boolean, what: string): Promise<void> {
    if (condition()) return Promise.resolve();
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        check: condition,
        resolve: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.describeState()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Waits until the server has finished indexing and published what it found. */
  waitForIdle(): Promise<void> {
    return this.waitFor(() => this.statuses.at(-1)?.indexing === false, 'a portchain/status with indexing: false');
  }

  /** Waits until the latest `portchain/status` has these values (it follows each publish). */
  waitForStatus(expected: Partial<StatusParams>): Promise<void> {
    const matches = (status: StatusParams | undefined) => status !== undefined && Object.entries(expected).every(([key, value]) => status[key as keyof StatusParams] === value);
    return this.waitFor(() => matches(this.statuses.at(-1)), `a portchain/status with ${JSON.stringify(expected)}`);
  }

  /** Waits until a URI's latest diagnostics satisfy `condition`, and returns them. */
  async waitForDiagnostics(uri: string, condition: (diagnostics: Diagnostic[]) => boolean, what = 'diagnostics'): Promise<Diagnostic[]> {
    await this.waitFor(() => {
      const diagnostics = this.diagnostics.get(uri);
      return diagnostics !== undefined && condition(diagnostics);
    }, `${what} of ${uri}`);
    return this.diagnostics.get(uri)!;
  }

  /**
   * Waits until the server has answered a request sent now. The server reads messages in order,
   * so everything sent before it has been received; what it then publishes comes later.
   */
  async roundTrip(): Promise<void> {
    await this.request('portchain/unknownRequestForTests').catch(() => undefined);
  }

  // Ending -------------------------------------------------------------------------------------

  /** shutdown, then exit; resolves with the server's exit code. */
  async stop(): Promise<number | null> {
    if (this.exitCode !== undefined) return this.exitCode;
    await this.request('shutdown');
    this.notify('exit');
    return this.waitForExit();
  }

  /** Waits for the process to end (killing it after the timeout). */
  async waitForExit(): Promise<number | null> {
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.options.timeoutMs ?? 10_000).unref());
    const result = await Promise.race([this.exited, timeout]);
    if (result === 'timeout') {
      this.kill();
      throw new Error(`the server did not exit\n${this.describeState()}`);
    }
    return result;
  }

  /** Ends the process whatever its state; for `after` hooks. */
  kill(): void {
    this.connection.dispose();
    if (this.exitCode === undefined && !this.process.killed) this.process.kill();
    // Nothing of the child may keep the test process alive once its test is over.
    for (const stream of [this.process.stdin, this.process.stdout, this.process.stderr]) stream.destroy();
    this.process.unref();
  }

  get stderrText(): string {
    return this.stderr;
  }

  // Internals ----------------------------------------------------------------------------------

  private folders(): { uri: string; name: string }[] {
    return this.options.folders.map((folder) => ({ uri: pathToFileURL(folder).href, name: folder.slice(folder.lastIndexOf('/') + 1) }));
  }

  private setting(section: string): unknown {
    if (section in this.settings) return this.settings[section];
    let value: unknown = this.settings;
    for (const part of section.split('.')) {
      if (typeof value !== 'object' || value === null) return undefined;
      value = (value as Record<string, unknown>)[part];
    }
    return value;
  }

  private notifyWaiters(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) waiter.resolve();
    }
  }

  private raceExit<T>(promise: Promise<T>): Promise<T> {
    const exited = this.exited.then((code) => Promise.reject<T>(new Error(`the server exited with code ${code}\n${this.describeState()}`)));
    exited.catch(() => undefined);
    return Promise.race([promise, exited]);
  }

  private describeState(): string {
    const diagnostics = [...this.diagnostics].map(([uri, list]) => `  ${uri}: ${list.map((d) => `${d.code} ${d.range.start.line + 1}:${d.range.start.character}`).join(', ') || '(none)'}`);
    return [
      `last status: ${JSON.stringify(this.statuses.at(-1))}`,
      `diagnostics:\n${diagnostics.join('\n') || '  (none published)'}`,
      this.stderr.trim() ? `stderr:\n${this.stderr.trim().slice(-2000)}` : '',
      this.logs.length ? `log:\n${this.logs.slice(-20).join('\n')}` : '',
    ]
      .filter(Boolean)
      .join('\n');
  }
}

/** The bundled server (`npm test` builds dist/ first), or PORTCHAIN_SERVER where set. */
export function serverPath(): string {
  if (process.env.PORTCHAIN_SERVER) return process.env.PORTCHAIN_SERVER;
  const root = packageRootAbove(__dirname) ?? packageRootAbove(process.cwd());
  if (!root) throw new Error(`no portchain package.json above ${__dirname} or ${process.cwd()}`);
  const path = join(root, 'dist', 'server.js');
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm test (or node scripts/build.mjs) first`);
  return path;
}

function packageRootAbove(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'portchain') return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Writes a fixture to a temporary folder and starts a server on it; the test's `after` kills the
 * server and removes the folder, whatever the test's outcome. `beforeStart` writes what a fixture
 * cannot hold (binary files, say).
 */
export async function startServer(
  t: Pick<TestContext, 'after'>,
  source: string,
  options: Partial<LspClientOptions> & { beforeStart?: (workspace: DiskWorkspace) => void } = {},
): Promise<{ client: LspClient; workspace: DiskWorkspace }> {
  const workspace = DiskWorkspace.create(source);
  let client: LspClient | undefined;
  t.after(() => {
    client?.kill();
    workspace.dispose();
  });
  options.beforeStart?.(workspace);
  client = await LspClient.start({ folders: [workspace.dir], ...options });
  return { client, workspace };
}
