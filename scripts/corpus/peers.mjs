// Agreement with the peer linters: runs portchain over the fixtures kube-linter and kube-score
// test their own checks with (../shared/corpus/peers/<tool>/<check>/), each fixture file as a
// workspace of its own, and prints for every object of peers/EXPECTED.tsv the peer's verdict, ours
// and whether they agree. The peer check → portchain rules mapping is the corpus README's.
//
// A divergence is either fixed in the engine or explained in docs/real-world.md, in the table under
// "Where portchain and the peers disagree" (one row per fixture and object). This script says which
// divergences that table explains, and which of its rows no longer diverge.
//
//   node scripts/corpus/peers.mjs             print the table and a summary (exit 0)
//   node scripts/corpus/peers.mjs --summary   print the summary only
//   node scripts/corpus/peers.mjs --strict    exit 1 on an unexplained divergence or a stale row
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CORPUS, ROOT, loadEngine } from './engine.mjs';

/** Peer checks and the portchain rules they correspond to; `null`: outside the port chain. */
const RULES_FOR_CHECK = {
  'dangling-ingress': ['ingress-service-missing', 'ingress-port-mismatch'],
  'Ingress targets Service': ['ingress-service-missing', 'ingress-port-mismatch'],
  'dangling-service': ['service-selects-nothing'],
  'Service Targets Pod': ['service-selects-nothing'],
  'invalid-target-ports': ['port-name-invalid', 'port-range', 'port-duplicate'],
  'Container Ports Check': ['port-name-invalid', 'port-range', 'port-duplicate'],
  'liveness-port': ['probe-port-missing'],
  'readiness-port': ['probe-port-missing'],
  'startup-port': ['probe-port-missing'],
  'dangling-networkpolicy': ['network-policy-port'],
  'dangling-networkpolicypeer-podselector': ['network-policy-port'],
  'NetworkPolicy targets Pod': ['network-policy-port'],
  'dangling-servicemonitor': ['service-monitor-port'],
  'StatefulSet has ServiceName': ['statefulset-service-name'],
  'mismatching-selector': ['selector-mismatch'],
  'StatefulSet Pod Selector labels match template metadata labels': ['selector-mismatch'],
  'exposed-services': null,
  'privileged-ports': null,
  'non-isolated-pod': null,
  'Service Type': null,
  'Pod NetworkPolicy': null,
  'Pod Probes': null,
};

/**
 * Objects whose description names no unique `Kind/name`: which resources of the fixture they mean,
 * by kind, name and occurrence (0-based, in file order).
 */
const OBJECT_SCOPES = {
  'ServiceMonitor/dont-fire, dont-fire2, dont-fire (selector/namespaceSelector match Service dont-fire)': [
    { kind: 'ServiceMonitor', name: 'dont-fire' },
    { kind: 'ServiceMonitor', name: 'dont-fire2' },
  ],
  'ServiceMonitor/app1 (selector app.kubernetes.io/name=app)': [{ kind: 'ServiceMonitor', name: 'app1', nth: 0 }],
  'ServiceMonitor/app1 (namespaceSelector test2 only)': [{ kind: 'ServiceMonitor', name: 'app1', nth: 1 }],
  'ServiceMonitor/app1 (selector app1 + namespaceSelector test2)': [{ kind: 'ServiceMonitor', name: 'app1', nth: 2 }],
  'Deployment/dont-fire + DeploymentConfig/dont-fire (containerPort 8080)': [
    { kind: 'Deployment', name: 'dont-fire' },
    { kind: 'DeploymentConfig', name: 'dont-fire' },
  ],
};

const strict = process.argv.includes('--strict');
const summaryOnly = process.argv.includes('--summary');
const peersDir = join(CORPUS, 'peers');
if (!existsSync(join(peersDir, 'EXPECTED.tsv'))) {
  console.log(`skipped: ${peersDir}/EXPECTED.tsv is absent`);
  process.exit(0);
}

const engine = await loadEngine();
const rows = readTsv(join(peersDir, 'EXPECTED.tsv'));
const explained = readExplanations(join(ROOT, 'docs', 'real-world.md'));
const runs = new Map();
const results = rows.map((row) => judge(row));

if (!summaryOnly) printTable(results);
const counts = { agree: 0, diverge: 0, outside: 0 };
for (const result of results) counts[result.status]++;
const unexplained = results.filter((result) => result.status === 'diverge' && !result.explained);
const stale = [...explained.keys()].filter((key) => !results.some((result) => result.status === 'diverge' && key === explanationKey(result.row)));
console.log(`${summaryOnly ? '' : '\n'}peers: ${results.length} objects: ${counts.agree} agree, ${counts.diverge} diverge (${counts.diverge - unexplained.length} explained in docs/real-world.md), ${counts.outside} outside the port chain`);
for (const result of unexplained) console.log(`  unexplained: ${result.row.fixture_path} ${result.row.object}`);
for (const key of stale) console.log(`  docs/real-world.md explains a divergence that is gone: ${key.replace('\t', ' ')}`);
process.exit(strict && (unexplained.length > 0 || stale.length > 0) ? 1 : 0);

// ---------------------------------------------------------------------------------------------

function judge(row) {
  const rules = RULES_FOR_CHECK[row.check];
  const peer = peerFires(row.expected) ? 'fire' : 'no-fire';
  if (rules === undefined) throw new Error(`peers/EXPECTED.tsv: no mapping for check "${row.check}"`);
  if (rules === null) return { row, peer, ours: '-', findings: [], status: 'outside' };
  const run = runFixture(row.fixture_path);
  const spans = scopeOf(row, run.file);
  const findings = run.findings.filter((finding) => rules.includes(finding.rule) && spans.some((span) => finding.span.start >= span.start && finding.span.end <= span.end));
  const ours = findings.length > 0 ? 'fire' : 'no-fire';
  const status = ours === peer ? 'agree' : 'diverge';
  return { row, peer, ours, findings, status, explained: status === 'diverge' && explained.has(explanationKey(row)) };
}

/** kube-linter says fire / no-fire; kube-score grades (CRITICAL and WARNING fail); untested fixtures count as intended. */
function peerFires(expected) {
  return /^(fire|CRITICAL|WARNING)\b/.test(expected) || /intended (CRITICAL|WARNING)/.test(expected);
}

/** One fixture file as a workspace of its own: its parsed file and every finding of every rule. */
function runFixture(fixturePath) {
  let run = runs.get(fixturePath);
  if (run) return run;
  const path = join(CORPUS, fixturePath);
  const uri = pathToFileURL(path).href;
  const file = engine.parseFile(uri, readFileSync(path, 'utf8'));
  const graph = new engine.PortGraph();
  graph.setFile(file);
  const findings = engine.runRules(graph, undefined, () => fixturePath.split('/').pop());
  run = { file, findings };
  runs.set(fixturePath, run);
  return run;
}

/** The spans of the fixture that the row's object covers. */
function scopeOf(row, file) {
  const object = row.object;
  if (object.startsWith('(whole file')) return [{ start: 0, end: file.text.length }];
  const scopes = OBJECT_SCOPES[object];
  if (scopes) return scopes.flatMap((scope) => resourcesOf(file, scope.kind, scope.name, scope.nth).map((resource) => resource.span));
  const container = /^(\w+) container ([\w.-]+)/.exec(object);
  if (container) {
    return resourcesOf(file, container[1]).flatMap((resource) =>
      (resource.workload?.containers ?? []).filter((candidate) => candidate.name?.value === container[2]).map((candidate) => candidate.span),
    );
  }
  const named = /^(\w+)\/([\w.-]+)(.*)$/.exec(object);
  if (!named) throw new Error(`peers/EXPECTED.tsv: cannot tell which object "${object}" is`);
  const resources = resourcesOf(file, named[1], named[2]);
  const rest = named[3];
  const servicePort = /^ ports\[(\d+)\]/.exec(rest);
  if (servicePort) return resources.flatMap((resource) => resource.service?.ports[Number(servicePort[1])]?.span ?? []);
  const portName = /^ container port name '([^']*)'/.exec(rest);
  if (portName) {
    return resources.flatMap((resource) =>
      (resource.workload?.containers ?? []).flatMap((candidate) => candidate.ports.filter((port) => port.name?.value === portName[1]).map((port) => port.span)),
    );
  }
  return resources.map((resource) => resource.span);
}

function resourcesOf(file, kind, name, nth) {
  const matching = file.resources.filter((resource) => resource.kind === kind && (name === undefined || resource.name?.value === name));
  if (matching.length === 0) throw new Error(`${file.uri}: no ${kind}${name ? `/${name}` : ''}`);
  return nth === undefined ? matching : [matching[nth]];
}

function printTable(results) {
  const lines = [['fixture', 'object', 'peer check', 'peer', 'portchain', '']];
  for (const { row, peer, ours, findings, status, explained: isExplained } of results) {
    const verdict = status === 'diverge' ? (isExplained ? 'diverge (explained)' : 'DIVERGE') : status;
    const rules = [...new Set(findings.map((finding) => finding.rule))].join(', ');
    lines.push([row.fixture_path.replace(/^peers\//, ''), row.object, row.check, peer, rules ? `${ours}: ${rules}` : ours, verdict]);
  }
  const limits = [64, 56, 28, 7, 40, 19];
  const widths = lines[0].map((_, column) => Math.min(limits[column], Math.max(...lines.map((line) => line[column].length))));
  for (const line of lines) console.log(line.map((cell, column) => (cell.length > widths[column] ? `${cell.slice(0, widths[column] - 1)}…` : cell.padEnd(widths[column]))).join('  ').trimEnd());
}

function readTsv(path) {
  const [header, ...lines] = readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '');
  const columns = header.split('\t');
  return lines.map((line) => Object.fromEntries(line.split('\t').map((cell, index) => [columns[index], cell])));
}

function explanationKey(row) {
  return `${row.fixture_path.replace(/^peers\//, '')}\t${row.object}`;
}

/**
 * The rows of the divergence table in docs/real-world.md: `| fixture | object | … |`, the fixture
 * relative to peers/ and the object exactly as EXPECTED.tsv writes it, both in backticks.
 */
function readExplanations(path) {
  const out = new Map();
  if (!existsSync(path)) return out;
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf('## Where portchain and the peers disagree');
  if (start < 0) return out;
  const section = text.slice(start).split(/\n## /)[0];
  for (const line of section.split('\n')) {
    const cells = /^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|(.*)\|\s*$/.exec(line);
    if (cells) out.set(`${cells[1]}\t${cells[2]}`, cells[3].trim());
  }
  return out;
}
