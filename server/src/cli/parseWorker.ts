// A worker thread of `portchain check` (cli/parallelRead.ts): reads and parses the batches of files
// it is sent and posts back what it read. The main thread indexes the files and runs the rules.

import { parentPort } from 'node:worker_threads';
import { readAndParse, type ParseRequest, type ParseResult } from './parallelRead';

parentPort?.on('message', (request: ParseRequest) => {
  const results = request.uris.map((uri): ParseResult => {
    const outcome = readAndParse(uri);
    if ('note' in outcome) return { uri, note: outcome.note };
    // A structured clone carries a ParsedFile's own data, its text too; its line starts are not its own.
    return outcome.file ? { uri, file: outcome.file } : { uri, text: outcome.text };
  });
  parentPort!.postMessage({ batch: request.batch, results });
});
