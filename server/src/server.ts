// The portchain language server: the connection, the workspace scan, watched files, settings and
// publishing. Everything an editor asks is answered from one Project (the graph and the rules the
// CLI uses too); the answers themselves are built in features/, one feature per file.
//
// **Architecture invariant:** this file wires; it holds no rule or feature logic. It never
// publishes from a half-read workspace: diagnostics wait until the scan that is under way ends.
// Importing it starts a server (it is the bin): tests run the bundle as a process instead
// (test/support/lspClient.ts).

import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  LSPErrorCodes,
  ResponseError,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  WatchKind,
  type ClientCapabilities,
  type Connection,
  type DidChangeWatchedFilesParams,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressReporter,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { version as PORTCHAIN_VERSION } from '../../package.json';
import { Project } from './analysis/project';
import { DEFAULT_SETTINGS } from './analysis/settings';
import {
  CONFIGURATION_SECTION,
  FILES_EXCLUDE_SECTION,
  pushedSections,
  readEditorConfiguration,
  type EditorConfiguration,
} from './features/configuration';
import { codeActions } from './features/codeActions';
import { codeLenses } from './features/codeLens';
import { definition } from './features/definition';
import { DiagnosticsTracker, type DiagnosticClientSupport } from './features/diagnostics';
import { hover } from './features/hover';
import { completion, COMPLETION_TRIGGER_CHARACTERS, resolveCompletion } from './features/completion';
import { portMap, PortMapRequest } from './features/portMap';
import { inlayHints } from './features/inlayHints';
import { references } from './features/references';
import { prepareRename, rename } from './features/rename';
import { documentSymbols, workspaceSymbols } from './features/symbols';
import { StatusNotification, statusOf } from './features/status';
import { isChartInput } from './graph/helm';
import { fixtureReason, testCaseFolderOf } from './graph/units';
import { isKustomizationUri } from './model/kustomization';
import { NodeWorkspace } from './workspace/nodeWorkspace';
import { isManifestPath, manifestFiles, skipperFor, type Workspace } from './workspace/workspace';

/** What the port map request answers where the map could not be drawn (the error is logged). */
const EMPTY_PORT_MAP = { nodes: [], edges: [], namespaces: [], matched: { nodes: 0, edges: 0 }, total: { nodes: 0, edges: 0 } };
/** How long after the last change diagnostics are recomputed: edits that come in a burst cost one run. */
const PUBLISH_DELAY_MS = 15;
/** A file read from disk with at least this many characters is parsed in slices, where it reads alone (Project.setTextInSteps). */
const STEPPED_PARSE_CHARS = 256 * 1024;

/** A scan indexes what it has read every this many batches (Project.settle). */
const SETTLE_EVERY_BATCHES = 8;

/** Files read at once during a scan; between batches the server answers whatever is waiting. */
const READ_BATCH = 32;
const MANIFEST_GLOB = '**/*.{yaml,yml}';

const HELP = `portchain-language-server ${PORTCHAIN_VERSION}
The portchain language server: Kubernetes port chains (Ingress → Service → targetPort →
containerPort → the port the process binds) checked across every manifest of a workspace.

Usage: portchain-language-server --stdio
       portchain-language-server --node-ipc | --socket=<port> | --pipe=<name>

Options:
  --stdio          speak LSP over stdin/stdout (what most editors use)
  --version        print the version and exit
  --help           print this help and exit

Settings are read from the client's "portchain" configuration section (workspace/configuration),
or from initializationOptions when the client cannot answer that request.`;

/** What the client said it can do, reduced to what the server asks. */
interface ClientSupport extends DiagnosticClientSupport {
  configuration: boolean;
  watchedFilesRegistration: boolean;
  configurationRegistration: boolean;
  workspaceFolders: boolean;
  definitionLinks: boolean;
  prepareRename: boolean;
  inlayHintRefresh: boolean;
  codeLensRefresh: boolean;
}

function clientSupportOf(capabilities: ClientCapabilities | undefined): ClientSupport {
  return {
    configuration: capabilities?.workspace?.configuration === true,
    watchedFilesRegistration: capabilities?.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    configurationRegistration: capabilities?.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    workspaceFolders: capabilities?.workspace?.workspaceFolders === true,
    relatedInformation: capabilities?.textDocument?.publishDiagnostics?.relatedInformation === true,
    definitionLinks: capabilities?.textDocument?.definition?.linkSupport === true,
    prepareRename: capabilities?.textDocument?.rename?.prepareSupport === true,
    inlayHintRefresh: capabilities?.workspace?.inlayHint?.refreshSupport === true,
    codeLensRefresh: capabilities?.workspace?.codeLens?.refreshSupport === true,
  };
}

/** A file URI spelled the way the disk scan spells it, so that one file never has two URIs. */
function canonicalUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return pathToFileURL(fileURLToPath(uri)).href;
  } catch {
    return uri;
  }
}

/** A folder URI without its trailing slash (the Workspace lists `${folder}/${path}`). */
function folderUri(uri: string): string {
  const canonical = canonicalUri(uri);
  return canonical.length > 'file:///'.length && canonical.endsWith('/') ? canonical.slice(0, -1) : canonical;
}

const NO_PROGRESS: WorkDoneProgressReporter = { begin() {}, report() {}, done() {} };

export class PortchainServer {
  readonly project = new Project((uri) => this.where(uri));
  readonly documents = new TextDocuments(TextDocument);
  private support: ClientSupport = clientSupportOf(undefined);
  private folders: string[] = [];
  private initializationOptions: unknown;
  private configuration: EditorConfiguration = { settings: DEFAULT_SETTINGS, excludeGlobs: [], problems: [] };
  /** Canonical URIs of the documents the editor has open: their text wins over the disk. */
  private readonly open = new Set<string>();
  /** Open documents changed since they were last parsed: parsing waits until someone reads the project. */
  private readonly unparsed = new Map<string, TextDocument>();
  private excluded = skipperFor([]);
  /** The latest disk read asked for each file; an older read that finishes later is dropped. */
  private readonly pendingReads = new Map<string, number>();
  private readCounter = 0;
  private scanGeneration = 0;
  private scansRunning = 0;
  /** False until the first scan has ended: nothing is published from a half-read workspace. */
  private scanned = false;
  private publishTimer: NodeJS.Timeout | undefined;
  /** A publish is under way (it may pause while the first findings are worked out); another waits for it. */
  private publishing = false;
  private publishAgain = false;
  private readonly tracker = new DiagnosticsTracker();
  private brokenLinks = 0;
  /** Fixture files the last scan left out (settings do not include them). */
  private fixturesLeftOut = 0;
  /** The e2e test-case folders the last scan found in each workspace folder (graph/units.ts `testCaseFolderOf`). */
  private testCases = new Map<string, Set<string>>();
  private shuttingDown = false;

  constructor(
    readonly connection: Connection,
    private readonly workspace: Workspace = new NodeWorkspace(),
  ) {
    // A fixture (test data, a golden output, an e2e assertion) is a unit of its own, by its path in its folder.
    this.project.isAlone = (uri) => this.fixtureReasonOf(uri) !== undefined;
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => void this.guard('initialized', () => this.initialized()));
    connection.onDidChangeConfiguration((params) => void this.guard('didChangeConfiguration', () => this.configurationChanged(params?.settings)));
    connection.onDidChangeWatchedFiles((params) => void this.guard('didChangeWatchedFiles', () => this.watchedFilesChanged(params)));
    connection.onShutdown(() => this.shutdown());
    this.documents.onDidChangeContent((event) => void this.guard('document change', () => this.documentChanged(event.document)));
    this.documents.onDidClose((event) => void this.guard('didClose', () => this.documentClosed(event.document)));
    this.documents.listen(connection);
    // Request features: each answered from features/<name>.ts through `answer`.
    const uri = (params: { textDocument: { uri: string } }) => this.uriOf(params.textDocument.uri);
    connection.onHover((params) => this.answer('hover', null, (project) => hover(project.at(uri(params)), uri(params), params.position)));
    connection.onCompletion((params) => this.answer('completion', null, (project) => completion(project.at(uri(params)), uri(params), params.position)));
    connection.onCompletionResolve((item) => resolveCompletion(item));
    connection.onDefinition((params) => this.answer('definition', null, (project) => definition(project.at(uri(params)), uri(params), params.position, { linkSupport: this.support.definitionLinks })));
    connection.onReferences((params) => this.answer('references', [], (project) => references(project.at(uri(params)), uri(params), params.position, params.context)));
    connection.onPrepareRename((params) => this.answer('prepareRename', null, (project) => prepareRename(project.at(uri(params)), uri(params), params.position)));
    connection.onRenameRequest((params) => {
      const outcome = this.answer('rename', null, (project) => rename(project.at(uri(params)), uri(params), params.position, params.newName));
      if (outcome && 'error' in outcome) return new ResponseError(LSPErrorCodes.RequestFailed, outcome.error);
      return outcome?.edit ?? null;
    });
    connection.onCodeAction((params) => this.answer('codeAction', [], (project) => codeActions(project.at(uri(params)), uri(params), params.range, params.context.diagnostics, params.context.only)));
    connection.languages.inlayHint.on((params) => this.answer('inlayHint', [], (project) => inlayHints(project.at(uri(params)), uri(params), params.range)));
    connection.onCodeLens((params) => this.answer('codeLens', [], (project) => codeLenses(project.at(uri(params)), uri(params))));
    connection.onDocumentSymbol((params) => this.answer('documentSymbol', [], (project) => documentSymbols(project.at(uri(params)), uri(params))));
    connection.onWorkspaceSymbol((params) => this.answer('workspaceSymbol', [], (project) => workspaceSymbols(project, params.query)));
    connection.onRequest(PortMapRequest, (params) => this.answer('portMap', EMPTY_PORT_MAP, (project) => portMap(project, params ?? {})));
  }

  /**
   * Runs a feature on the project as it is now (open documents parsed first). A feature that
   * throws answers `fallback` and the error is logged: a bug never fails the request.
   */
  answer<T>(what: string, fallback: T, feature: (project: Project) => T): T {
    try {
      return feature(this.current());
    } catch (error) {
      this.log(what, error);
      return fallback;
    }
  }

  /** The project with every open document's latest text parsed. */
  current(): Project {
    for (const [uri, document] of this.unparsed) this.project.setText(uri, document.getText(), document.version);
    this.unparsed.clear();
    return this.project;
  }

  /** The URI the project knows a client's URI by. */
  uriOf(clientUri: string): string {
    return canonicalUri(clientUri);
  }

  /** How messages name a file: its path relative to its workspace folder. */
  readonly where = (uri: string): string => {
    const place = this.placeOf(uri);
    if (place) return place.relativePath;
    try {
      return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
    } catch {
      return uri;
    }
  };

  listen(): void {
    this.connection.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.support = clientSupportOf(params?.capabilities);
    this.initializationOptions = params?.initializationOptions;
    const folders = params?.workspaceFolders?.map((folder) => folder.uri) ?? (params?.rootUri ? [params.rootUri] : params?.rootPath ? [pathToFileURL(params.rootPath).href] : []);
    this.folders = folders.filter((uri) => typeof uri === 'string').map(folderUri);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        hoverProvider: true,
        completionProvider: { triggerCharacters: COMPLETION_TRIGGER_CHARACTERS, resolveProvider: true },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: this.support.prepareRename ? { prepareProvider: true } : true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        inlayHintProvider: { resolveProvider: false },
        codeLensProvider: { resolveProvider: false },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
      },
      serverInfo: { name: 'portchain', version: PORTCHAIN_VERSION },
    };
  }

  private async initialized(): Promise<void> {
    if (this.support.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders((event) => void this.guard('didChangeWorkspaceFolders', () => this.foldersChanged(event)));
    }
    if (this.support.watchedFilesRegistration) {
      // Folder creates and deletes come through the second watcher: a renamed folder reports only itself.
      await this.connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: MANIFEST_GLOB }, { globPattern: '**/*', kind: WatchKind.Create | WatchKind.Delete }],
        })
        .catch((error) => this.log('registering file watchers', error));
    }
    if (this.support.configurationRegistration) {
      await this.connection.client
        .register(DidChangeConfigurationNotification.type, { section: [CONFIGURATION_SECTION, FILES_EXCLUDE_SECTION] })
        .catch((error) => this.log('registering for configuration changes', error));
    }
    await this.loadConfiguration(undefined);
    await this.scan();
  }

  // Settings ---------------------------------------------------------------------------------

  /**
   * Reads the settings: pulled where the client answers workspace/configuration, else pushed.
   * Sections a client does not have fall back to initializationOptions. True where the excludes changed.
   */
  private async loadConfiguration(pushed: unknown): Promise<boolean> {
    const initial = pushedSections(this.initializationOptions);
    let next: EditorConfiguration;
    if (this.support.configuration) {
      try {
        const [section, filesExclude] = await this.connection.workspace.getConfiguration([{ section: CONFIGURATION_SECTION }, { section: FILES_EXCLUDE_SECTION }]);
        next = readEditorConfiguration(section ?? initial.section, filesExclude ?? initial.filesExclude);
      } catch (error) {
        this.log('reading the settings', error);
        return false;
      }
    } else {
      const sections = pushed === null || pushed === undefined ? initial : pushedSections(pushed);
      next = readEditorConfiguration(sections.section, sections.filesExclude);
    }
    for (const problem of next.problems) this.connection.console.warn(`portchain settings: ${problem}`);
    const excludesChanged = JSON.stringify(next.excludeGlobs) !== JSON.stringify(this.configuration.excludeGlobs) || next.settings.includeFixtures !== this.configuration.settings.includeFixtures;
    this.configuration = next;
    this.excluded = skipperFor(next.excludeGlobs);
    this.project.settings = next.settings;
    return excludesChanged;
  }

  private async configurationChanged(pushed: unknown): Promise<void> {
    const excludesChanged = await this.loadConfiguration(pushed);
    if (excludesChanged) await this.scan();
    else this.schedulePublish();
  }

  // Scanning ---------------------------------------------------------------------------------

  /**
   * Reads every manifest of every workspace folder. A newer scan supersedes one under way; files
   * that the current excludes skip (or that are gone) leave the index unless they are open.
   */
  private async scan(): Promise<void> {
    const generation = ++this.scanGeneration;
    this.scansRunning++;
    const progress = await this.connection.window.createWorkDoneProgress().catch((error) => {
      this.log('creating a progress token', error);
      return NO_PROGRESS;
    });
    progress.begin('portchain: indexing manifests', 0, 'listing files', false);
    try {
      const listedByFolder: { folder: string; uris: string[] }[] = [];
      const testCases = new Map<string, Set<string>>();
      for (const folder of this.folders) {
        const inFolder: string[] = [];
        const folderTestCases = new Set<string>();
        for await (const uri of manifestFiles(this.workspace, folder, this.configuration.excludeGlobs)) {
          if (generation !== this.scanGeneration) return;
          inFolder.push(uri);
          const testCase = testCaseFolderOf(this.placeOf(uri)?.relativePath ?? '');
          if (testCase !== undefined) folderTestCases.add(testCase);
        }
        listedByFolder.push({ folder, uris: inFolder });
        testCases.set(folder, folderTestCases);
      }
      this.testCases = testCases;
      // Fixtures are left out unless settings include them (an open one is still checked alone).
      const uris: string[] = [];
      let fixtures = 0;
      for (const { uris: inFolder } of listedByFolder) {
        for (const uri of inFolder) {
          if (!this.configuration.settings.includeFixtures && this.fixtureReasonOf(uri) !== undefined) fixtures++;
          else uris.push(uri);
        }
      }
      this.fixturesLeftOut = fixtures;
      const listed = new Set(uris);
      for (const file of [...this.project.allFiles()]) {
        if (!listed.has(file.uri) && !this.open.has(file.uri)) this.removeFile(file.uri);
      }
      // Files that change how others read come first: kustomizations (what the builds include) and
      // charts' values and Chart.yaml (how templates render). Read later, each of them would
      // redo work for the files read before it.
      const first = (uri: string) => (isKustomizationUri(uri) ? 0 : isChartInput(uri) ? 1 : 2);
      uris.sort((a, b) => first(a) - first(b));
      for (let done = 0; done < uris.length; ) {
        if (generation !== this.scanGeneration || this.shuttingDown) return;
        const batch = uris.slice(done, done + READ_BATCH);
        await Promise.all(batch.map((uri) => this.readFromDisk(uri)));
        done += batch.length;
        // Indexing as the scan goes leaves nothing long to do at its end, when the user waits; every
        // few batches, so that the files of one kustomize build are mostly built once.
        if (done % (READ_BATCH * SETTLE_EVERY_BATCHES) === 0 || done === uris.length) this.project.settle();
        progress.report(Math.floor((done / uris.length) * 100), `${done}/${uris.length} files`);
        this.sendStatus();
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (generation === this.scanGeneration && !this.shuttingDown) await this.readInputs();
    } finally {
      this.scansRunning--;
      progress.done();
      if (generation === this.scanGeneration) this.scanned = true;
      this.schedulePublish();
    }
  }

  /** Indexes the disk version of a file, or drops the file where it cannot be read. Open files keep the editor's text. */
  private async readFromDisk(uri: string): Promise<void> {
    const ticket = ++this.readCounter;
    this.pendingReads.set(uri, ticket);
    const text = await this.workspace.readFile(uri);
    if (this.pendingReads.get(uri) !== ticket) return;
    if (this.open.has(uri) || text === undefined || (this.project.file(uri)?.text === text && this.project.heldWhereItBelongs(uri))) {
      this.pendingReads.delete(uri);
      // A file that vanished (or turned into a folder) since it was listed is simply not indexed.
      if (!this.open.has(uri) && text === undefined) this.removeFile(uri);
      return;
    }
    if (text.length < STEPPED_PARSE_CHARS) {
      this.pendingReads.delete(uri);
      this.project.setText(uri, text);
    } else {
      // A file of tens of thousands of lines parses for most of a second: a document at a time,
      // answering requests between slices (where it reads alone: Project.setTextInSteps). An
      // edit, a newer read, or excludes or folders that leave it out meanwhile supersede it.
      const wanted = () => {
        if (this.pendingReads.get(uri) !== ticket || this.open.has(uri) || this.shuttingDown) return false;
        const place = this.placeOf(uri);
        return place !== undefined && this.isScanned(place, false);
      };
      const parsed = await this.project.setTextInSteps(uri, text, 0, () => new Promise((resolve) => setImmediate(resolve)), wanted);
      if (this.pendingReads.get(uri) === ticket) this.pendingReads.delete(uri);
      if (!parsed) return;
    }
    this.schedulePublish();
  }

  private removeFile(uri: string): void {
    this.pendingReads.delete(uri);
    if (this.project.remove(uri)) this.schedulePublish();
  }

  /** The workspace folder that holds a URI, and the URI's path relative to it. */
  private placeOf(uri: string): { folder: string; relativePath: string } | undefined {
    let best: { folder: string; relativePath: string } | undefined;
    for (const folder of this.folders) {
      if (!uri.startsWith(`${folder}/`) || (best && best.folder.length >= folder.length)) continue;
      let relativePath = uri.slice(folder.length + 1);
      try {
        relativePath = decodeURIComponent(relativePath);
      } catch {
        // A malformed escape stays as written; it only names the file in messages and globs.
      }
      best = { folder, relativePath };
    }
    return best;
  }

  /** Why a file is a fixture, by its path in its workspace folder; undefined for a manifest or a file outside the folders. */
  private fixtureReasonOf(uri: string): string | undefined {
    const place = this.placeOf(uri);
    return place === undefined ? undefined : fixtureReason(place.relativePath, this.testCases.get(place.folder));
  }

  /** Whether the scan reads this path: inside a folder, a manifest, not excluded, not below a skipped folder, not a fixture left out. */
  private isScanned(place: { folder: string; relativePath: string }, isFolder: boolean): boolean {
    const relativePath = place.relativePath;
    if (!isFolder && !isManifestPath(relativePath)) return false;
    if (!isFolder && !this.configuration.settings.includeFixtures && fixtureReason(relativePath, this.testCases.get(place.folder)) !== undefined) return false;
    const parts = relativePath.split('/');
    for (let i = 1; i < parts.length; i++) if (this.excluded(parts.slice(0, i).join('/'), true)) return false;
    return !this.excluded(relativePath, isFolder);
  }

  private async foldersChanged(event: WorkspaceFoldersChangeEvent): Promise<void> {
    const removed = new Set(event.removed.map((folder) => folderUri(folder.uri)));
    const added = event.added.map((folder) => folderUri(folder.uri));
    this.folders = [...this.folders.filter((folder) => !removed.has(folder)), ...added.filter((folder) => !this.folders.includes(folder))];
    await this.scan();
  }

  // Open documents and watched files ------------------------------------------------------

  private documentChanged(document: TextDocument): void {
    const uri = canonicalUri(document.uri);
    if (!isManifestPath(uri) && !/yaml|helm/i.test(document.languageId)) return;
    this.open.add(uri);
    this.pendingReads.delete(uri);
    // Parsing waits for the debounced publish (or a request): a burst of keystrokes costs one parse.
    this.unparsed.set(uri, document);
    this.schedulePublish();
  }

  private async documentClosed(document: TextDocument): Promise<void> {
    const uri = canonicalUri(document.uri);
    if (!this.open.delete(uri)) return;
    this.unparsed.delete(uri);
    const place = this.placeOf(uri);
    if (place && this.isScanned(place, false)) await this.readFromDisk(uri);
    else this.removeFile(uri);
  }

  private async watchedFilesChanged(params: DidChangeWatchedFilesParams): Promise<void> {
    const reads: Promise<void>[] = [];
    for (const change of params?.changes ?? []) {
      if (typeof change?.uri !== 'string') continue;
      const uri = canonicalUri(change.uri);
      if (this.open.has(uri)) continue;
      const place = this.placeOf(uri);
      if (change.type === FileChangeType.Deleted) this.removeBelow(uri);
      else if (!place) continue;
      else if (!isManifestPath(uri) && this.project.graph.wantedInputs().has(uri)) reads.push(this.readInput(uri));
      else if (isManifestPath(uri)) {
        if (this.isScanned(place, false)) reads.push(this.readFromDisk(uri));
      } else if (change.type === FileChangeType.Created && this.isScanned(place, true)) {
        // A folder moved or copied in: its files arrive without events of their own.
        reads.push(this.readFolder(uri, place));
      }
    }
    await Promise.all(reads);
    // A changed kustomization may name generator env files the project does not hold yet.
    await this.readInputs();
  }

  /** Reads the files kustomize builds want that are not manifests (generator env files, JSON patches). */
  private async readInputs(): Promise<void> {
    if (this.project.missingInputs().length === 0) return;
    await this.project.readInputs((uri) => this.workspace.readFile(uri));
    this.schedulePublish();
  }

  private async readInput(uri: string): Promise<void> {
    const text = await this.workspace.readFile(uri);
    if (text === undefined) this.removeFile(uri);
    else this.project.setInput(uri, text);
    this.schedulePublish();
  }

  /** Drops a deleted file, or every file below a deleted folder (open files stay). */
  private removeBelow(uri: string): void {
    this.removeFile(uri);
    if (isManifestPath(uri)) return;
    const prefix = `${uri}/`;
    for (const file of [...this.project.allFiles()]) {
      if (file.uri.startsWith(prefix) && !this.open.has(file.uri)) this.removeFile(file.uri);
    }
  }

  private async readFolder(uri: string, place: { folder: string; relativePath: string }): Promise<void> {
    const skip = this.excluded;
    const relativePath = place.relativePath;
    const reads: Promise<void>[] = [];
    for await (const file of this.workspace.listFiles(uri, (path, isFolder) => skip(`${relativePath}/${path}`, isFolder))) {
      const filePlace = this.placeOf(file);
      if (isManifestPath(file) && !this.open.has(file) && filePlace !== undefined && this.isScanned(filePlace, false)) reads.push(this.readFromDisk(file));
      if (reads.length >= READ_BATCH) await Promise.all(reads.splice(0));
    }
    await Promise.all(reads);
  }

  // Publishing -------------------------------------------------------------------------------

  private schedulePublish(): void {
    if (this.shuttingDown) return;
    if (this.publishTimer) clearTimeout(this.publishTimer);
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined;
      void this.guard('publishing diagnostics', () => this.publish());
    }, PUBLISH_DELAY_MS);
  }

  /** Publishes the diagnostics of every file whose diagnostics changed, open or not, then the status. */
  private async publish(): Promise<void> {
    if (!this.scanned || this.scansRunning > 0 || this.shuttingDown) {
      this.sendStatus();
      return;
    }
    if (this.publishing) {
      this.publishAgain = true;
      return;
    }
    this.publishing = true;
    try {
      // A large workspace's first findings take seconds: they are worked out in slices, and
      // requests are answered between them. A settings change meanwhile starts them over.
      const project = this.current();
      while (!project.hasFindings && !this.shuttingDown) await project.prepareFindings(() => new Promise((resolve) => setImmediate(resolve)));
      // A scan that began meanwhile publishes when it ends: nothing from a half-read workspace.
      if (!this.scanned || this.scansRunning > 0 || this.shuttingDown) {
        this.sendStatus();
        return;
      }
      this.sendDiagnostics();
    } finally {
      this.publishing = false;
      if (this.publishAgain) {
        this.publishAgain = false;
        this.schedulePublish();
      }
    }
  }

  private sendDiagnostics(): void {
    let changed = false;
    for (const update of this.tracker.changes(this.current(), this.support)) {
      changed = true;
      void this.connection.sendDiagnostics(update).catch((error) => this.log(`publishing diagnostics of ${update.uri}`, error));
    }
    // Hints and lenses of one file show links into others: when any link changed, they are stale.
    if (changed && this.support.inlayHintRefresh) void this.connection.languages.inlayHint.refresh().catch((error) => this.log('refreshing inlay hints', error));
    if (changed && this.support.codeLensRefresh) void this.connection.sendRequest('workspace/codeLens/refresh').catch((error) => this.log('refreshing code lenses', error));
    this.sendStatus();
  }

  private sendStatus(): void {
    const indexing = !this.scanned || this.scansRunning > 0;
    let status;
    if (indexing) {
      // Rules over a half-read workspace would cost a run and say little: keep the last count.
      status = { resources: this.project.graph.parsedResourceCount, files: this.project.graph.fileCount, brokenLinks: this.brokenLinks, indexing, fixturesLeftOut: this.fixturesLeftOut };
    } else {
      status = statusOf(this.project, false, this.fixturesLeftOut);
      this.brokenLinks = status.brokenLinks;
    }
    void this.connection.sendNotification(StatusNotification, status).catch((error) => this.log('sending the status', error));
  }

  private shutdown(): void {
    this.shuttingDown = true;
    this.scanGeneration++;
    if (this.publishTimer) clearTimeout(this.publishTimer);
    this.publishTimer = undefined;
  }

  // Errors -----------------------------------------------------------------------------------

  /** Runs a handler; an error is logged, never thrown at the connection. */
  private async guard(what: string, handler: () => unknown): Promise<void> {
    try {
      await handler();
    } catch (error) {
      this.log(what, error);
    }
  }

  private log(what: string, error: unknown): void {
    this.connection.console.error(`portchain: ${what} failed: ${(error as Error)?.stack ?? String(error)}`);
  }
}

const TRANSPORT_FLAGS = /^--(stdio|node-ipc|socket|pipe)(=|$)/;

function main(args: string[]): void {
  if (args.includes('--version') || args.includes('-v')) {
    process.stdout.write(`${PORTCHAIN_VERSION}\n`);
    process.exit(0);
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  if (!args.some((arg) => TRANSPORT_FLAGS.test(arg))) {
    process.stderr.write(`portchain-language-server: say how to talk to the editor (--stdio)\n\n${HELP}\n`);
    process.exit(2);
  }
  new PortchainServer(createConnection(ProposedFeatures.all)).listen();
}

main(process.argv.slice(2));
