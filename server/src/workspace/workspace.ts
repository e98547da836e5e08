// Where files come from. The core never touches the file system: the server and the CLI give it
// a Workspace (the disk), tests give it an InMemoryWorkspace (vscode-markdown-languageservice's
// IWorkspace does the same).

import { globMatcher } from './glob';

export interface Workspace {
  /** The URIs of every file below a folder URI, depth first, skipping folders `skip` says to skip. */
  listFiles(folderUri: string, skip: (relativePath: string, isFolder: boolean) => boolean): AsyncIterable<string>;
  /** A file's text, or undefined where it cannot be read (gone, a folder, not permitted). */
  readFile(uri: string): Promise<string | undefined>;
}

/** Folders never worth reading for manifests. */
export const ALWAYS_SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn', '.cache', '.terraform', '.venv', '__pycache__']);

/** Whether a path names a file portchain reads. */
export function isManifestPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/** A skip function from `files.exclude`-style globs, plus the folders no manifest lives in. */
export function skipperFor(excludeGlobs: readonly string[]): (relativePath: string, isFolder: boolean) => boolean {
  const excluded = globMatcher(excludeGlobs);
  return (relativePath, isFolder) => {
    const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
    if (isFolder && ALWAYS_SKIPPED_FOLDERS.has(name)) return true;
    return excluded(relativePath);
  };
}

/** Lists the manifest files of a folder. */
export async function* manifestFiles(workspace: Workspace, folderUri: string, excludeGlobs: readonly string[]): AsyncIterable<string> {
  const skip = skipperFor(excludeGlobs);
  for await (const uri of workspace.listFiles(folderUri, skip)) {
    if (isManifestPath(uri)) yield uri;
  }
}

/** A workspace held in memory: a map from URI to text. */
export class InMemoryWorkspace implements Workspace {
  readonly files = new Map<string, string>();

  constructor(files: Iterable<[string, string]> = []) {
    for (const [uri, text] of files) this.files.set(uri, text);
  }

  async *listFiles(folderUri: string, skip: (relativePath: string, isFolder: boolean) => boolean): AsyncIterable<string> {
    const prefix = folderUri.endsWith('/') ? folderUri : `${folderUri}/`;
    for (const uri of [...this.files.keys()].sort()) {
      if (!uri.startsWith(prefix)) continue;
      const relative = uri.slice(prefix.length);
      const parts = relative.split('/');
      let skipped = false;
      for (let i = 1; i < parts.length && !skipped; i++) skipped = skip(parts.slice(0, i).join('/'), true);
      if (!skipped && !skip(relative, false)) yield uri;
    }
  }

  async readFile(uri: string): Promise<string | undefined> {
    return this.files.get(uri);
  }
}
