// The disk as a Workspace, for the language server and the CLI.

import { promises as fs } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Workspace } from './workspace';

/** Reads files through node:fs. Files that vanish or cannot be read answer undefined. */
export class NodeWorkspace implements Workspace {
  async *listFiles(folderUri: string, skip: (relativePath: string, isFolder: boolean) => boolean): AsyncIterable<string> {
    const root = fileURLToPath(folderUri);
    const stack: string[] = [''];
    while (stack.length > 0) {
      const relative = stack.pop()!;
      let entries: import('node:fs').Dirent[];
      try {
        entries = await fs.readdir(relative ? `${root}/${relative}` : root, { withFileTypes: true });
      } catch {
        continue; // A folder that vanished or is not readable is simply not listed.
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      for (const entry of entries) {
        const path = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!skip(path, true)) stack.push(path);
        } else if (entry.isFile() && !skip(path, false)) {
          yield pathToFileURL(`${root}/${path}`).href;
        }
      }
    }
  }

  async readFile(uri: string): Promise<string | undefined> {
    try {
      return await fs.readFile(fileURLToPath(uri), 'utf8');
    } catch {
      return undefined;
    }
  }
}
