// The editor's settings, as the LSP client hands them over, turned into Settings and exclude globs.
// VS Code answers `workspace/configuration` for `portchain` with nested objects for dotted keys
// (`portchain.rules.target-port-mismatch` arrives as `{ rules: { 'target-port-mismatch': … } }`);
// other editors often write the dotted keys as they are. Both shapes are read the same way.

import { readSettings, type Settings } from '../analysis/settings';

export const CONFIGURATION_SECTION = 'portchain';
export const FILES_EXCLUDE_SECTION = 'files.exclude';

export interface EditorConfiguration {
  settings: Settings;
  /** `files.exclude` and `portchain.exclude` together, as globs relative to a workspace folder. */
  excludeGlobs: string[];
  /** What was wrong with the settings; the defaults stand for those values. */
  problems: string[];
}

/** Reads the `portchain` section and `files.exclude` as a client answers them. Never throws. */
export function readEditorConfiguration(portchainSection: unknown, filesExclude: unknown): EditorConfiguration {
  const { settings, problems } = readSettings(withoutNulls(expandDottedKeys(portchainSection)));
  return { settings, excludeGlobs: [...excludedGlobsOf(filesExclude), ...settings.exclude], problems };
}

/**
 * Finds the `portchain` section and `files.exclude` in settings that a client pushes
 * (`initializationOptions`, `workspace/didChangeConfiguration` params): either
 * `{ portchain: {…}, files: { exclude } }` (dotted keys allowed) or the `portchain` section alone.
 */
export function pushedSections(raw: unknown): { section: unknown; filesExclude: unknown } {
  if (!isObject(raw)) return { section: undefined, filesExclude: undefined };
  const sectionKeys = Object.keys(raw).filter((key) => key === CONFIGURATION_SECTION || key.startsWith(`${CONFIGURATION_SECTION}.`));
  const filesExclude = raw[FILES_EXCLUDE_SECTION] ?? (isObject(raw.files) ? raw.files.exclude : undefined);
  if (sectionKeys.length === 0 && filesExclude === undefined) return { section: raw, filesExclude: undefined };
  const sections = expandDottedKeys(Object.fromEntries(sectionKeys.map((key) => [key, raw[key]])));
  return { section: isObject(sections) ? sections[CONFIGURATION_SECTION] : undefined, filesExclude };
}

/** The globs a `files.exclude` object turns on (`{ "**\/dist": true }`); conditional `{ when }` entries are ignored. */
export function excludedGlobsOf(filesExclude: unknown): string[] {
  if (!isObject(filesExclude)) return [];
  return Object.entries(filesExclude)
    .filter(([glob, on]) => on === true && glob.trim() !== '')
    .map(([glob]) => glob);
}

/** `{ 'rules.a': x, rules: { b: y } }` → `{ rules: { a: x, b: y } }`, at every depth (setting names only: glob keys hold dots). */
function expandDottedKeys(value: unknown): unknown {
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const path = key.split('.').filter((part) => part !== '');
    if (path.length === 0) continue;
    let target = out;
    for (const part of path.slice(0, -1)) {
      if (!isObject(target[part])) target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    const expanded = expandDottedKeys(inner);
    target[last] = isObject(target[last]) && isObject(expanded) ? { ...target[last], ...expanded } : expanded;
  }
  return out;
}

/** Drops null values: an editor reports an unset setting as null, which means "the default". */
function withoutNulls(value: unknown): unknown {
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner !== null && inner !== undefined) out[key] = withoutNulls(inner);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
