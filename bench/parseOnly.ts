// The practical limit of a cold index: list the same files the CLI lists, read them the way the
// CLI reads them (its own read function, as many reads in flight), and parse every document with
// the yaml package (with the options portchain's model uses), nothing else. It runs as a process
// of its own, bundled like dist/cli.js, so both pay the same start-up.
//
//   node out/bench/parseOnly.js <folder>   → prints {"files", "documents", "errors"} as JSON

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { readTextFromDisk } from '../server/src/cli/scan';

/** The folders the CLI never lists (server/src/workspace/workspace.ts ALWAYS_SKIPPED_FOLDERS). */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn', '.cache', '.terraform', '.venv', '__pycache__']);
/** Reads in flight at once, as the CLI does. */
const READ_CONCURRENCY = 32;

async function listManifests(root: string): Promise<string[]> {
  const files: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) stack.push(path);
      } else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) {
        files.push(path);
      }
    }
  }
  return files;
}

async function main(root: string): Promise<void> {
  const files = await listManifests(root);
  let documents = 0;
  let errors = 0;
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const outcome = await readTextFromDisk(pathToFileURL(files[next++]).href);
      if (!('text' in outcome)) continue;
      for (const document of parseAllDocuments(outcome.text, { prettyErrors: false, uniqueKeys: false, strict: false })) {
        documents++;
        if (document.errors.length > 0) errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
  process.stdout.write(`${JSON.stringify({ files: files.length, documents, errors })}\n`);
}

main(process.argv[2] ?? '.').catch((error) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
