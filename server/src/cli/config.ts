// The CLI's settings file: the editor's settings (analysis/settings.ts) written as JSON or YAML,
// so CI and the editor apply the same rule severities.

import { promises as fs } from 'node:fs';
import { dirname, extname, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readSettings, type Settings } from '../analysis/settings';

/** The names looked for in the current directory when `--config` is not given, first found wins. */
export const CONFIG_FILE_NAMES = ['.portchain.json', 'portchain.config.json', '.portchain.yaml', '.portchain.yml'];

/** Keys the editor settings know; the CLI ignores the editor-only ones instead of calling them typos. */
const KNOWN_KEYS = new Set(['$schema', 'rules', 'nodePortRange', 'bindPortEnvVars', 'exclude', 'inlayHints', 'codeLens', 'includeFixtures', 'operators']);

export interface LoadedConfig {
  settings: Settings;
  /** The file read, or undefined where none was given or found. */
  file: string | undefined;
  /** The folder `exclude` globs are relative to: the settings file's, or the current directory. */
  baseDir: string;
}

/** Reads the settings file; a problem is a list of one-line messages, never an exception. */
export async function loadConfig(explicit: string | undefined, cwd: string): Promise<{ config: LoadedConfig } | { problems: string[] }> {
  const file = explicit !== undefined ? resolve(cwd, explicit) : await firstExisting(CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)));
  if (file === undefined) return { config: { settings: readSettings(undefined).settings, file: undefined, baseDir: cwd } };
  const shown = explicit ?? relative(cwd, file);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    return { problems: [`cannot read the settings file ${shown}: ${describeFsError(error)}`] };
  }
  let raw: unknown;
  try {
    raw = parseConfigText(text.replace(/^\uFEFF/, ''), extname(file).toLowerCase() === '.json');
  } catch (error) {
    return { problems: [`the settings file ${shown} is not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${firstLine((error as Error)?.message ?? String(error))}`] };
  }
  const { settings, problems } = readSettings(raw);
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const key of Object.keys(raw)) {
      if (!KNOWN_KEYS.has(key)) problems.push(`unknown key "${key}" (known: rules, nodePortRange, bindPortEnvVars, exclude, inlayHints, codeLens, includeFixtures, operators)`);
    }
  }
  if (problems.length > 0) return { problems: problems.map((problem) => `${shown}: ${problem}`) };
  return { config: { settings, file, baseDir: dirname(file) } };
}

function parseConfigText(text: string, isJson: boolean): unknown {
  if (isJson) return JSON.parse(text);
  // YAML 1.2 reads JSON too, so a settings file with another extension may be either.
  // `error`: the first error is thrown, and warnings are not printed as process warnings.
  const options = { prettyErrors: false, uniqueKeys: true, logLevel: 'error' } as const;
  return parseYaml(text, options) ?? undefined;
}

async function firstExisting(files: string[]): Promise<string | undefined> {
  for (const file of files) {
    try {
      if ((await fs.stat(file)).isFile()) return file;
    } catch {
      // Not there: try the next name.
    }
  }
  return undefined;
}

/** A file system error in a few words: `no such file or directory`, `permission denied`. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return code ?? firstLine((error as Error)?.message ?? String(error));
  }
}

function firstLine(message: string): string {
  return message.split(/\r?\n/)[0];
}
