// Reading and parsing a large workspace on several threads. Parsing YAML is most of a cold check,
// and each file parses alone, so a machine with several cores parses several files at once: the
// main thread parses batches too, takes in what the workers parse, indexes it and runs the rules.
// Results are handed on in the order of the URIs, so the outcome is the same as a scan on one
// thread (test/cli/check.test.ts compares them).

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parsesAlone } from '../graph/helm';
import { parseFile } from '../model/parse';
import { fromTransferred, type TransferredFile } from '../model/transfer';
import type { FileNote, ParsedFile } from '../model/types';
import { readTextFromDiskSync } from './scan';

/** Below this many files a scan is over before a worker thread would have started. */
export const PARALLEL_MIN_FILES = 200;
/** Files per batch: large enough that messages cost little, small enough to keep every thread busy to the end. */
const BATCH_SIZE = 32;
/** Batches sent ahead to each worker, so that it never waits for the main thread to send the next. */
const BATCHES_AHEAD = 2;
/**
 * At most this many workers, whatever the cores: the main thread takes in (copies, indexes)
 * everything they parse, so past a few workers it is the bottleneck. Measured on 2 cores only.
 */
const MAX_WORKERS = 3;

export interface ParseRequest {
  batch: number;
  uris: string[];
}

/** What a worker read of one file: why it could not, the parsed file (which holds its text), or, where the file does not parse alone, its text. */
export type ParseResult = { uri: string; note: FileNote } | { uri: string; file: TransferredFile } | { uri: string; text: string };

/** What the main thread takes for each file, in URI order: why it could not be read, or its text and, where it parses alone, the parsed file. */
export type ParallelOutcome = { note: FileNote } | { text: string; file: ParsedFile | undefined };

/**
 * How many worker threads a scan of `fileCount` files uses besides the main thread, which parses
 * too: one fewer than the cores, none for a small scan or a single core. PORTCHAIN_THREADS sets
 * the number of threads that parse, the main thread included (1 or 0: the main thread alone).
 */
export function workerCount(fileCount: number, environment: NodeJS.ProcessEnv = process.env): number {
  const set = environment.PORTCHAIN_THREADS;
  if (set !== undefined && set.trim() !== '' && Number.isInteger(Number(set))) return Math.max(0, Math.min(Number(set), 16) - 1);
  if (fileCount < PARALLEL_MIN_FILES) return 0;
  return Math.max(0, Math.min(availableParallelism() - 1, MAX_WORKERS));
}

/** The worker script beside the bundled CLI; undefined where it is not there (the CLI run from sources). */
export function workerScript(): string | undefined {
  const script = join(__dirname, 'parseWorker.js');
  return existsSync(script) ? script : undefined;
}

/** Reads and parses one file where it is read: on a worker thread, or on the main thread for its own batches. */
export function readAndParse(uri: string): { note: FileNote } | { text: string; file: ParsedFile | undefined } {
  // The thread has nothing else to do while it reads: a synchronous read costs a fifth of an asynchronous one.
  const outcome = readTextFromDiskSync(uri);
  if ('note' in outcome) return outcome;
  // A chart's template reads with its chart's values, which only the main thread's graph knows.
  return { text: outcome.text, file: parsesAlone(uri, outcome.text) ? parseFile(uri, outcome.text) : undefined };
}

/**
 * Reads and parses `uris` on the main thread and `workers` worker threads, and hands each outcome
 * to `take` in the order of `uris`. A worker that fails hands its batches back to the queue.
 */
export async function readInParallel(uris: readonly string[], workers: number, script: string, take: (uri: string, outcome: ParallelOutcome) => void): Promise<void> {
  const batches: string[][] = [];
  for (let at = 0; at < uris.length; at += BATCH_SIZE) batches.push(uris.slice(at, at + BATCH_SIZE));
  const arrived = new Map<number, ParallelOutcome[]>();
  /** Batches sent to a worker that has not answered yet, by worker. */
  const pending = new Map<Worker, Set<number>>();
  const queue = batches.map((_, batch) => batch);
  let nextToTake = 0;
  const deliver = () => {
    for (let outcomes = arrived.get(nextToTake); outcomes; outcomes = arrived.get(nextToTake)) {
      arrived.delete(nextToTake);
      batches[nextToTake].forEach((uri, index) => take(uri, outcomes[index]));
      nextToTake++;
    }
  };
  const send = (worker: Worker) => {
    const batchesOf = pending.get(worker);
    // A worker already lost (it failed, or the scan is over) is sent nothing more.
    if (!batchesOf) return;
    const batch = queue.shift();
    if (batch === undefined) return;
    batchesOf.add(batch);
    worker.postMessage({ batch, uris: batches[batch] } satisfies ParseRequest);
  };
  const threads: Worker[] = [];
  for (let index = 0; index < Math.min(workers, batches.length - 1); index++) {
    const worker = new Worker(script);
    threads.push(worker);
    pending.set(worker, new Set());
    worker.on('message', (message: { batch: number; results: ParseResult[] }) => {
      // A batch handed back to the queue when its worker was taken for lost is another thread's now.
      if (!pending.get(worker)?.delete(message.batch)) return;
      arrived.set(
        message.batch,
        message.results.map((result) => ('note' in result ? { note: result.note } : 'file' in result ? { text: result.file.text, file: fromTransferred(result.file) } : { text: result.text, file: undefined })),
      );
      send(worker);
    });
    // A worker that fails (it cannot load, it runs out of memory) hands its batches back to the
    // queue, for whichever thread is free next.
    const lost = () => {
      const batchesOf = pending.get(worker);
      if (!batchesOf) return;
      pending.delete(worker);
      queue.unshift(...[...batchesOf].sort((a, b) => a - b));
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    for (let ahead = 0; ahead < BATCHES_AHEAD; ahead++) send(worker);
  }
  try {
    while (nextToTake < batches.length) {
      // The main thread parses a batch of its own whenever it has nothing to take in.
      const own = queue.shift();
      if (own !== undefined) arrived.set(own, batches[own].map(readAndParse));
      deliver();
      // Lets the workers' messages in.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (own === undefined && !arrived.has(nextToTake)) await new Promise<void>((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    for (const worker of threads) {
      pending.delete(worker);
      void worker.terminate();
    }
  }
}
