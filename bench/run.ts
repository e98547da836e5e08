// `npm run bench`: portchain's performance at 200, 2,000, 20,000 and 50,000 documents, in one
// 50,000-line file and among 500 alternatives of one app, measured side by side in one run (the machine is shared and noisy, so ratios measured together say more
// than absolute figures measured apart). See docs/benchmark.md for what each figure means.
//
//   npm run bench                            every size and the 50,000-line file
//   npm run bench -- --sizes 200,2000        some sizes only
//   npm run bench -- --no-big-file           without the 50,000-line file
//   npm run bench -- --no-variants           without the 500 alternatives of one app
//   npm run bench -- --write                 also rewrite the results section of docs/benchmark.md
//   npm run bench -- --generate              only write the cached workspaces (.cache/bench/)
//   npm run bench -- --dist /tmp/before/dist measure another build (say, a commit before a change);
//                     --label 'commit 34663bd'  names it on the page
//   npm run bench -- --profile               also profile the CLI and the server (node --cpu-prof)
//                                            and print the functions that take the most time
//
// bench/bench.mjs builds dist/ and bundles this file (and bench/parseOnly.ts) into out/bench/.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { CodeAction, CompletionList, Diagnostic, Hover, Location, LocationLink, PublishDiagnosticsParams } from 'vscode-languageserver';
import { LspClient } from '../test/support/lspClient';
import { ensureWorkspace, readManifest, WORKSPACE_SIZES, workspaceDir, writeBigFile, writeVariants, type TextPlace, type WorkspaceManifest } from './generate';

/** Lines of the single big file. */
const BIG_FILE_LINES = 50_000;

/** Repetitions per size: fewer where one run is long (at 50,000 documents a cold index takes seconds). */
function repetitions(size: number): { coldRuns: number; toggles: number; requests: number } {
  if (size <= 2_000) return { coldRuns: 5, toggles: 40, requests: 60 };
  if (size <= 20_000) return { coldRuns: 3, toggles: 30, requests: 60 };
  return { coldRuns: 2, toggles: 30, requests: 60 };
}

const BIG_FILE_TOGGLES = 20;
/** Examples of one app in the repository of alternatives. */
const VARIANTS = 500;
/** The server waits this long after a change before it republishes (PUBLISH_DELAY_MS in server/src/server.ts). */
const PUBLISH_DELAY_MS = 15;
/** Requests sent before the measured ones, so that one-off warm-up (JIT, lazy indexes) is not counted. */
const WARM_UP_REQUESTS = 5;
/** Edits made with the port map open, each followed by the map request the view sends on its publish. */
const PORT_MAP_EDITS = 10;

// ---------------------------------------------------------------------------------------------
// Results

interface Latencies {
  samples: number;
  p50: number;
  p95: number;
  max: number;
  /** Requests that got a non-empty answer: a fast empty answer measures nothing. */
  answered?: number;
  /** The server's CPU time per sample, on average: what the work costs whatever else runs on the machine. */
  cpuMsPerSample?: number;
}

interface PlantedCheck {
  planted: number;
  found: number;
  misses: string[];
  extras: string[];
}

interface ColdIndex {
  runs: number;
  parseOnlyMs: number;
  cliMs: number;
  /** The CLI on one thread (PORTCHAIN_THREADS=1), best of the same rounds. */
  oneThreadMs: number;
  ratio: number;
  /** The same ratio of CPU times (user + system), which other work on the machine moves less. */
  cpuRatio: number;
  /** Per round, CLI ÷ parse-only of that round: how noisy the ratio is. */
  roundRatios: number[];
  check: PlantedCheck;
}

interface ServerFigures {
  /** From spawning the server (initialize is its first message) to the first published diagnostic that points into another file. */
  firstDiagnosticMs: number;
  /** To the status that says indexing is over. */
  readyMs: number;
  edit: Latencies;
  hover?: Latencies;
  definition?: Latencies;
  codeAction?: Latencies;
  completion?: Latencies;
  /** The port map's default view (`portchain/portMap` without filters), over the protocol. */
  portMap?: PortMapFigures;
  peakRssMb: number;
  /** Peak RSS before the port map was first asked for (sized workspaces only). */
  peakRssBeforeMapMb?: number;
  /** The longest a request the server answers at once waited for its answer while the server indexed (one every 25 ms): how long the server was busy at a stretch. */
  longestWaitMs: number;
  /** Planted mismatches the server published, by rule, file and line. */
  check?: PlantedCheck;
}

interface PortMapFigures {
  /** The first request: the map opens, and the server draws the whole workspace's map for it. */
  openMs: number;
  /** Later requests of the same view, with nothing changed. */
  again: Latencies;
  /** The request the view sends after an edit's publish: the map brought up to the edit. */
  afterEdit: Latencies;
  /** What the default view shows of how many nodes. */
  nodes: number;
  totalNodes: number;
}

interface SizeResult {
  size: number;
  manifest: Pick<WorkspaceManifest, 'documents' | 'files' | 'bytes' | 'lines' | 'apps'>;
  cold: ColdIndex;
  server: ServerFigures;
}

interface BigFileResult {
  lines: number;
  documents: number;
  bytes: number;
  server: ServerFigures;
}

/** The repository of alternatives: `count` examples of one app, each defining the same Deployment, Service and Ingress. */
interface VariantsResult {
  count: number;
  manifest: Pick<WorkspaceManifest, 'documents' | 'files' | 'bytes' | 'lines' | 'apps'>;
  cold: ColdIndex;
  server: ServerFigures;
}

interface BenchResults {
  date: string;
  /** Which build was measured. */
  build: string;
  machine: { cpu: string; cores: number; memoryGb: number; node: string; platform: string; loadAverage: number[] };
  sizes: SizeResult[];
  bigFile: BigFileResult | undefined;
  variants: VariantsResult | undefined;
  seconds: number;
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** The package root: this bundle is out/bench/run.js. */
const root = join(__dirname, '..', '..');

/** The build under test: dist/ of this package, or another build's dist/ given with --dist (a before/after comparison). */
let distDir = join(root, 'dist');

/** Which build the figures are of: the commit, and whether the working tree had changes. */
function describeBuild(): string {
  if (distDir !== join(root, 'dist')) return `the build in ${distDir}`;
  const git = (args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--untracked-files=no', '--', 'server', 'package.json']) !== '';
  return commit ? `commit ${commit}${dirty ? ' with uncommitted changes to server/' : ''}` : 'this working tree';
}

function latencies(samples: number[], answered?: number): Latencies {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  return { samples: samples.length, p50: rank(50), p95: rank(95), max: sorted[sorted.length - 1], ...(answered === undefined ? {} : { answered }) };
}

/** How bench/cpuTime.ts starts the line with a process's CPU time. */
const CPU_TIME_PREFIX = 'portchain-bench-cpu-ms ';

/** Runs a node process to its end: its wall time, its CPU time (bench/cpuTime.ts reports it) and its output. */
function timeProcess(args: string[], cwd: string, nodeArgs: string[] = [], env: Record<string, string> = {}): { ms: number; cpuMs: number; stdout: string } {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['--require', join(root, 'out', 'bench', 'cpuTime.js'), ...nodeArgs, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  const ms = performance.now() - start;
  // The CLI exits 1 when it finds errors (the planted ones); anything else is a failure.
  if (result.status !== 0 && result.status !== 1) throw new Error(`${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  const cpuLine = result.stderr.split('\n').find((line) => line.startsWith(CPU_TIME_PREFIX));
  return { ms, cpuMs: cpuLine ? Number(cpuLine.slice(CPU_TIME_PREFIX.length)) : NaN, stdout: result.stdout };
}

/** Cold index: the CLI over the workspace vs reading and parsing the same files alone, alternated, best of each. */
function measureColdIndex(dir: string, manifest: WorkspaceManifest, runs: number, profileDir: string | undefined): ColdIndex {
  const parseOnly = join(root, 'out', 'bench', 'parseOnly.js');
  const cli = join(distDir, 'cli.js');
  const parseTimes: number[] = [];
  const cliTimes: number[] = [];
  const parseCpu: number[] = [];
  const cliCpu: number[] = [];
  const oneThreadTimes: number[] = [];
  let report = '';
  for (let round = 0; round < runs; round++) {
    // Alternate which goes first, so neither always runs on a cache the other warmed.
    const order = round % 2 === 0 ? ['parse', 'cli', 'one-thread'] : ['one-thread', 'cli', 'parse'];
    for (const which of order) {
      if (which === 'parse') {
        const run = timeProcess([parseOnly, '.'], dir);
        parseTimes.push(run.ms);
        parseCpu.push(run.cpuMs);
      } else if (which === 'one-thread') {
        oneThreadTimes.push(timeProcess([cli, 'check', '.', '--format', 'json'], dir, [], { PORTCHAIN_THREADS: '1' }).ms);
      } else {
        const run = timeProcess([cli, 'check', '.', '--format', 'json'], dir);
        cliTimes.push(run.ms);
        cliCpu.push(run.cpuMs);
        report = run.stdout;
      }
    }
  }
  // A profiled run of its own, after the timed ones: the profiler's overhead is not in the figures.
  if (profileDir) timeProcess([cli, 'check', '.', '--format', 'json'], dir, ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, 'cli')}`]);
  const findings = (JSON.parse(report) as { findings: { rule: string; file: string; line: number }[] }).findings;
  const parseOnlyMs = Math.min(...parseTimes);
  const cliMs = Math.min(...cliTimes);
  return {
    runs,
    parseOnlyMs,
    cliMs,
    oneThreadMs: Math.min(...oneThreadTimes),
    ratio: cliMs / parseOnlyMs,
    cpuRatio: Math.min(...cliCpu) / Math.min(...parseCpu),
    roundRatios: cliTimes.map((ms, i) => ms / parseTimes[i]),
    check: checkPlanted(manifest, findings.map((finding) => ({ rule: finding.rule, file: finding.file, line: finding.line - 1 }))),
  };
}

/** A finding as the planted check compares it: rule, file and 0-based line. */
interface FoundAt {
  rule: string;
  file: string;
  line: number;
}

/** Compares findings with the planted mismatches by rule, file and line (as multisets). */
function checkPlanted(manifest: WorkspaceManifest, findings: FoundAt[]): PlantedCheck {
  const key = (item: FoundAt) => `${item.rule} ${item.file}:${item.line + 1}`;
  const left = new Map<string, number>();
  for (const planted of manifest.planted) left.set(key(planted), (left.get(key(planted)) ?? 0) + 1);
  const extras: string[] = [];
  for (const finding of findings) {
    const count = left.get(key(finding)) ?? 0;
    if (count > 0) left.set(key(finding), count - 1);
    else extras.push(key(finding));
  }
  const misses = [...left].flatMap(([item, count]) => Array<string>(count).fill(item));
  return { planted: manifest.planted.length, found: manifest.planted.length - misses.length, misses, extras };
}

function uriOf(dir: string, place: TextPlace): string {
  return pathToFileURL(join(dir, place.file)).href;
}

/** Whether a publish holds a diagnostic whose related information points into another file. */
function isCrossFile(params: PublishDiagnosticsParams): boolean {
  return params.diagnostics.some((diagnostic) => diagnostic.relatedInformation?.some((related) => related.location.uri !== params.uri));
}

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

function peakRssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * The language server over stdio on a workspace: the first diagnostics, edit → republish latency
 * (a targetPort toggled between a working and a broken value in an open file), request latencies
 * at chain positions, and the peak RSS.
 */
async function measureServer(dir: string, manifest: WorkspaceManifest, toggles: number, requests: number | undefined, profileDir: string | undefined): Promise<ServerFigures> {
  const start = performance.now();
  // LspClient starts `node <PORTCHAIN_SERVER> --stdio` before its first await: profiled, that is
  // bench/profiledServer.ts around the real server, and only for this start.
  const saved = { ...process.env };
  if (profileDir) {
    process.env.PORTCHAIN_BENCH_SERVER = process.env.PORTCHAIN_SERVER ?? join(distDir, 'server.js');
    process.env.PORTCHAIN_BENCH_PROFILE_DIR = join(profileDir, 'server');
    process.env.PORTCHAIN_SERVER = join(root, 'out', 'bench', 'profiledServer.js');
  }
  const starting = LspClient.start({ folders: [dir], timeoutMs: 900_000 });
  for (const key of ['PORTCHAIN_SERVER', 'PORTCHAIN_BENCH_SERVER', 'PORTCHAIN_BENCH_PROFILE_DIR']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  const client = await starting;
  try {
    let firstDiagnosticMs = NaN;
    // Every 25 ms while the server indexes, a request it answers at once without reading the
    // workspace (a method it does not know: an error comes back): the longest wait for an answer is
    // the longest stretch the server could answer nothing (a user typing then waited as long).
    let indexing = true;
    let longestWaitMs = 0;
    const probing = (async () => {
      while (indexing) {
        const sent = performance.now();
        await client.request('portchain/unknownRequestForTests').catch(() => undefined);
        longestWaitMs = Math.max(longestWaitMs, performance.now() - sent);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    await client.waitFor(() => {
      if (Number.isNaN(firstDiagnosticMs) && client.published.some(isCrossFile)) firstDiagnosticMs = performance.now() - start;
      // The status that ends indexing follows the first publish (a workspace without findings publishes nothing).
      return client.statuses.at(-1)?.indexing === false;
    }, 'the end of indexing');
    const readyMs = performance.now() - start;
    indexing = false;
    await probing;
    if (Number.isNaN(firstDiagnosticMs)) firstDiagnosticMs = readyMs;
    const check = manifest.planted.length > 0 ? checkPublished(dir, manifest, client) : undefined;

    const edit = await measureEdits(client, dir, manifest, toggles);
    const figures: ServerFigures = { firstDiagnosticMs, readyMs, edit, peakRssMb: NaN, longestWaitMs, check };
    if (requests !== undefined) {
      const chain = manifest.chain;
      const definitionPlaces = chain.filter((place) => place.what === 'targetPort' || place.what === 'backend-port');
      figures.hover = await measureRequests(client, chain, requests, (place) => ({ method: 'textDocument/hover', params: at(dir, place) }), (answer) => (answer as Hover | null) !== null);
      figures.definition = await measureRequests(client, definitionPlaces, requests, (place) => ({ method: 'textDocument/definition', params: at(dir, place) }), (answer) => ((answer as (Location | LocationLink)[] | null) ?? []).length > 0);
      // Completion where a user types along the chain: a backend port (the Service's ports) and a targetPort (the selected pods' container ports).
      figures.completion = await measureRequests(client, definitionPlaces, requests, (place) => ({ method: 'textDocument/completion', params: { ...at(dir, place), context: { triggerKind: 1 } } }), (answer) => ((answer as CompletionList | null)?.items ?? []).length > 0);
      figures.codeAction = await measureRequests(
        client,
        manifest.planted,
        requests,
        (place) => {
          const uri = uriOf(dir, place);
          const range = { start: { line: place.line, character: place.character }, end: { line: place.line, character: place.character + 1 } };
          const diagnostics = (client.diagnostics.get(uri) ?? []).filter((diagnostic: Diagnostic) => diagnostic.range.start.line <= place.line && place.line <= diagnostic.range.end.line);
          return { method: 'textDocument/codeAction', params: { textDocument: { uri }, range, context: { diagnostics, triggerKind: 1 } } };
        },
        (answer) => ((answer as CodeAction[] | null) ?? []).length > 0,
      );
      // The whole port map is built on the first request for it: the memory before it is the server's own.
      figures.peakRssBeforeMapMb = peakRssMb(client.process.pid);
      // measureEdits toggles from the good text, so an even number of toggles leaves it good.
      figures.portMap = await measurePortMap(client, dir, manifest, requests, toggles % 2 === 0 ? manifest.toggle.good : manifest.toggle.bad);
    }
    figures.peakRssMb = peakRssMb(client.process.pid);
    await client.stop();
    return figures;
  } finally {
    client.kill();
  }
}

function at(dir: string, place: TextPlace) {
  return { textDocument: { uri: uriOf(dir, place) }, position: { line: place.line, character: place.character } };
}

/** Which planted mismatches the server published, by rule, file and line. */
function checkPublished(dir: string, manifest: WorkspaceManifest, client: LspClient): PlantedCheck {
  const prefix = pathToFileURL(dir).href + '/';
  const findings: FoundAt[] = [];
  for (const [uri, diagnostics] of client.diagnostics) {
    for (const diagnostic of diagnostics) findings.push({ rule: String(diagnostic.code), file: decodeURIComponent(uri.slice(prefix.length)), line: diagnostic.range.start.line });
  }
  return checkPlanted(manifest, findings);
}

/** Toggles the recorded targetPort of an open file and times each change until that file's diagnostics are published again. */
async function measureEdits(client: LspClient, dir: string, manifest: WorkspaceManifest, toggles: number): Promise<Latencies> {
  const { toggle } = manifest;
  const uri = uriOf(dir, toggle);
  client.open(uri, readFileSync(join(dir, toggle.file), 'utf8'));
  // The server parses an open document when it next publishes or answers: let it, unmeasured.
  await client.request('textDocument/hover', at(dir, toggle));
  await client.roundTrip();
  const samples: number[] = [];
  const cpuBefore = cpuMsOf(client.process.pid);
  let current = toggle.good;
  for (let i = 0; i < toggles; i++) {
    const begin = performance.now();
    current = await toggleTargetPort(client, uri, toggle, current);
    samples.push(performance.now() - begin);
  }
  return { ...latencies(samples), cpuMsPerSample: (cpuMsOf(client.process.pid) - cpuBefore) / toggles };
}

/** Toggles the workspace's targetPort from `current` to the other value and waits until its file's diagnostics say so; returns the new value. */
async function toggleTargetPort(client: LspClient, uri: string, toggle: WorkspaceManifest['toggle'], current: string): Promise<string> {
  const next = current === toggle.good ? toggle.bad : toggle.good;
  const broken = next === toggle.bad;
  const range = { start: { line: toggle.line, character: toggle.character }, end: { line: toggle.line, character: toggle.character + current.length } };
  const from = client.published.length;
  client.change(uri, [{ range, text: next }]);
  await client.waitFor(() => {
    for (let j = from; j < client.published.length; j++) {
      const params = client.published[j];
      if (params.uri === uri && params.diagnostics.some((diagnostic) => diagnostic.code === toggle.rule) === broken) return true;
    }
    return false;
  }, `diagnostics of ${toggle.file} after targetPort ${current} → ${next}`);
  return next;
}

/**
 * The port map as the view opens it: the first `portchain/portMap` request without filters (the
 * server draws the workspace's map for it), then `count` more of the same, and then the request
 * the view sends after each publish while the toggle of measureEdits goes on (`current` is the
 * toggled text as measureEdits left it).
 */
async function measurePortMap(client: LspClient, dir: string, manifest: WorkspaceManifest, count: number, current: string): Promise<PortMapFigures> {
  type Answer = { nodes: unknown[]; total: { nodes: number } };
  const begin = performance.now();
  const first = (await client.request('portchain/portMap', {})) as Answer;
  const openMs = performance.now() - begin;
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const sent = performance.now();
    await client.request('portchain/portMap', {});
    samples.push(performance.now() - sent);
  }
  const { toggle } = manifest;
  const uri = uriOf(dir, toggle);
  const afterEdit: number[] = [];
  for (let i = 0; i < PORT_MAP_EDITS; i++) {
    current = await toggleTargetPort(client, uri, toggle, current);
    const sent = performance.now();
    await client.request('portchain/portMap', {});
    afterEdit.push(performance.now() - sent);
  }
  return { openMs, again: latencies(samples, samples.length), afterEdit: latencies(afterEdit, afterEdit.length), nodes: first.nodes.length, totalNodes: first.total.nodes };
}

/** Sends `count` requests round-robin over `places` (after a few unmeasured ones) and times each. */
async function measureRequests<P extends TextPlace>(
  client: LspClient,
  places: readonly P[],
  count: number,
  request: (place: P) => { method: string; params: unknown },
  isAnswer: (answer: unknown) => boolean,
): Promise<Latencies | undefined> {
  if (places.length === 0) return undefined;
  const samples: number[] = [];
  let answered = 0;
  for (let i = -WARM_UP_REQUESTS; i < count; i++) {
    const { method, params } = request(places[(i + WARM_UP_REQUESTS) % places.length]);
    const begin = performance.now();
    const answer = await client.request(method, params);
    if (i < 0) continue;
    samples.push(performance.now() - begin);
    if (isAnswer(answer)) answered++;
  }
  return latencies(samples, answered);
}

// ---------------------------------------------------------------------------------------------
// Profiles

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Frames that are not code: time the process waited, or spent outside JavaScript. */
const NOT_CODE = new Set(['(idle)', '(program)', '(root)']);

/**
 * Where the .cpuprofile files of a folder spend their time, idle time left out: the functions
 * with the most self time, and the bundle's functions with the most total time (self and callees).
 */
function profileSummary(dir: string, top = 12): string[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  } catch {
    return [`(no profile in ${dir})`];
  }
  const selfMs = new Map<string, number>();
  const totalMs = new Map<string, number>();
  let busyMs = 0;
  for (const name of files) {
    const profile = JSON.parse(readFileSync(join(dir, name), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const keyOf = (id: number) => {
      const frame = byId.get(id)!.callFrame;
      const file = frame.url.slice(frame.url.lastIndexOf('/') + 1);
      return `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
    };
    profile.samples.forEach((id, i) => {
      const leaf = byId.get(id)!.callFrame.functionName;
      if (NOT_CODE.has(leaf)) return;
      const delta = (profile.timeDeltas[i] ?? 0) / 1000;
      busyMs += delta;
      selfMs.set(keyOf(id), (selfMs.get(keyOf(id)) ?? 0) + delta);
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const key = keyOf(at);
        const url = byId.get(at)!.callFrame.url;
        if (seen.has(key) || !/(server|cli)\.js$/.test(url)) continue;
        seen.add(key);
        totalMs.set(key, (totalMs.get(key) ?? 0) + delta);
      }
    });
  }
  const lines = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, value]) => `  ${((100 * value) / busyMs).toFixed(1).padStart(5)}%  ${value.toFixed(0).padStart(6)} ms  ${key}`);
  return [`busy ${busyMs.toFixed(0)} ms; most self time:`, ...lines(selfMs), 'most total time (with callees), in the bundle:', ...lines(totalMs)];
}

// ---------------------------------------------------------------------------------------------
// Reporting

const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '–' : value >= 100 ? value.toFixed(0) : value.toFixed(1));
const count = (value: number) => value.toLocaleString('en-US');
const mb = (bytes: number) => (bytes / 1048576).toFixed(1);

interface Target {
  what: string;
  target: string;
  measured: string;
  met: boolean | undefined;
}

function targetsOf(results: BenchResults): Target[] {
  const bySize = new Map(results.sizes.map((result) => [result.size, result]));
  const targets: Target[] = [];
  const add = (what: string, target: string, value: number | undefined, met: (value: number) => boolean, unit = ' ms') => {
    targets.push({ what, target, measured: value === undefined || Number.isNaN(value) ? 'not measured' : `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}${unit}`, met: value === undefined || Number.isNaN(value) ? undefined : met(value) });
  };
  for (const size of [20_000, 50_000]) {
    const result = bySize.get(size);
    add(`cold index at ${count(size)} documents: CLI ÷ yaml parse alone`, '≤ 1.0 (aim ≤ 0.6)', result?.cold.ratio, (value) => value <= 1.0, '×');
  }
  const baseline = bySize.get(200)?.server.edit.p95;
  for (const size of [20_000, 50_000]) {
    const edit = bySize.get(size)?.server.edit.p95;
    add(`edit → republished diagnostics p95 at ${count(size)} documents`, '< 50 ms', edit, (value) => value < 50);
    if (edit !== undefined) targets.at(-1)!.measured += ` (${(edit - PUBLISH_DELAY_MS).toFixed(0)} ms after the debounce)`;
    add(`the same ÷ the 200-document figure`, '≤ 1.5×', edit !== undefined && baseline !== undefined ? edit / baseline : undefined, (value) => value <= 1.5, '×');
  }
  for (const size of [20_000, 50_000]) {
    const server = bySize.get(size)?.server;
    for (const [name, figures] of [['hover', server?.hover], ['definition', server?.definition], ['code action', server?.codeAction]] as const) {
      add(`${name} p95 at ${count(size)} documents`, '< 10 ms', figures?.p95, (value) => value < 10);
    }
    add(`completion p95 at ${count(size)} documents`, '< 20 ms', server?.completion?.p95, (value) => value < 20);
  }
  for (const size of [2_000, 20_000]) {
    add(`port map opens (default view, first request) at ${count(size)} documents`, '< 1000 ms', bySize.get(size)?.server.portMap?.openMs, (value) => value < 1000);
  }
  add('peak RSS of the server at 50,000 documents, before the port map is opened', '< 400 MB', bySize.get(50_000)?.server.peakRssBeforeMapMb, (value) => value < 400, ' MB');
  add('peak RSS of the server at 50,000 documents, with the whole port map built', '< 400 MB', bySize.get(50_000)?.server.peakRssMb, (value) => value < 400, ' MB');
  const bigFileEdit = results.bigFile?.server.edit.p95;
  add(`edit → republish p95 in a ${count(BIG_FILE_LINES)}-line file`, '< 300 ms', bigFileEdit, (value) => value < 300);
  if (bigFileEdit !== undefined) targets.at(-1)!.measured += ` (${(bigFileEdit - PUBLISH_DELAY_MS).toFixed(0)} ms after the debounce)`;
  add(`longest wait for an answer while the ${count(BIG_FILE_LINES)}-line file is indexed`, '< 300 ms', results.bigFile?.server.longestWaitMs, (value) => value < 300);
  const variantsEdit = results.variants?.server.edit.p95;
  add(`edit → republish p95 among ${count(VARIANTS)} alternatives of one app`, '< 50 ms', variantsEdit, (value) => value < 50);
  if (variantsEdit !== undefined) targets.at(-1)!.measured += ` (${(variantsEdit - PUBLISH_DELAY_MS).toFixed(0)} ms after the debounce)`;
  // Alternatives must not make a cold index dearer than a workspace of its size without them.
  const sameSize = bySize.get(2_000)?.cold.ratio;
  add(`cold index among ${count(VARIANTS)} alternatives (CLI ÷ parse) ÷ the same at 2,000 documents`, '≤ 1.5×', results.variants && sameSize !== undefined ? results.variants.cold.ratio / sameSize : undefined, (value) => value <= 1.5, '×');
  return targets;
}

function formatResults(results: BenchResults): string {
  const { machine } = results;
  const lines: string[] = [];
  lines.push(`Measured ${results.date}, ${results.build}, on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGb} GB), Node ${machine.node} on ${machine.platform}; load average ${machine.loadAverage.map((load) => load.toFixed(2)).join(' ')} at the start; the whole run took ${Math.round(results.seconds)} s.`);
  lines.push('');
  lines.push('**Workspaces and cold index** (wall time of a process, best of the runs; ratio = CLI ÷ parse only)');
  lines.push('');
  lines.push('| documents | files | MB | runs | yaml parse only | `portchain check` | ratio | ratios per round | CPU time ratio | one thread | its ratio | planted found | misses | extras |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const result of results.sizes) {
    const { cold, manifest } = result;
    lines.push(
      `| ${count(manifest.documents)} | ${count(manifest.files)} | ${mb(manifest.bytes)} | ${cold.runs} | ${ms(cold.parseOnlyMs)} ms | ${ms(cold.cliMs)} ms | **${cold.ratio.toFixed(2)}×** | ${cold.roundRatios.map((ratio) => ratio.toFixed(2)).join(', ')} | ${cold.cpuRatio.toFixed(2)}× | ${ms(cold.oneThreadMs)} ms | ${(cold.oneThreadMs / cold.parseOnlyMs).toFixed(2)}× | ${cold.check.found}/${cold.check.planted} | ${cold.check.misses.length} | ${cold.check.extras.length} |`,
    );
  }
  lines.push('');
  lines.push(`**Language server over stdio** (ms; edit = \`didChange\` of a targetPort → its file's diagnostics republished, which includes the server's ${PUBLISH_DELAY_MS} ms debounce)`);
  lines.push('');
  lines.push('| documents | first diagnostic | ready | longest wait while indexing | edits | edit p50 | edit p95 | edit p95 ÷ 200 docs | server CPU per edit | hover p95 | definition p95 | code action p95 | completion p95 | port map opens | port map again p95 | port map after an edit p95 | peak RSS (before the map / with it) | planted published |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const baseline = results.sizes.find((result) => result.size === 200)?.server.edit.p95;
  for (const result of results.sizes) {
    const { server } = result;
    const relative = baseline === undefined ? '–' : `${(server.edit.p95 / baseline).toFixed(2)}×`;
    const request = (figures: Latencies | undefined) => (figures ? `${ms(figures.p95)} (${figures.answered}/${figures.samples})` : '–');
    lines.push(
      `| ${count(result.manifest.documents)} | ${ms(server.firstDiagnosticMs)} | ${ms(server.readyMs)} | ${ms(server.longestWaitMs)} | ${server.edit.samples} | ${ms(server.edit.p50)} | **${ms(server.edit.p95)}** | ${relative} | ${ms(server.edit.cpuMsPerSample)} | ${request(server.hover)} | ${request(server.definition)} | ${request(server.codeAction)} | ${request(server.completion)} | ${server.portMap ? `${ms(server.portMap.openMs)} (${count(server.portMap.nodes)} of ${count(server.portMap.totalNodes)} nodes)` : '–'} | ${server.portMap ? ms(server.portMap.again.p95) : '–'} | ${server.portMap ? ms(server.portMap.afterEdit.p95) : '–'} | ${server.peakRssBeforeMapMb !== undefined ? `${server.peakRssBeforeMapMb.toFixed(0)} / ` : ''}${server.peakRssMb.toFixed(0)} MB | ${server.check ? `${server.check.found}/${server.check.planted}, ${server.check.extras.length} extra` : '–'} |`,
    );
  }
  if (results.bigFile) {
    const { bigFile } = results;
    lines.push('');
    lines.push(`**One ${count(bigFile.lines)}-line file** (${count(bigFile.documents)} documents, ${mb(bigFile.bytes)} MB, open in the editor): first diagnostic ${ms(bigFile.server.firstDiagnosticMs)} ms; longest wait for an answer while indexing ${ms(bigFile.server.longestWaitMs)} ms; edit → republish p50 ${ms(bigFile.server.edit.p50)} ms, p95 **${ms(bigFile.server.edit.p95)} ms** over ${bigFile.server.edit.samples} edits, server CPU ${ms(bigFile.server.edit.cpuMsPerSample)} ms per edit; peak RSS ${bigFile.server.peakRssMb.toFixed(0)} MB.`);
  }
  if (results.variants) {
    const { variants } = results;
    const { cold, server } = variants;
    lines.push('');
    lines.push(`**${count(variants.count)} alternatives of one app** (${count(variants.manifest.documents)} documents in ${count(variants.manifest.files)} files: each example folder defines the same Deployment, Service and Ingress at its own ports, and a rendered bundle repeats a tenth of them): cold index ${ms(cold.cliMs)} ms against ${ms(cold.parseOnlyMs)} ms parse only (**${cold.ratio.toFixed(2)}×**), planted ${cold.check.found}/${cold.check.planted} with ${cold.check.extras.length} extra; server first diagnostic ${ms(server.firstDiagnosticMs)} ms, edit → republish p50 ${ms(server.edit.p50)} ms, p95 **${ms(server.edit.p95)} ms** over ${server.edit.samples} edits, server CPU ${ms(server.edit.cpuMsPerSample)} ms per edit; hover p95 ${ms(server.hover?.p95)} ms; peak RSS ${server.peakRssMb.toFixed(0)} MB.`);
  }
  lines.push('');
  lines.push('Request columns give p95 and (answered/requests): how many got a non-empty answer.');
  lines.push('');
  lines.push('**Targets**');
  lines.push('');
  lines.push('| | target | measured | |');
  lines.push('|---|---|---:|:---:|');
  for (const target of targetsOf(results)) lines.push(`| ${target.what} | ${target.target} | ${target.measured} | ${target.met === undefined ? '–' : target.met ? '✓' : '✗'} |`);
  const problems = results.sizes.flatMap((result) => [
    ...result.cold.check.misses.map((miss) => `${count(result.size)} documents, CLI missed: ${miss}`),
    ...result.cold.check.extras.slice(0, 10).map((extra) => `${count(result.size)} documents, CLI reported beyond the planted: ${extra}`),
    ...(result.server.check?.misses ?? []).map((miss) => `${count(result.size)} documents, server missed: ${miss}`),
  ]);
  if (problems.length > 0) {
    lines.push('');
    lines.push('**Planted mismatches not found as planted**');
    lines.push('');
    for (const problem of problems) lines.push(`- ${problem}`);
  }
  return lines.join('\n');
}

const RESULTS_START = '<!-- bench:results:start -->';
const RESULTS_END = '<!-- bench:results:end -->';

function writeDoc(results: BenchResults): void {
  const path = join(root, 'docs', 'benchmark.md');
  const doc = readFileSync(path, 'utf8');
  const start = doc.indexOf(RESULTS_START);
  const end = doc.indexOf(RESULTS_END);
  if (start < 0 || end < start) throw new Error(`${path} has no ${RESULTS_START} … ${RESULTS_END} section`);
  writeFileSync(path, `${doc.slice(0, start + RESULTS_START.length)}\n${formatResults(results)}\n${doc.slice(end)}`);
  console.log(`wrote the results into ${path}`);
}

// ---------------------------------------------------------------------------------------------
// Main

interface Options {
  sizes: number[];
  bigFile: boolean;
  variants: boolean;
  write: boolean;
  generateOnly: boolean;
  /** Profile the CLI and the server (node --cpu-prof) and print where their time goes. */
  profile: boolean;
  /** Another build's dist/ folder to measure instead of this package's. */
  dist: string | undefined;
  /** What that build is, for the page (`commit 34663bd`). */
  label: string | undefined;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { sizes: [...WORKSPACE_SIZES], bigFile: true, variants: true, write: false, generateOnly: false, profile: false, dist: undefined, label: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag === '--sizes') {
      const value = inline ?? argv[++i] ?? '';
      options.sizes = value.split(',').map((size) => Number(size.replace(/[_k]/g, (c) => (c === 'k' ? '000' : ''))));
      if (options.sizes.some((size) => !Number.isInteger(size) || size <= 0)) throw new Error(`--sizes takes document counts, e.g. --sizes 200,2000 (got ${value})`);
    } else if (flag === '--no-big-file') options.bigFile = false;
    else if (flag === '--no-variants') options.variants = false;
    else if (flag === '--write') options.write = true;
    else if (flag === '--generate') options.generateOnly = true;
    else if (flag === '--profile') options.profile = true;
    else if (flag === '--dist') options.dist = inline ?? argv[++i];
    else if (flag === '--label') options.label = inline ?? argv[++i];
    else throw new Error(`unknown option ${argv[i]} (known: --sizes, --no-big-file, --no-variants, --write, --generate, --profile, --dist, --label)`);
  }
  return options;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.profile && options.write) throw new Error('--profile and --write do not go together: a profiled server is slower, and the page should show unprofiled figures');
  if (options.dist) {
    distDir = resolve(options.dist);
    // The protocol client starts PORTCHAIN_SERVER where it is set.
    process.env.PORTCHAIN_SERVER = join(distDir, 'server.js');
  }
  const profileRoot = options.profile ? join(root, '.cache', 'bench', 'profiles') : undefined;
  if (profileRoot) rmSync(profileRoot, { recursive: true, force: true });
  const began = performance.now();
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown CPU',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 1073741824),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg(),
  };
  log(`portchain bench: sizes ${options.sizes.join(', ')}${options.bigFile ? ` and a ${count(BIG_FILE_LINES)}-line file` : ''}; ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);

  const workspaces = options.sizes.map((size) => {
    const dir = workspaceDir(root, size);
    const generated = performance.now();
    const cached = readManifest(dir) !== undefined;
    const manifest = ensureWorkspace(dir, size);
    log(`  ${count(size)}: ${count(manifest.documents)} documents in ${count(manifest.files)} files, ${mb(manifest.bytes)} MB, ${manifest.planted.length} planted (${cached ? 'cached' : `written in ${ms(performance.now() - generated)} ms`})`);
    return { size, dir, manifest };
  });
  const bigDir = workspaceDir(root, `${BIG_FILE_LINES}-lines`);
  const bigManifest = options.bigFile ? (readManifest(bigDir) ?? writeBigFile(bigDir, BIG_FILE_LINES)) : undefined;
  const variantsDir = workspaceDir(root, `${VARIANTS}-variants`);
  const variantsManifest = options.variants ? (readManifest(variantsDir) ?? writeVariants(variantsDir, VARIANTS)) : undefined;
  if (options.generateOnly) return;

  const results: BenchResults = { date: new Date().toISOString().slice(0, 10), build: options.label ?? describeBuild(), machine, sizes: [], bigFile: undefined, variants: undefined, seconds: 0 };
  for (const { size, dir, manifest } of workspaces) {
    const plan = repetitions(size);
    log(`\n${count(size)} documents: cold index (${plan.coldRuns} runs each) …`);
    const profileDir = profileRoot && join(profileRoot, String(size));
    const cold = measureColdIndex(dir, manifest, plan.coldRuns, profileDir);
    log(`  parse only ${ms(cold.parseOnlyMs)} ms, CLI ${ms(cold.cliMs)} ms, ratio ${cold.ratio.toFixed(2)} (one thread ${ms(cold.oneThreadMs)} ms); planted found ${cold.check.found}/${cold.check.planted}, extras ${cold.check.extras.length}`);
    log(`  language server (${plan.toggles} edits, ${plan.requests} requests each) …`);
    const server = await measureServer(dir, manifest, plan.toggles, plan.requests, profileDir);
    log(`  first diagnostic ${ms(server.firstDiagnosticMs)} ms; longest wait ${ms(server.longestWaitMs)} ms; edit p50 ${ms(server.edit.p50)} p95 ${ms(server.edit.p95)}; hover p95 ${ms(server.hover?.p95)}, definition p95 ${ms(server.definition?.p95)}, code action p95 ${ms(server.codeAction?.p95)}, completion p95 ${ms(server.completion?.p95)}; port map opens in ${ms(server.portMap?.openMs)} ms (${server.portMap?.nodes} of ${server.portMap?.totalNodes} nodes), again p95 ${ms(server.portMap?.again.p95)}, after an edit p95 ${ms(server.portMap?.afterEdit.p95)}; peak RSS ${server.peakRssMb.toFixed(0)} MB`);
    results.sizes.push({ size, manifest: { documents: manifest.documents, files: manifest.files, bytes: manifest.bytes, lines: manifest.lines, apps: manifest.apps }, cold, server });
  }
  if (bigManifest) {
    log(`\n${count(BIG_FILE_LINES)}-line file (${BIG_FILE_TOGGLES} edits) …`);
    const server = await measureServer(bigDir, bigManifest, BIG_FILE_TOGGLES, undefined, profileRoot && join(profileRoot, 'big-file'));
    log(`  first diagnostic ${ms(server.firstDiagnosticMs)} ms; longest wait ${ms(server.longestWaitMs)} ms; edit p50 ${ms(server.edit.p50)} p95 ${ms(server.edit.p95)}; peak RSS ${server.peakRssMb.toFixed(0)} MB`);
    results.bigFile = { lines: bigManifest.lines, documents: bigManifest.documents, bytes: bigManifest.bytes, server };
  }
  if (variantsManifest) {
    const plan = repetitions(variantsManifest.documents);
    log(`\n${count(VARIANTS)} alternatives of one app (${count(variantsManifest.documents)} documents): cold index (${plan.coldRuns} runs each) …`);
    const cold = measureColdIndex(variantsDir, variantsManifest, plan.coldRuns, profileRoot && join(profileRoot, 'variants'));
    log(`  parse only ${ms(cold.parseOnlyMs)} ms, CLI ${ms(cold.cliMs)} ms, ratio ${cold.ratio.toFixed(2)}; planted found ${cold.check.found}/${cold.check.planted}, extras ${cold.check.extras.length}`);
    const server = await measureServer(variantsDir, variantsManifest, plan.toggles, plan.requests, profileRoot && join(profileRoot, 'variants'));
    log(`  first diagnostic ${ms(server.firstDiagnosticMs)} ms; edit p50 ${ms(server.edit.p50)} p95 ${ms(server.edit.p95)}; peak RSS ${server.peakRssMb.toFixed(0)} MB`);
    const { documents, files, bytes, lines, apps } = variantsManifest;
    results.variants = { count: VARIANTS, manifest: { documents, files, bytes, lines, apps }, cold, server };
  }
  results.seconds = (performance.now() - began) / 1000;

  const table = formatResults(results);
  console.log(`\n${table}\n`);
  const saved = join(root, '.cache', 'bench', 'results');
  mkdirSync(saved, { recursive: true });
  writeFileSync(join(saved, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`), `${JSON.stringify(results, null, 2)}\n`);
  if (options.write) writeDoc(results);
  if (profileRoot) {
    console.log('Profiled run: the server ran under the V8 profiler, so its figures above include the profiler\'s overhead.');
    for (const name of readdirSync(profileRoot)) {
      for (const which of ['cli', 'server']) {
        const dir = join(profileRoot, name, which);
        if (which === 'cli' && name === 'big-file') continue;
        console.log(`\nSelf time, ${which} at ${name} (${dir}; open a .cpuprofile in Chrome DevTools for the call tree):`);
        for (const line of profileSummary(dir)) console.log(`  ${line}`);
      }
    }
  }
  const failures = results.sizes.filter((result) => result.cold.check.misses.length > 0 || (result.server.check?.misses.length ?? 0) > 0);
  if (results.variants && (results.variants.cold.check.misses.length > 0 || results.variants.cold.check.extras.length > 0)) {
    log(`among ${count(VARIANTS)} alternatives the CLI reported otherwise than planted: ${[...results.variants.cold.check.misses, ...results.variants.cold.check.extras].join('; ')}`);
    process.exitCode = 1;
  }
  if (failures.length > 0) {
    log(`planted mismatches were missed at ${failures.map((result) => count(result.size)).join(', ')} documents`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error((error as Error)?.stack ?? String(error));
  process.exitCode = 1;
});
