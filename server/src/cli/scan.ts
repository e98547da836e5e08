// Which files a `portchain check` reads, and reading them from disk with bounded concurrency.
// A path the user typed that does not exist is bad usage; a file that cannot be read once the
// scan has started (gone, not permitted) is only a note, and the run goes on without it.

import { closeSync, fstatSync, openSync, promises as fs, readSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fixtureReason, testCaseFolderOf } from '../graph/units';
import { MAX_FILE_BYTES } from '../model/parse';
import type { FileNote } from '../model/types';
import { isManifestPath, skipperFor, type Workspace } from '../workspace/workspace';
import { describeFsError } from './config';

export interface ScanTarget {
  /** As typed, for messages. */
  path: string;
  absolute: string;
  isFolder: boolean;
}

/** Resolves the typed paths against `cwd`; the first one that is missing or unreadable is a problem. */
export async function resolveTargets(paths: readonly string[], cwd: string): Promise<{ targets: ScanTarget[] } | { problem: string }> {
  const targets: ScanTarget[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    try {
      const stat = await fs.stat(absolute);
      if (stat.isDirectory()) {
        // A folder that cannot be listed would silently give no files: say so instead.
        await (await fs.opendir(absolute)).close();
        targets.push({ path, absolute, isFolder: true });
      } else if (stat.isFile()) {
        targets.push({ path, absolute, isFolder: false });
      } else {
        return { problem: `${path}: not a file or folder` };
      }
    } catch (error) {
      return { problem: `${path}: ${describeFsError(error)}` };
    }
  }
  return { targets };
}

/**
 * The URIs of the files to read, each once, in a stable order: a named file as it is (whatever
 * its extension), the manifests (*.yaml, *.yml) below a named folder. `exclude` globs are
 * relative to `baseDir`; node_modules, .git and the like are always skipped. `fixtures` holds
 * those of them that are fixtures by their path below the named folder (graph/units.ts), with why;
 * a file named on its own is never one.
 */
export async function listTargetFiles(workspace: Workspace, targets: readonly ScanTarget[], exclude: readonly string[], baseDir: string): Promise<{ uris: string[]; fixtures: Map<string, string> }> {
  const skipper = skipperFor(exclude);
  const seen = new Set<string>();
  const uris: string[] = [];
  const fixtures = new Map<string, string>();
  const add = (uri: string) => {
    if (seen.has(uri)) return;
    seen.add(uri);
    uris.push(uri);
  };
  for (const target of targets) {
    const prefix = pathBelow(baseDir, target.absolute);
    if (!target.isFolder) {
      if (prefix === undefined || !skipper(prefix, false)) add(pathToFileURL(target.absolute).href);
      continue;
    }
    // Globs are written relative to baseDir; a folder outside it matches them relative to itself.
    const folderPrefix = prefix ? `${prefix}/` : '';
    const skip = (relativePath: string, isFolder: boolean) => skipper(folderPrefix + relativePath, isFolder);
    const folder = pathToFileURL(target.absolute).href.replace(/\/?$/, '/');
    const below: { uri: string; path: string }[] = [];
    const testCases = new Set<string>();
    for await (const uri of workspace.listFiles(pathToFileURL(target.absolute).href, skip)) {
      if (!isManifestPath(uri)) continue;
      const path = uri.startsWith(folder) ? decodePath(uri.slice(folder.length)) : undefined;
      if (path === undefined) {
        add(uri);
        continue;
      }
      const testCase = testCaseFolderOf(path);
      if (testCase !== undefined) testCases.add(testCase);
      below.push({ uri, path });
    }
    // A test-case marker anywhere in a folder makes all of it fixtures, so the folder is listed first.
    for (const { uri, path } of below) {
      const reason = fixtureReason(path, testCases);
      if (reason !== undefined && !seen.has(uri)) fixtures.set(uri, reason);
      add(uri);
    }
  }
  return { uris, fixtures };
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** `path` relative to `base` with `/` separators; '' for base itself, undefined where it is outside base. */
function pathBelow(base: string, path: string): string | undefined {
  const relativePath = relative(base, path);
  if (relativePath === '') return '';
  if (relativePath === '..' || relativePath.startsWith(`..${sep}`) || isAbsolute(relativePath)) return undefined;
  return relativePath.split(sep).join('/');
}

/** A file's text, or why it could not be read (a FileNote for the report). */
export type ReadOutcome = { text: string } | { note: FileNote };

export type ReadText = (uri: string) => Promise<ReadOutcome>;

const HEAD = { start: 0, end: 0 };

/**
 * Reads a file URI from disk as UTF-8, without a byte order mark (editors do not show it either).
 * One open and one stat of the open file: a stat by path first would cost a cold scan a tenth of
 * its time. Past three bytes per UTF-16 unit the text is too large however it decodes, so it is
 * not even read.
 */
export const readTextFromDisk: ReadText = async (uri) => {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(fileURLToPath(uri), 'r');
    const { size } = await handle.stat();
    if (size > 3 * MAX_FILE_BYTES) return tooLarge(size);
    const buffer = Buffer.allocUnsafe(size);
    let length = 0;
    while (length < size) {
      const { bytesRead } = await handle.read(buffer, length, size - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return decoded(buffer, length);
  } catch (error) {
    return unreadable(error);
  } finally {
    await handle?.close().catch(() => undefined);
  }
};

/**
 * `readTextFromDisk` on the calling thread: for a worker thread, which has nothing else to do
 * meanwhile, a synchronous read costs a fifth of an asynchronous one.
 */
export function readTextFromDiskSync(uri: string): ReadOutcome {
  let fd: number | undefined;
  try {
    fd = openSync(fileURLToPath(uri), 'r');
    const { size } = fstatSync(fd);
    if (size > 3 * MAX_FILE_BYTES) return tooLarge(size);
    const buffer = Buffer.allocUnsafe(size);
    let length = 0;
    while (length < size) {
      const bytesRead = readSync(fd, buffer, length, size - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return decoded(buffer, length);
  } catch (error) {
    return unreadable(error);
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // The text is read; a failed close loses nothing.
      }
    }
  }
}

/** The bytes read as UTF-8 (as many as the stat said, or fewer where the file shrank meanwhile), without a byte order mark. */
function decoded(buffer: Buffer, length: number): ReadOutcome {
  const text = buffer.toString('utf8', 0, length);
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

function tooLarge(size: number): ReadOutcome {
  return { note: { kind: 'too-large', message: `not read: ${Math.round(size / 1048576)} MB is more than portchain reads in one file (${MAX_FILE_BYTES / 1048576} MB)`, span: HEAD } };
}

function unreadable(error: unknown): ReadOutcome {
  const code = (error as NodeJS.ErrnoException)?.code;
  const message = code === 'ENOENT' ? 'not read: the file was removed during the scan' : `not read: ${describeFsError(error)}`;
  return { note: { kind: 'unreadable', message, span: HEAD } };
}

/**
 * Reads every URI with at most `concurrency` reads in flight and hands each outcome to `take` in
 * the order of `uris`, so what is built from them does not depend on which read finished first.
 */
export async function readInOrder(uris: readonly string[], read: ReadText, concurrency: number, take: (uri: string, outcome: ReadOutcome) => void): Promise<void> {
  const outcomes: (ReadOutcome | undefined)[] = new Array(uris.length);
  let nextToRead = 0;
  let nextToTake = 0;
  const worker = async () => {
    while (nextToRead < uris.length) {
      const index = nextToRead++;
      let outcome: ReadOutcome;
      try {
        outcome = await read(uris[index]);
      } catch (error) {
        outcome = { note: { kind: 'unreadable', message: `not read: ${(error as Error)?.message ?? String(error)}`, span: HEAD } };
      }
      outcomes[index] = outcome;
      while (nextToTake < uris.length && outcomes[nextToTake] !== undefined) {
        const ready = outcomes[nextToTake]!;
        outcomes[nextToTake] = undefined;
        take(uris[nextToTake++], ready);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, uris.length)) }, worker));
}
