// A workspace's analysis: files in, findings out. The language server and the CLI share it, so
// the editor and CI report the same findings. Edits are cheap: a file is parsed once per version,
// the graph's indexes change by that file, and the rule engine re-checks only what the edit may
// have changed (rules/engine.ts).

import { deleteFileText, parsesAlone, setFileText } from '../graph/helm';
import { PortMapModel, type PortMap } from '../graph/portMap';
import { PortGraph } from '../graph/portGraph';
import { textInputFile } from '../model/kustomization';
import { parseFileInSteps } from '../model/parse';
import type { FileNote, ParsedFile, Resource } from '../model/types';
import { createRuleEngine } from '../rules';
import type { RuleEngine } from '../rules/engine';
import type { Finding } from '../rules/types';
import { DEFAULT_SETTINGS, ruleOptionsOf, type Settings } from './settings';

/** How long `setTextInSteps` parses before it lets other work run. */
const PARSE_SLICE_MS = 30;
/** Resources per step of a stepped first rule run: some tens of milliseconds at 50,000 documents. */
const RULE_SLICE_RESOURCES = 1000;

/** One empty list for every file without findings: the port map keeps what it drew from a file's findings while the list is the same. */
const NO_FINDINGS: readonly Finding[] = [];

export class Project {
  readonly graph = new PortGraph();
  private settingsValue: Settings = DEFAULT_SETTINGS;
  private engine: RuleEngine | undefined;
  /** Files changed since the engine last looked, with their resources as the engine last saw them. */
  private readonly pending = new Map<string, readonly Resource[]>();
  /** Files whose findings or notes may have changed since `takeChangedUris` was last called; undefined: all of them. */
  private changedUris: Set<string> | undefined = new Set();
  /** The port map, kept per subject as the findings are (graph/portMap.ts); made on first use. */
  private portMapModel: PortMapModel | undefined;
  /** The last map asked for, and the model and graph version it is of. */
  private portMapData: { model: PortMapModel; version: number; map: PortMap } | undefined;
  /** A first rule run under way in steps (`prepareFindings`): its engine and what is left of the run. */
  private stepping: { engine: RuleEngine; steps: Generator<void, Set<string>, void> } | undefined;

  /**
   * Files that are units of their own (test fixtures, golden outputs, e2e assertions: see
   * graph/units.ts `fixtureReason`), each analysed in a project of its own, so that it never links
   * with another file. The host says which files these are: it knows the workspace folders.
   */
  isAlone: (uri: string) => boolean = () => false;
  private readonly alone = new Map<string, Project>();

  /** `where` names a file for messages: its path relative to the workspace. */
  constructor(readonly where: (uri: string) => string = (uri) => uri) {}

  /** The project that answers for a file: the fixture's own, or this one. */
  at(uri: string): Project {
    return this.alone.get(uri) ?? this;
  }

  /** The file a project holds, a fixture's included. */
  file(uri: string): ParsedFile | undefined {
    return this.at(uri).graph.file(uri);
  }

  /** Every file held: the workspace's, then the fixtures'. */
  *allFiles(): IterableIterator<ParsedFile> {
    yield* this.graph.files();
    for (const [uri, project] of this.alone) {
      const file = project.graph.file(uri);
      if (file) yield file;
    }
  }

  /** The fixture files held, each in a project of its own. */
  get aloneCount(): number {
    return this.alone.size;
  }

  /** The resources of the fixture files held. */
  get aloneResourceCount(): number {
    let count = 0;
    for (const project of this.alone.values()) count += project.graph.resourceCount;
    return count;
  }

  /** The project of a file that is a unit of its own, made on first use; undefined for any other file. */
  private aloneFor(uri: string): Project | undefined {
    if (!this.isAlone(uri)) {
      // A file that stopped being a fixture (a test-case marker went away) joins the workspace.
      if (this.alone.delete(uri)) this.changedUris?.add(uri);
      return undefined;
    }
    let project = this.alone.get(uri);
    if (!project) {
      // A file that became a fixture leaves the files that link together.
      if (this.graph.file(uri)) this.remove(uri);
      project = new Project(this.where);
      project.settings = this.settingsValue;
      this.alone.set(uri, project);
    }
    this.changedUris?.add(uri);
    return project;
  }

  /** Whether a held file is where `isAlone` puts it now (a scan re-sets one that is not, even where its text is unchanged). */
  heldWhereItBelongs(uri: string): boolean {
    return this.alone.has(uri) === this.isAlone(uri);
  }

  get settings(): Settings {
    return this.settingsValue;
  }

  set settings(settings: Settings) {
    this.settingsValue = settings;
    this.graph.setOperators(settings.operators);
    for (const project of this.alone.values()) project.settings = settings;
    this.stepping = undefined;
    // Severities and options change every finding: the next read runs every rule again.
    this.engine = undefined;
    this.portMapModel?.dispose();
    this.portMapModel = undefined;
    this.pending.clear();
  }

  /** Parses and indexes a file version; returns what the model read. */
  setText(uri: string, text: string, version = 0): ParsedFile {
    const alone = this.aloneFor(uri);
    if (alone) return alone.setText(uri, text, version);
    this.finishStepping();
    const previous = this.graph.file(uri);
    if (previous && previous.text === text && previous.version === version) return previous;
    // A chart's values.yaml or Chart.yaml changes how the chart's templates read: those are set again too.
    return setFileText(this.graph, uri, text, version, (changed, before) => this.noteChange(changed, before));
  }

  /**
   * `setText` for a large file that reads alone (see `parsesAlone`): parsed a document at a time,
   * awaiting `pause` whenever a slice of work has run, so that the caller answers other requests
   * meanwhile. Nothing changes until the parse is over, and nothing at all where `stillWanted`
   * then says the text was superseded (undefined is returned). Other files parse at once.
   */
  async setTextInSteps(uri: string, text: string, version: number, pause: () => Promise<void>, stillWanted: () => boolean = () => true): Promise<ParsedFile | undefined> {
    const alone = this.aloneFor(uri);
    if (alone) return alone.setTextInSteps(uri, text, version, pause, stillWanted);
    if (!parsesAlone(uri, text)) return this.setText(uri, text, version);
    const previous = this.graph.file(uri);
    const steps = parseFileInSteps(uri, text, version, undefined, previous);
    let sliceStart = performance.now();
    for (;;) {
      const step = steps.next();
      if (step.done) return stillWanted() ? this.setParsed(step.value) : undefined;
      if (performance.now() - sliceStart >= PARSE_SLICE_MS) {
        await pause();
        sliceStart = performance.now();
      }
    }
  }

  /**
   * Indexes a file parsed from its text elsewhere (the CLI parses on worker threads), which must
   * be one that `parsesAlone` (graph/helm.ts); the same as `setText` of its text.
   */
  setParsed(file: ParsedFile): ParsedFile {
    const alone = this.aloneFor(file.uri);
    if (alone) return alone.setParsed(file);
    this.finishStepping();
    return setFileText(this.graph, file.uri, file.text, file.version, (changed, before) => this.noteChange(changed, before), file);
  }

  /**
   * Holds a file that a kustomize build reads but that is not a manifest (a generator's env file,
   * a JSON patch) as text, so the build can read it.
   */
  setInput(uri: string, text: string, version = 0): void {
    this.finishStepping();
    const previous = this.graph.file(uri);
    if (previous && previous.text === text && previous.version === version) return;
    this.noteChange(uri, previous);
    this.graph.setFile(textInputFile(uri, text, version));
  }

  /** Files kustomize builds read that the project does not hold yet. */
  missingInputs(): string[] {
    return [...this.graph.wantedInputs()].filter((uri) => !this.graph.file(uri)).sort();
  }

  /**
   * Reads the files builds want and the project lacks through `read` (the disk, the editor's
   * buffers), so the core never touches the file system itself. A file `read` cannot give stays missing.
   */
  async readInputs(read: (uri: string) => Promise<string | undefined>): Promise<void> {
    for (const uri of this.missingInputs()) {
      const text = await read(uri);
      if (text !== undefined) this.setInput(uri, text);
    }
  }

  remove(uri: string): boolean {
    if (this.alone.delete(uri)) {
      this.changedUris?.add(uri);
      return true;
    }
    this.finishStepping();
    return deleteFileText(this.graph, uri, (changed, before) => this.noteChange(changed, before));
  }

  /** Findings of the whole workspace by file URI (files without findings are absent), the fixtures' included. */
  findingsByUri(): ReadonlyMap<string, Finding[]> {
    const own = this.ownFindingsByUri();
    if (this.alone.size === 0) return own;
    const all = new Map(own);
    for (const [uri, project] of this.alone) {
      const findings = project.findings(uri);
      if (findings.length > 0) all.set(uri, findings);
    }
    return all;
  }

  /** Findings of the files this project links together. */
  private ownFindingsByUri(): ReadonlyMap<string, Finding[]> {
    this.finishStepping();
    if (!this.engine) {
      this.engine = createRuleEngine(this.graph, ruleOptionsOf(this.settingsValue), this.where);
      this.engine.runAll();
      this.pending.clear();
      this.graph.takeChanges();
      this.changedUris = undefined;
    } else {
      // Kustomize builds change the resources of files other than the edited one; the graph knows
      // which, and what every changed file held before (a build's copies, not the file's own).
      for (const [uri, before] of this.graph.takeChanges()) this.pending.set(uri, before);
    }
    if (this.pending.size > 0) {
      const changes = [...this.pending].map(([uri, before]) => ({ uri, before }));
      this.pending.clear();
      const dirty = this.engine.update(changes);
      if (this.changedUris) for (const uri of dirty) this.changedUris.add(uri);
    }
    return this.engine.findingsByUri;
  }

  /**
   * Indexes the files set since the last call now. A scan calls it after each batch of files, so
   * that the cost of indexing is spread over the scan: with the kustomizations read first, a batch
   * rebuilds only the kustomize builds that read its files (a kustomization read late makes the
   * layer compose every build again).
   */
  settle(): void {
    this.finishStepping();
    this.graph.settle();
  }

  /**
   * Works out the findings of a workspace that has none yet (the first run, or the first after a
   * settings change) a slice of resources at a time, awaiting `pause` between slices, so that a
   * large workspace's first run does not hold up the caller's other work. Anything that reads or
   * changes the project meanwhile finishes the run first, at once. Later runs are incremental and
   * small: they happen in findingsByUri.
   */
  async prepareFindings(pause: () => Promise<void>): Promise<void> {
    if (this.engine || this.stepping) return;
    // The rules read a settled graph; settling is one step of its own.
    this.graph.takeChanges();
    this.pending.clear();
    const engine = createRuleEngine(this.graph, ruleOptionsOf(this.settingsValue), this.where);
    const steps = engine.runAllInSteps(RULE_SLICE_RESOURCES);
    this.stepping = { engine, steps };
    await pause();
    while (this.stepping?.steps === steps) {
      if (steps.next().done) {
        this.installEngine(engine);
        return;
      }
      await pause();
    }
  }

  /** Whether findings are worked out (findingsByUri then only follows the changes since). */
  get hasFindings(): boolean {
    return this.engine !== undefined && this.stepping === undefined;
  }

  /** Runs what is left of a stepped first run at once, before the project is read or changed. */
  private finishStepping(): void {
    const stepping = this.stepping;
    if (!stepping) return;
    while (!stepping.steps.next().done);
    this.installEngine(stepping.engine);
  }

  private installEngine(engine: RuleEngine): void {
    this.stepping = undefined;
    this.engine = engine;
    this.changedUris = undefined;
  }

  /** The port map of the files this project links together (fixtures are left out), broken links carrying their findings. */
  portMap(): PortMap {
    const findings = this.ownFindingsByUri();
    const settings = this.settingsValue;
    this.portMapModel ??= new PortMapModel(this.graph, () => ruleOptionsOf(settings));
    // The findings follow the graph, so one version's map serves every request until the next edit.
    const version = this.graph.version;
    if (this.portMapData?.model !== this.portMapModel || this.portMapData.version !== version) {
      this.portMapData = { model: this.portMapModel, version, map: this.portMapModel.data((uri) => findings.get(uri) ?? NO_FINDINGS) };
    }
    return this.portMapData.map;
  }

  findings(uri: string): Finding[] {
    const alone = this.alone.get(uri);
    if (alone) return alone.findings(uri);
    return this.ownFindingsByUri().get(uri) ?? [];
  }

  notes(uri: string): FileNote[] {
    return this.file(uri)?.notes ?? [];
  }

  /**
   * The files whose findings or notes may have changed since the last call (bringing the findings
   * up to date first); undefined where any file may have (the first run, a settings change).
   */
  takeChangedUris(): Set<string> | undefined {
    this.ownFindingsByUri();
    const changed = this.changedUris;
    this.changedUris = new Set();
    return changed;
  }

  private noteChange(uri: string, previous: ParsedFile | undefined): void {
    if (!this.pending.has(uri)) this.pending.set(uri, previous?.resources ?? []);
    this.changedUris?.add(uri);
  }
}
