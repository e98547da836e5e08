// `portchain graph` run as a user runs it: the bundled dist/cli.js on the repository's examples/.
// Each format is compared byte for byte with a golden file written by a hand-checked run
// (test/cli/golden/); the DOT output is laid out by Graphviz (in WebAssembly) and the Mermaid
// output rendered by mermaid itself in Debian's chromium, so both are known to draw.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { chromium } from 'playwright-core';
import { REPO_ROOT, runCli, writeFixture } from './run';

const golden = (name: string) => readFileSync(join(REPO_ROOT, 'test', 'cli', 'golden', name), 'utf8');

/** The chromium the e2e harness drives (scripts/vscode/paths.mjs); CHROMIUM names another. */
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

describe('portchain graph: golden outputs on examples/', () => {
  for (const [format, file] of [
    ['mermaid', 'examples.mmd'],
    ['dot', 'examples.dot'],
    ['json', 'examples.json'],
  ] as const) {
    test(`--format ${format}`, () => {
      const run = runCli(['graph', 'examples', '--format', format], REPO_ROOT);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, golden(file));
    });
  }

  test('mermaid is the default format; --namespace and --broken filter as the view does', () => {
    const run = runCli(['graph', 'examples', '--broken', '--namespace', 'shop'], REPO_ROOT);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, golden('examples-shop-broken.mmd'));
  });

  test('the JSON has the documented shape: every broken link of examples/ with its rule, files and lines', () => {
    const graph = JSON.parse(runCli(['graph', 'examples', '--format', 'json'], REPO_ROOT).stdout) as {
      nodes: { id: string; kind: string; name: string; namespace: string; file: string | null; line: number | null }[];
      edges: { from: string; to: string; state: string; rule?: string; message?: string }[];
    };
    const byId = new Map(graph.nodes.map((node) => [node.id, node]));
    const broken = graph.edges.filter((edge) => edge.state === 'broken').map((edge) => `${byId.get(edge.from)!.file}:${byId.get(edge.from)!.line} ${edge.rule}`);
    assert.deepEqual(broken, [
      'examples/gateway/docs.yaml:35 route-port-missing',
      'examples/legacy/guestbook.yaml:24 ingress-service-missing',
      'examples/api/api.yaml:55 target-port-name-missing',
      'examples/api/api.yaml:36 process-port-mismatch',
      'examples/shop/ingress.yaml:19 ingress-port-mismatch',
      'examples/shop/service.yaml:14 target-port-mismatch',
    ]);
    for (const node of graph.nodes) assert.deepEqual(Object.keys(node).slice(0, 6), ['id', 'kind', 'name', 'namespace', 'file', 'line']);
  });
});

describe('portchain graph: usage', () => {
  test('a bad format or a missing value is bad usage (exit 2)', () => {
    const { dir } = writeFixture('# --- a.yaml\nkind: ConfigMap\n');
    const bad = runCli(['graph', '--format', 'svg'], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^portchain: unknown format "svg" \(known: mermaid, dot, json\)$/m);
    const noNamespace = runCli(['graph', '--namespace'], dir);
    assert.equal(noNamespace.status, 2);
    assert.match(noNamespace.stderr, /^portchain: --namespace needs a namespace$/m);
  });

  test('the help names both commands', () => {
    const help = runCli(['--help'], REPO_ROOT);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^ {7}portchain graph \[PATH…\] \[--format mermaid\|dot\|json\] \[--namespace NAME\] \[--broken\]$/m);
  });
});

describe('portchain graph: the outputs draw', () => {
  test('Graphviz lays out the DOT output, broken links in red with their rule', async () => {
    const graphviz = await Graphviz.load();
    // Graphviz writes a hyphen in text as &#45;.
    const svg = graphviz.dot(golden('examples.dot'), 'svg').replace(/&#45;/g, '-');
    assert.ok(svg.includes('<svg '), 'no SVG');
    for (const text of ['>namespace shop<', '>80 (http) → 8081<', 'target-port-mismatch</text>', 'stroke="#d73a49"']) assert.ok(svg.includes(text), `the SVG lacks ${text}`);
  });

  test('mermaid renders the Mermaid output in chromium', { timeout: 120_000 }, async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (npm run test:e2e provisions it), or set CHROMIUM`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage();
      await page.setContent('<!doctype html><html><body></body></html>');
      await page.addScriptTag({ path: join(REPO_ROOT, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js') });
      const svg = await page.evaluate(async (text) => {
        const mermaid = (globalThis as unknown as { mermaid: { initialize(config: object): void; render(id: string, text: string): Promise<{ svg: string }> } }).mermaid;
        mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
        return (await mermaid.render('portmap', text)).svg;
      }, golden('examples.mmd'));
      assert.ok(svg.startsWith('<svg '), 'no SVG');
      for (const text of ['80 (http) → 8081', '✗ target-port-mismatch', 'namespace shop']) assert.ok(svg.includes(text), `the SVG lacks ${text}`);
    } finally {
      await browser.close();
    }
  });
});
