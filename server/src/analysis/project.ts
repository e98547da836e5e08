// A workspace's analysis: files in, findings out. The language server and the CLI share it, so
// the editor and CI report the same findings. Edits are cheap: a file is parsed once per version,
// the graph's indexes change by that file, and the rule engine re-checks only what the edit may
// have changed (rules/engine.ts).

import { deleteFileText, setFileText } from '../graph/helm';
import { PortGraph } from '../graph/portGraph';
import { textInputFile } from '../model/kustomization';
import type { FileNote, ParsedFile, Resource } from '../model/types';
import { createRuleEngine } from '../rules';
import type { RuleEngine } from '../rules/engine';
import type { Finding } from '../rules/types';
import { DEFAULT_SETTINGS, ruleOptionsOf, type Settings } from './settings';

export class Project {
  readonly graph = new PortGraph();
  private settingsValue: Settings = DEFAULT_SETTINGS;
  private engine: RuleEngine | undefined;
  /** Files changed since the engine last looked, with their resources as the engine last saw them. */
  private readonly pending = new Map<string, readonly Resource[]>();
  /** Files whose findings or notes may have changed since `takeChangedUris` was last called; undefined: all of them. */
  private changedUris: Set<string> | undefined = new Set();

  /** `where` names a file for messages: its path relative to the workspace. */
  constructor(readonly where: (uri: string) => string = (uri) => uri) {}

  get settings(): Settings {
    return this.settingsValue;
  }

  set settings(settings: Settings) {
    this.settingsValue = settings;
    // Severities and options change every finding: the next read runs every rule again.
    this.engine = undefined;
    this.pending.clear();
  }

  /** Parses and indexes a file version; returns what the model read. */
  setText(uri: string, text: string, version = 0): ParsedFile {
    const previous = this.graph.file(uri);
    if (previous && previous.text === text && previous.version === version) return previous;
    // A chart's values.yaml or Chart.yaml changes how the chart's templates read: those are set again too.
    return setFileText(this.graph, uri, text, version, (changed, before) => this.noteChange(changed, before));
  }

  /**
   * Indexes a file parsed from its text elsewhere (the CLI parses on worker threads), which must
   * be one that `parsesAlone` (graph/helm.ts); the same as `setText` of its text.
   */
  setParsed(file: ParsedFile): ParsedFile {
    return setFileText(this.graph, file.uri, file.text, file.version, (changed, before) => this.noteChange(changed, before), file);
  }

  /**
   * Holds a file that a kustomize build reads but that is not a manifest (a generator's env file,
   * a JSON patch) as text, so the build can read it.
   */
  setInput(uri: string, text: string, version = 0): void {
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
    return deleteFileText(this.graph, uri, (changed, before) => this.noteChange(changed, before));
  }

  /** Findings of the whole workspace by file URI (files without findings are absent). */
  findingsByUri(): ReadonlyMap<string, Finding[]> {
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

  findings(uri: string): Finding[] {
    return this.findingsByUri().get(uri) ?? [];
  }

  notes(uri: string): FileNote[] {
    return this.graph.file(uri)?.notes ?? [];
  }

  /**
   * The files whose findings or notes may have changed since the last call (bringing the findings
   * up to date first); undefined where any file may have (the first run, a settings change).
   */
  takeChangedUris(): Set<string> | undefined {
    this.findingsByUri();
    const changed = this.changedUris;
    this.changedUris = new Set();
    return changed;
  }

  private noteChange(uri: string, previous: ParsedFile | undefined): void {
    if (!this.pending.has(uri)) this.pending.set(uri, previous?.resources ?? []);
    this.changedUris?.add(uri);
  }
}
