// `portchain check`: settings, files, one Project over all of them, and the report. The Project
// is the language server's, so CI reports exactly what the editor shows.

import { sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Project } from '../analysis/project';
import type { FileNote, ParsedFile } from '../model/types';
import type { Settings } from '../analysis/settings';
import { NodeWorkspace } from '../workspace/nodeWorkspace';
import type { Workspace } from '../workspace/workspace';
import { loadConfig } from './config';
import { readInParallel, workerCount, workerScript } from './parallelRead';
import { buildReport, displayPath, type Report } from './report';
import { listTargetFiles, readInOrder, readTextFromDisk, resolveTargets, type ReadText } from './scan';

/** Reads in flight at once: enough to hide disk latency, few enough to stay far from fd limits. */
const READ_CONCURRENCY = 32;

export interface CheckInput {
  paths: readonly string[];
  config: string | undefined;
  cwd: string;
  workspace?: Workspace;
  read?: ReadText;
  /** Check fixtures too (`--include-fixtures`), whatever the settings file says. */
  includeFixtures?: boolean;
}

/** Notes the CLI leaves out: "this is a template" describes a file but says nothing was left unread. */
const QUIET_NOTE_KINDS = new Set<FileNote['kind']>(['template']);

/** A workspace read from disk into one Project, as `check` and `graph` both read it. */
export interface OpenedProject {
  project: Project;
  settings: Settings;
  notesByUri: Map<string, FileNote[]>;
  includeFixtures: boolean;
  fixtures: number;
}

/** Runs a check; bad usage (a missing path, a bad settings file) comes back as one-line problems. */
export async function runCheck(input: CheckInput): Promise<{ report: Report } | { problems: string[] }> {
  const opened = await openProject(input);
  if ('problems' in opened) return opened;
  const { project, notesByUri, includeFixtures, fixtures } = opened;
  const rootUri = pathToFileURL(input.cwd.endsWith(sep) ? input.cwd : input.cwd + sep).href;
  const report = buildReport(project, notesByUri, input.cwd, rootUri);
  report.fixturesLeftOut = includeFixtures ? 0 : fixtures;
  return { report };
}

/** Reads the settings and every file the paths name into one Project; bad usage comes back as one-line problems. */
export async function openProject(input: CheckInput): Promise<OpenedProject | { problems: string[] }> {
  const loaded = await loadConfig(input.config, input.cwd);
  if ('problems' in loaded) return loaded;
  const { settings, baseDir } = loaded.config;
  const resolved = await resolveTargets(input.paths, input.cwd);
  if ('problem' in resolved) return { problems: [resolved.problem] };
  const listed = await listTargetFiles(input.workspace ?? new NodeWorkspace(), resolved.targets, settings.exclude, baseDir);
  // A .portchain.yaml is YAML too, but it is the settings, not a manifest.
  const configUri = loaded.config.file === undefined ? undefined : pathToFileURL(loaded.config.file).href;
  // Fixtures are left out, and counted, unless asked for; then each is a unit of its own.
  const includeFixtures = input.includeFixtures === true || settings.includeFixtures;
  const uris = listed.uris.filter((uri) => uri !== configUri && (includeFixtures || !listed.fixtures.has(uri)));

  const project = new Project((uri) => displayPath(uri, input.cwd));
  project.settings = settings;
  project.isAlone = (uri) => listed.fixtures.has(uri);
  const notesByUri = new Map<string, FileNote[]>();
  const take = (uri: string, outcome: { note: FileNote } | { text: string; file?: ParsedFile }) => {
    if ('note' in outcome) {
      notesByUri.set(uri, [outcome.note]);
      return;
    }
    const file = outcome.file ? project.setParsed(outcome.file) : project.setText(uri, outcome.text);
    const notes = file.notes.filter((note) => !QUIET_NOTE_KINDS.has(note.kind));
    if (notes.length > 0) notesByUri.set(uri, notes);
  };
  // A large scan parses on worker threads too.
  const workers = input.read ? 0 : workerCount(uris.length);
  const script = workers > 0 ? workerScript() : undefined;
  if (script) await readInParallel(uris, workers, script, take);
  else await readInOrder(uris, input.read ?? readTextFromDisk, READ_CONCURRENCY, take);
  // Kustomize builds read files that are not manifests (generator env files); a missing one is the build's to report.
  const read = input.read ?? readTextFromDisk;
  await project.readInputs(async (uri) => {
    const outcome = await read(uri);
    return 'text' in outcome ? outcome.text : undefined;
  });
  return { project, settings, notesByUri, includeFixtures, fixtures: listed.fixtures.size };
}
