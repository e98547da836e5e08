// `portchain check` output formats, run as CI runs them: the bundled dist/cli.js in a folder of
// manifests. Each fixture's markers state the findings; every format must report exactly those.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import { main } from '../../server/src/cli/main';
import { RULES, ruleDocUrl } from '../../server/src/rules/ruleIds';
import { jsonPlace, REPO_ROOT, runCli, textPrefix, writeFixture } from './run';
import sarifSchema from './sarif-schema-2.1.0.json';

/** A broken Service → Deployment link across two files, and a Service with a misplaced traffic policy. */
const BROKEN = `
  # --- apps/service.yaml
  apiVersion: v1
  kind: Service
  metadata: {name: web}
  spec:
    selector: {app: web}
    ports:
      - port: 80
        targetPort: 8081
  #                 ^^^^ error target-port-mismatch: Service web sends port 80 to targetPort 8081, but Deployment web (apps/deploy.yaml) declares no containerPort 8081 (its containerPorts are 8080 (http)
  # --- apps/deploy.yaml
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        containers:
          - name: web
            ports:
              - name: http
                containerPort: 8080
  # --- apps/internal.yaml
  apiVersion: v1
  kind: Service
  metadata: {name: internal}
  spec:
    externalTrafficPolicy: Local
  #                        ^^^^^ warning traffic-policy: Service internal sets externalTrafficPolicy: Local, but its type is ClusterIP
    ports:
      - port: 5432
`;

/** BROKEN without its findings. */
const CLEAN = BROKEN.replace('targetPort: 8081', 'targetPort: 8080').replace(/^.*(externalTrafficPolicy|\^\^\^\^).*$/gm, '');

const version = (JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { version: string }).version;

describe('text format', () => {
  test('one line per finding, related places indented under it, a summary line', () => {
    const { dir, fixture } = writeFixture(BROKEN);
    const run = runCli(['check'], dir);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, '');
    const lines = run.stdout.split('\n');
    for (const expectation of fixture.expectations) {
      const line = lines.find((candidate) => candidate.startsWith(textPrefix(expectation)));
      assert.ok(line, `no line starts with "${textPrefix(expectation)}" in:\n${run.stdout}`);
      assert.ok(line.includes(expectation.message!), `"${line}" lacks "${expectation.message}"`);
    }
    // Grouped by file (apps/deploy.yaml sorts first), the related containerPort indented under the error.
    assert.deepEqual(
      lines.map((line) => line.replace(/ (warning traffic-policy|error target-port-mismatch|containerPort 8080 \(http\)) .*$/, ' $1 …')),
      [
        'apps/internal.yaml:5:26 warning traffic-policy …',
        '',
        'apps/service.yaml:8:19 error target-port-mismatch …',
        '  apps/deploy.yaml:13:30 containerPort 8080 (http) …',
        '',
        '1 error, 1 warning in 3 files (3 resources)',
        '',
      ],
    );
  });

  test('no problems: exit 0 and a summary that says so', () => {
    const { dir } = writeFixture(CLEAN);
    const run = runCli(['check', '.'], dir);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(run.stdout, 'no problems in 3 files (3 resources)\n');
  });

  test('no colour when not a terminal, with NO_COLOR or with --no-color; FORCE_COLOR turns it on', () => {
    const { dir } = writeFixture(BROKEN);
    const escape = '\u001b[';
    assert.ok(!runCli(['check'], dir).stdout.includes(escape), 'a pipe gets no colour');
    const forced = runCli(['check'], dir, { FORCE_COLOR: '1' }).stdout;
    assert.ok(forced.includes(`${escape}31m${escape}1merror${escape}22m${escape}39m`), forced);
    assert.ok(!runCli(['check'], dir, { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout.includes(escape), 'NO_COLOR wins');
    assert.ok(!runCli(['check', '--no-color'], dir, { FORCE_COLOR: '1' }).stdout.includes(escape), '--no-color wins');
  });

  test('colour on a terminal, unless NO_COLOR, --no-color or TERM=dumb', async () => {
    const { dir } = writeFixture(BROKEN);
    const textOn = async (args: string[], env: Record<string, string>) => {
      let stdout = '';
      const status = await main(['check', ...args], { cwd: dir, env, stdoutIsTTY: true, stdout: (text) => void (stdout += text), stderr: () => undefined });
      assert.equal(status, 1);
      return stdout;
    };
    assert.ok((await textOn([], {})).includes('\u001b[31m'), 'a terminal gets colour');
    assert.ok(!(await textOn([], { NO_COLOR: '1' })).includes('\u001b['));
    assert.ok(!(await textOn(['--no-color'], {})).includes('\u001b['));
    assert.ok(!(await textOn([], { TERM: 'dumb' })).includes('\u001b['));
  });

  test('--quiet reports errors only, and nothing at all without errors', () => {
    const { dir } = writeFixture(BROKEN);
    const quiet = runCli(['check', '--quiet'], dir);
    assert.equal(quiet.status, 1);
    assert.match(quiet.stdout, /^apps\/service\.yaml:8:19 error target-port-mismatch /);
    assert.ok(!quiet.stdout.includes('traffic-policy'), quiet.stdout);
    assert.match(quiet.stdout, /\n1 error in 3 files \(3 resources\)\n$/);
    const warningsOnly = writeFixture(BROKEN.replace('targetPort: 8081', 'targetPort: 8080').replace(/^.*target-port-mismatch.*$/m, ''));
    const silent = runCli(['check', '--quiet'], warningsOnly.dir);
    assert.equal(silent.status, 0);
    assert.equal(silent.stdout, '');
  });
});

describe('json format', () => {
  test('the documented shape, with 1-based positions that match the markers', () => {
    const { dir, fixture } = writeFixture(BROKEN);
    const run = runCli(['check', '--format', 'json'], dir);
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(report), ['files', 'resources', 'findings', 'notes', 'fixturesLeftOut']);
    assert.equal(report.files, 3);
    assert.equal(report.resources, 3);
    assert.deepEqual(report.notes, []);
    const places = report.findings.map(({ rule, severity, file, line, column, endLine, endColumn }: Record<string, unknown>) => ({ rule, severity, file, line, column, endLine, endColumn }));
    assert.deepEqual(places, fixture.expectations.map(jsonPlace).sort((a, b) => a.file.localeCompare(b.file)));
    const mismatch = report.findings.find((finding: { rule: string }) => finding.rule === 'target-port-mismatch');
    assert.deepEqual(Object.keys(mismatch), ['rule', 'severity', 'message', 'file', 'line', 'column', 'endLine', 'endColumn', 'related']);
    assert.ok(mismatch.message.includes('declares no containerPort 8081'), mismatch.message);
    assert.deepEqual(mismatch.related, [{ file: 'apps/deploy.yaml', line: 13, column: 30, message: 'containerPort 8080 (http) of container web in Deployment web' }]);
  });

  test('CRLF files give the same columns as LF files', () => {
    const { dir, fixture } = writeFixture(BROKEN, { crlf: true });
    assert.ok(readFileSync(`${dir}/apps/service.yaml`, 'utf8').includes('\r\n'));
    const report = JSON.parse(runCli(['check', '--format=json'], dir).stdout);
    const places = report.findings.map(({ rule, severity, file, line, column, endLine, endColumn }: Record<string, unknown>) => ({ rule, severity, file, line, column, endLine, endColumn }));
    assert.deepEqual(places, fixture.expectations.map(jsonPlace).sort((a, b) => a.file.localeCompare(b.file)));
  });
});

describe('sarif format', () => {
  // Formats (uri, date-time) would need ajv-formats; the URIs are checked by the assertions instead.
  const ajv = new Ajv2020({ allErrors: true, validateFormats: false });
  const validate = ajv.compile(sarifSchema);
  const assertValidSarif = (log: unknown): void => assert.ok(validate(log), ajv.errorsText(validate.errors, { separator: '\n' }));
  const levelOf: Record<string, string> = { error: 'error', warning: 'warning', info: 'note' };

  test('a SARIF 2.1.0 log that the schema accepts, whose results are the markers', () => {
    const { dir, fixture } = writeFixture(`${BROKEN}
  # --- notes/broken.yaml
  apiVersion: v1
  kind: Service
  a: [1
  b: }
`);
    const run = runCli(['check', '--format', 'sarif'], dir);
    assert.equal(run.status, 1, run.stderr);
    const log = JSON.parse(run.stdout);
    assertValidSarif(log);
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-schema-2\.1\.0\.json$/);
    assert.equal(log.runs.length, 1);
    const [run0] = log.runs;
    const driver = run0.tool.driver;
    assert.equal(driver.name, 'portchain');
    assert.equal(driver.version, version);
    assert.match(driver.informationUri, /^https:\/\//);
    assert.deepEqual(
      driver.rules.map((rule: { id: string; helpUri: string; defaultConfiguration: { level: string }; shortDescription: { text: string } }) => [rule.id, rule.helpUri, rule.defaultConfiguration.level, rule.shortDescription.text]),
      RULES.map((rule) => [rule.id, ruleDocUrl(rule.id), levelOf[rule.severity], rule.summary]),
    );
    assert.deepEqual(run0.originalUriBaseIds, { '%SRCROOT%': { uri: pathToFileURL(`${dir}/`).href } });
    const results = run0.results.map((result: any) => {
      const { artifactLocation, region } = result.locations[0].physicalLocation;
      assert.equal(driver.rules[result.ruleIndex].id, result.ruleId);
      assert.equal(artifactLocation.uriBaseId, '%SRCROOT%');
      return { rule: result.ruleId, severity: result.level, file: artifactLocation.uri, line: region.startLine, column: region.startColumn, endLine: region.endLine, endColumn: region.endColumn };
    });
    assert.deepEqual(results, fixture.expectations.map(jsonPlace).sort((a, b) => a.file.localeCompare(b.file)));
    const mismatch = run0.results.find((result: any) => result.ruleId === 'target-port-mismatch');
    assert.deepEqual(mismatch.relatedLocations, [
      {
        id: 0,
        physicalLocation: { artifactLocation: { uri: 'apps/deploy.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 13, startColumn: 30, endLine: 13, endColumn: 34 } },
        message: { text: 'containerPort 8080 (http) of container web in Deployment web' },
      },
    ]);
    // A YAML syntax error is a note about the run, not a rule violation.
    const notifications = run0.invocations[0].toolExecutionNotifications;
    assert.equal(notifications.length, 1);
    assert.equal(notifications[0].locations[0].physicalLocation.artifactLocation.uri, 'notes/broken.yaml');
    assert.match(notifications[0].message.text, /^YAML document 1 was not read/);
  });

  test('relative URIs are percent-encoded with / separators', () => {
    const { dir } = writeFixture(BROKEN.replace('# --- apps/service.yaml', '# --- my apps/service #1.yaml'));
    const log = JSON.parse(runCli(['check', '--format', 'sarif'], dir).stdout);
    assertValidSarif(log);
    const uris = log.runs[0].results.map((result: any) => result.locations[0].physicalLocation.artifactLocation.uri);
    assert.deepEqual(uris.sort(), ['apps/internal.yaml', 'my%20apps/service%20%231.yaml']);
  });

  test('a clean folder gives a valid log with no results', () => {
    const { dir } = writeFixture(CLEAN);
    const run = runCli(['check', '--format', 'sarif'], dir);
    assert.equal(run.status, 0);
    const log = JSON.parse(run.stdout);
    assertValidSarif(log);
    assert.deepEqual(log.runs[0].results, []);
  });
});
