// Fixtures in `portchain check`: which files are fixtures, that they are left out and counted by
// default, and that `--include-fixtures` checks each as a unit of its own.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixtureReason, testCaseFolderOf } from '../../server/src/graph/units';
import { runCli, writeFixture } from './run';

describe('which files are fixtures', () => {
  test('test-data folders, golden outputs and e2e assertions, by the path below the workspace folder', () => {
    const cases: [string, string | undefined][] = [
      ['pkg/provider/testdata/service.yaml', 'test data (testdata/)'],
      ['pkg/provider/fixtures/ingress.yml', 'test data (fixtures/)'],
      ['internal/__snapshots__/deploy.yaml', 'test data (__snapshots__/)'],
      ['cmd/debug/history.golden.yaml', 'a golden output'],
      ['collector/config_expected.yaml', 'a golden output'],
      ['collector/build_collector.golden.yaml', 'a golden output'],
      ['tests/e2e/smoke/01-assert-second-config.yaml', 'an e2e assertion'],
      ['tests/e2e/smoke/02-errors.yaml', 'an e2e assertion'],
      ['deploy/service.yaml', undefined],
      ['deploy/unexpected-name.yaml', undefined],
      ['deploy/assertions.yaml', undefined],
      // Names that merely contain the words, and unnumbered files, are manifests.
      ['deploy/golden-signals-exporter.yaml', undefined],
      ['deploy/expected-traffic.yaml', undefined],
      ['deploy/errors.yaml', undefined],
      ['deploy/assert.yaml', undefined],
      ['apps/golden/deployment.yaml', undefined],
      // A workspace folder that itself sits in a testdata folder is not all fixtures: paths are relative to it.
      ['app/service.yaml', undefined],
    ];
    for (const [path, reason] of cases) assert.equal(fixtureReason(path), reason, path);
  });

  test('a test-case marker makes its folder and everything below it e2e test steps', () => {
    assert.equal(testCaseFolderOf('test/conformance/host-ports/chainsaw-test.yaml'), 'test/conformance/host-ports/');
    assert.equal(testCaseFolderOf('test/cli/anypattern/kyverno-test.yaml'), 'test/cli/anypattern/');
    // A marker at the root: the user opened that test case to check it.
    assert.equal(testCaseFolderOf('chainsaw-test.yaml'), undefined);
    assert.equal(testCaseFolderOf('deploy/service.yaml'), undefined);
    const cases = new Set(['test/conformance/host-ports/']);
    assert.equal(fixtureReason('test/conformance/host-ports/pod-fail.yaml', cases), 'an e2e test step');
    assert.equal(fixtureReason('test/conformance/host-ports/step/pod.yaml', cases), 'an e2e test step');
    assert.equal(fixtureReason('test/conformance/other/pod.yaml', cases), undefined);
  });
});

// Two cases of one Service in a test-data folder, each right on its own; crossing them is wrong.
const WORKSPACE = `
  # --- deploy/service.yaml
  apiVersion: v1
  kind: Service
  metadata: {name: web}
  spec:
    selector: {app: web}
    ports: [{port: 80, targetPort: 8080}]
  # --- deploy/deployment.yaml
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        containers: [{name: web, ports: [{containerPort: 8080}]}]
  # --- pkg/testdata/case-a.yaml
  apiVersion: v1
  kind: Service
  metadata: {name: api}
  spec:
    selector: {app: api}
    ports: [{port: 80, targetPort: 9000}]
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: api}
  spec:
    selector: {matchLabels: {app: api}}
    template:
      metadata: {labels: {app: api}}
      spec:
        containers: [{name: api, ports: [{containerPort: 9000}]}]
  # --- pkg/testdata/case-b.yaml
  apiVersion: v1
  kind: Service
  metadata: {name: api}
  spec:
    selector: {app: api}
    ports: [{port: 80, targetPort: 7000}]
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: api}
  spec:
    selector: {matchLabels: {app: api}}
    template:
      metadata: {labels: {app: api}}
      spec:
        containers: [{name: api, ports: [{containerPort: 7000}]}]
  # --- tests/e2e/smoke/chainsaw-test.yaml
  apiVersion: chainsaw.kyverno.io/v1alpha1
  kind: Test
  metadata: {name: smoke}
  # --- tests/e2e/smoke/pod-fail.yaml
  apiVersion: v1
  kind: Pod
  metadata: {name: bad-pod}
  spec:
    containers: [{name: web, ports: [{containerPort: 80, hostPort: 80}]}]
`;

describe('portchain check and fixtures', () => {
  test('left out by default: the summary counts them and says how to include them', () => {
    const { dir } = writeFixture(WORKSPACE);
    const run = runCli(['check', '.'], dir);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(run.stdout.trim(), 'no problems in 2 files (2 resources); 4 fixture files left out (test data, golden outputs, e2e assertions: --include-fixtures checks each on its own)');
    const json = JSON.parse(runCli(['check', '.', '--format', 'json'], dir).stdout);
    assert.equal(json.fixturesLeftOut, 4);
  });

  test('--include-fixtures checks each one as a unit of its own, never crossed with another', () => {
    const { dir } = writeFixture(WORKSPACE);
    const json = JSON.parse(runCli(['check', '.', '--include-fixtures', '--format', 'json'], dir).stdout);
    assert.equal(json.fixturesLeftOut, 0);
    assert.equal(json.files, 6);
    // Each case's Service meets only its own Deployment, so both are fine; the e2e pod gets its advice.
    assert.deepEqual(
      json.findings.map((finding: { rule: string; file: string; line: number; column: number }) => `${finding.rule} ${finding.file}:${finding.line}:${finding.column}`),
      ['host-port tests/e2e/smoke/pod-fail.yaml:5:66'],
    );
    assert.equal(json.resources, 8);
  });

  test('a settings file can include them too', () => {
    const { dir } = writeFixture(`${WORKSPACE}
  # --- .portchain.json
  {"includeFixtures": true}
`);
    const json = JSON.parse(runCli(['check', '.', '--format', 'json'], dir).stdout);
    assert.equal(json.fixturesLeftOut, 0);
    assert.equal(json.findings.length, 1);
  });

  test('a fixture named on the command line is checked', () => {
    const { dir } = writeFixture(WORKSPACE);
    const json = JSON.parse(runCli(['check', 'tests/e2e/smoke/pod-fail.yaml', '--format', 'json'], dir).stdout);
    assert.equal(json.fixturesLeftOut, 0);
    assert.deepEqual(json.findings.map((finding: { rule: string }) => finding.rule), ['host-port']);
  });
});
