// The demo workspace under examples/ is what a newcomer opens first, so it must show exactly
// what its comments and README promise: one finding per deliberately broken link, none on the
// clean chain, the Helm chart or the Compose file.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { setFileText } from '../server/src/graph/helm';
import { PortGraph } from '../server/src/graph/portGraph';
import { positionAt } from '../server/src/model/text';
import type { ParsedFile } from '../server/src/model/types';
import { runRules } from '../server/src/rules';
import type { RuleId, Severity } from '../server/src/rules/ruleIds';
import { isManifestPath } from '../server/src/workspace/workspace';

/** One finding a user sees: where (with the text of that line, to keep the table readable), and which rule. */
interface ExpectedFinding {
  /** One-based, as an editor shows it. */
  line: number;
  /** A piece of that line's text, so a reader sees what is flagged and an edit that moves lines fails loudly. */
  at: string;
  severity: Severity;
  rule: RuleId;
  /** Where it matters to the demo, a piece of the message. */
  message?: string;
}

/** Every file and folder of examples/ with the findings it must produce. */
const EXPECTED: Record<string, Record<string, ExpectedFinding[]>> = {
  audiobookshelf: {
    'audiobookshelf/configmap.yaml': [],
    'audiobookshelf/deployment.yaml': [],
    'audiobookshelf/service.yaml': [],
    'audiobookshelf/ingress.yaml': [],
  },
  shop: {
    'shop/deployment.yaml': [],
    'shop/service.yaml': [
      { line: 15, at: 'targetPort: 8081', severity: 'error', rule: 'target-port-mismatch', message: 'its containerPorts are 8080 (http), 9102 (metrics)' },
    ],
    'shop/ingress.yaml': [
      { line: 21, at: 'number: 8080', severity: 'error', rule: 'ingress-port-mismatch', message: 'Service storefront (shop/service.yaml)' },
    ],
  },
  api: {
    'api/api.yaml': [
      { line: 30, at: 'value: "9000"', severity: 'warning', rule: 'process-port-mismatch', message: '9000' },
      { line: 56, at: 'targetPort: grpc', severity: 'error', rule: 'target-port-name-missing', message: 'declares no port named grpc' },
    ],
  },
  legacy: {
    'legacy/guestbook.yaml': [
      { line: 24, at: 'serviceName: guestbook-fronted', severity: 'error', rule: 'ingress-service-missing', message: 'did you mean guestbook-frontend' },
      { line: 44, at: 'nodePort: 8080', severity: 'error', rule: 'node-port-range', message: '8080' },
    ],
  },
  gateway: {
    'gateway/docs.yaml': [{ line: 35, at: '- name: docs', severity: 'error', rule: 'route-port-missing', message: 'HTTPRoute docs' }],
  },
  chart: {
    'chart/Chart.yaml': [],
    'chart/values.yaml': [],
    'chart/templates/deployment.yaml': [],
    'chart/templates/service.yaml': [],
  },
  'docker-compose.yaml': {
    'docker-compose.yaml': [],
  },
};

// The test is bundled into out/test/, two folders below the repository root.
const EXAMPLES = join(__dirname, '..', '..', 'examples');

function manifestPaths(folder: string): string[] {
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory() ? manifestPaths(path) : isManifestPath(path) ? [path] : [];
    });
}

/** The examples as the language server sees them: every manifest file, one workspace graph. */
function analyseExamples(): { files: Map<string, ParsedFile>; found: Map<string, ExpectedFinding[]> } {
  const graph = new PortGraph();
  const files = new Map<string, ParsedFile>();
  const paths = manifestPaths(EXAMPLES);
  // As the server sets text: the chart's templates are read against its values.yaml.
  for (const path of paths) setFileText(graph, `file://${path}`, readFileSync(path, 'utf8'));
  for (const path of paths) files.set(relative(EXAMPLES, path), graph.file(`file://${path}`)!);
  const where = (uri: string) => relative(EXAMPLES, uri.slice('file://'.length));
  const found = new Map<string, ExpectedFinding[]>();
  for (const finding of runRules(graph, undefined, where)) {
    const file = graph.file(finding.uri)!;
    const line = positionAt(file.lineStarts, finding.span.start).line;
    const list = found.get(where(finding.uri)) ?? [];
    list.push({ line: line + 1, at: lineText(file, line), severity: finding.severity, rule: finding.rule, message: finding.message });
    found.set(where(finding.uri), list);
  }
  return { files, found };
}

function lineText(file: ParsedFile, line: number): string {
  const end = line + 1 < file.lineStarts.length ? file.lineStarts[line + 1] : file.text.length;
  return file.text.slice(file.lineStarts[line], end).trimEnd();
}

const { files, found } = analyseExamples();

describe('examples/', () => {
  test('the table below names every manifest of examples/, and nothing else', () => {
    const listed = Object.values(EXPECTED).flatMap((group) => Object.keys(group));
    assert.deepEqual([...files.keys()].sort(), listed.sort());
  });

  for (const [group, expectedByFile] of Object.entries(EXPECTED)) {
    test(`${group}: ${describeGroup(expectedByFile)}`, () => {
      for (const [path, expected] of Object.entries(expectedByFile)) {
        const file = files.get(path);
        assert.ok(file, `${path} was not read`);
        for (const item of expected) {
          assert.ok(lineText(file, item.line - 1).includes(item.at), `${path}:${item.line} should hold "${item.at}" but is "${lineText(file, item.line - 1)}"`);
        }
        const actual = found.get(path) ?? [];
        const key = (item: ExpectedFinding) => `${path}:${item.line} ${item.severity} ${item.rule}`;
        assert.deepEqual(
          actual.map(key).sort(),
          expected.map(key).sort(),
          `findings of ${path} differ\nactual:\n${actual.map((item) => `  ${key(item)}: ${item.message}`).join('\n') || '  (none)'}`,
        );
        for (const item of expected) {
          const match = actual.find((candidate) => key(candidate) === key(item))!;
          if (item.message) assert.ok(match.message!.includes(item.message), `message of ${key(item)}:\n  ${match.message}\ndoes not contain:\n  ${item.message}`);
        }
      }
    });
  }

  test("the chart is read as templates with its values.yaml, so its silence is a decision and not a file left unread", () => {
    const templates = ['chart/templates/deployment.yaml', 'chart/templates/service.yaml'].map((path) => files.get(path)!);
    assert.deepEqual(
      templates.map((file) => file.resources.map((resource) => `${resource.kind} templated=${resource.templated}`)),
      [['Deployment templated=true'], ['Service templated=true']],
    );
    // The Service's port and the containerPort come from values.yaml; the selector matches by include.
    const [deployment] = templates[0].resources;
    const [service] = templates[1].resources;
    const port = service.service!.ports[0].port;
    assert.equal(port?.kind === 'number' && `${port.number} from ${port.origin?.path}`, '80 from service.port');
    const containerPort = deployment.workload!.containers[0].ports[0].containerPort;
    assert.equal(containerPort?.kind === 'number' && `${containerPort.number} from ${containerPort.origin?.path}`, '8000 from containerPort');
    assert.deepEqual(service.service!.selector?.includes, ['include "whoami.selectorLabels" .']);
    assert.deepEqual(files.get('chart/values.yaml')!.resources, []);
    assert.deepEqual(files.get('chart/Chart.yaml')!.resources, []);
  });

  test('the Compose file is recognised as not Kubernetes and holds no resources', () => {
    const compose = files.get('docker-compose.yaml')!;
    assert.deepEqual(compose.resources, []);
    assert.deepEqual(compose.notes, []);
  });
});

function describeGroup(expectedByFile: Record<string, ExpectedFinding[]>): string {
  const rules = Object.values(expectedByFile).flat().map((item) => item.rule);
  return rules.length === 0 ? 'no findings' : rules.join(', ');
}
