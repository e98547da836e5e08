// The corpus precision snapshot: what `portchain check` reports on each repository of
// ../shared/corpus/real, ../shared/corpus/templated and ../shared/corpus/whole, each repository a
// workspace of its own (the way a user opens it), kept in test/corpus/snapshot.json. The whole
// repositories are checked twice: as users run it, and with --include-fixtures (`whole/<repo>
// +fixtures`), where every fixture file is a unit of its own. A rule reported twice at one place
// fails the check whatever the snapshot says: one place, one finding. Every finding there is either a real bug
// written up in docs/real-world.md or a false positive to fix in the engine; a change to the list
// is a change to review.
//
//   node scripts/corpus/check-snapshot.mjs            recompute; exit 1 with a diff if it changed
//   node scripts/corpus/check-snapshot.mjs --update   recompute and rewrite test/corpus/snapshot.json
//
// The snapshot holds data about the corpus (rule, severity, file, line, message), never its files.
// Repositories are checked in parallel, one worker thread per core.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { CORPUS, ROOT, bundleEngine } from './engine.mjs';

const SNAPSHOT = join(ROOT, 'test', 'corpus', 'snapshot.json');
const GROUPS = ['real', 'templated', 'whole'];
/** Suffix of a whole repository checked with its fixtures. */
const WITH_FIXTURES = ' +fixtures';

if (isMainThread) await main();
else await work();

async function main() {
  const update = process.argv.includes('--update');
  if (!existsSync(join(CORPUS, 'real'))) {
    console.log(`skipped: ${join(CORPUS, 'real')} is absent (the corpus sits beside the checkout)`);
    return;
  }
  const started = Date.now();
  const repositories = listRepositories();
  const bundle = await bundleEngine();
  let results;
  try {
    results = await checkAll(bundle.file, repositories);
  } finally {
    bundle.dispose();
  }
  const current = { repositories: Object.fromEntries(repositories.map((name) => [name, results.get(name).findings])) };
  const repeated = [...results.values()].flatMap((result) => result.repeated.map((place) => `${result.name}: ${place}`));
  if (repeated.length > 0) {
    console.log(`a rule reported twice at one place (one place must have one finding):\n${repeated.map((line) => `  ${line}`).join('\n')}`);
    process.exitCode = 1;
  }
  const files = [...results.values()].reduce((sum, result) => sum + result.files, 0);
  const total = Object.values(current.repositories).reduce((sum, findings) => sum + findings.length, 0);
  const summary = `${repositories.length} repositories, ${files} files, ${total} findings (${Date.now() - started} ms)`;

  if (update) {
    writeFileSync(SNAPSHOT, `${JSON.stringify(current, null, 2)}\n`);
    console.log(`corpus snapshot written: ${summary}`);
    return;
  }
  const previous = existsSync(SNAPSHOT) ? JSON.parse(readFileSync(SNAPSHOT, 'utf8')) : { repositories: {} };
  const changes = diff(previous.repositories ?? {}, current.repositories);
  if (changes.length === 0) {
    console.log(`corpus snapshot unchanged: ${summary}`);
    return;
  }
  console.log(`corpus snapshot changed (${summary}); - was in test/corpus/snapshot.json, + is reported now:\n`);
  for (const line of changes) console.log(line);
  console.log('\nReview each change (docs/real-world.md says which findings are real bugs), then run: node scripts/corpus/check-snapshot.mjs --update');
  process.exitCode = 1;
}

/** `real/<repo>` and `templated/<repo>`, sorted. */
function listRepositories() {
  const out = [];
  for (const group of GROUPS) {
    const groupDir = join(CORPUS, group);
    if (!existsSync(groupDir)) continue;
    for (const name of readdirSync(groupDir).sort()) {
      if (!statSync(join(groupDir, name)).isDirectory()) continue;
      out.push(`${group}/${name}`);
      if (group === 'whole') out.push(`${group}/${name}${WITH_FIXTURES}`);
    }
  }
  return out;
}

/** Checks every repository, largest first, on as many worker threads as there are cores. */
function checkAll(engineFile, repositories) {
  const size = new Map(repositories.map((name) => [name, countFiles(join(CORPUS, name.replace(WITH_FIXTURES, '')))]));
  const queue = [...repositories].sort((a, b) => size.get(b) - size.get(a));
  const results = new Map();
  const threads = Math.max(1, Math.min(availableParallelism(), queue.length));
  return new Promise((resolve, reject) => {
    let running = threads;
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(new URL(import.meta.url), { workerData: { engineFile } });
      const next = () => {
        const name = queue.shift();
        if (name === undefined) {
          worker.postMessage(null);
          return;
        }
        worker.postMessage(name);
      };
      worker.on('message', (result) => {
        results.set(result.name, result);
        next();
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (code !== 0) reject(new Error(`a corpus worker exited with ${code}`));
        else if (--running === 0) resolve(results);
      });
      next();
    }
  });
}

function countFiles(dir) {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) count += entry.isDirectory() ? countFiles(join(dir, entry.name)) : 1;
  return count;
}

/** A worker: checks the repositories it is sent, one at a time, until it is sent null. */
async function work() {
  const { runCheck } = createRequire(import.meta.url)(workerData.engineFile);
  parentPort.on('message', async (name) => {
    if (name === null) {
      parentPort.close();
      return;
    }
    const includeFixtures = name.endsWith(WITH_FIXTURES);
    const outcome = await runCheck({ paths: ['.'], config: undefined, cwd: join(CORPUS, name.replace(WITH_FIXTURES, '')), includeFixtures });
    if ('problems' in outcome) throw new Error(`${name}: ${outcome.problems.join('; ')}`);
    const places = new Map();
    for (const finding of outcome.report.findings) {
      const place = `${finding.rule} ${finding.place.file}:${finding.place.line}:${finding.place.column}`;
      places.set(place, (places.get(place) ?? 0) + 1);
    }
    parentPort.postMessage({
      name,
      files: outcome.report.files,
      repeated: [...places].filter(([, times]) => times > 1).map(([place, times]) => `${place} (${times} times)`),
      findings: outcome.report.findings.map((finding) => ({
        rule: finding.rule,
        severity: finding.severity,
        file: finding.place.file,
        line: finding.place.line,
        message: finding.message,
      })),
    });
  });
}

/** Findings removed (-) and added (+), per repository; a finding is the same when rule, severity, file, line and message are. */
function diff(before, after) {
  const lines = [];
  const key = (finding) => `${finding.severity} ${finding.rule} ${finding.file}:${finding.line}\n      ${finding.message}`;
  for (const repository of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const was = new Set((before[repository] ?? []).map(key));
    const is = new Set((after[repository] ?? []).map(key));
    const removed = [...was].filter((item) => !is.has(item));
    const added = [...is].filter((item) => !was.has(item));
    if (removed.length === 0 && added.length === 0) continue;
    lines.push(`${repository}:`);
    for (const item of removed) lines.push(`  - ${item}`);
    for (const item of added) lines.push(`  + ${item}`);
  }
  return lines;
}
