// A workspace's analysis: files in, findings out. The language server and the CLI share it, so
// the editor and CI report the same findings.

import { PortGraph } from '../graph/portGraph';
import { parseFile } from '../model/parse';
import type { FileNote, ParsedFile } from '../model/types';
import { runRules } from '../rules';
import type { Finding } from '../rules/types';
import { DEFAULT_SETTINGS, ruleOptionsOf, type Settings } from './settings';

export class Project {
  readonly graph = new PortGraph();
  private settingsValue: Settings = DEFAULT_SETTINGS;
  private cached: { version: number; byUri: Map<string, Finding[]> } | undefined;

  /** `where` names a file for messages: its path relative to the workspace. */
  constructor(readonly where: (uri: string) => string = (uri) => uri) {}

  get settings(): Settings {
    return this.settingsValue;
  }

  set settings(settings: Settings) {
    this.settingsValue = settings;
    this.cached = undefined;
  }

  /** Parses and indexes a file version; returns what the model read. */
  setText(uri: string, text: string, version = 0): ParsedFile {
    const file = parseFile(uri, text, version);
    this.graph.setFile(file);
    return file;
  }

  remove(uri: string): boolean {
    return this.graph.deleteFile(uri);
  }

  /** Findings of the whole workspace by file URI (files without findings are absent). */
  findingsByUri(): Map<string, Finding[]> {
    if (this.cached && this.cached.version === this.graph.version) return this.cached.byUri;
    const byUri = new Map<string, Finding[]>();
    for (const finding of runRules(this.graph, ruleOptionsOf(this.settingsValue), this.where)) {
      const list = byUri.get(finding.uri);
      if (list) list.push(finding);
      else byUri.set(finding.uri, [finding]);
    }
    this.cached = { version: this.graph.version, byUri };
    return byUri;
  }

  findings(uri: string): Finding[] {
    return this.findingsByUri().get(uri) ?? [];
  }

  notes(uri: string): FileNote[] {
    return this.graph.file(uri)?.notes ?? [];
  }
}
