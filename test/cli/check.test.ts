// `portchain check` exit statuses, settings files and which files it reads, run as CI runs it.

import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { runCheck } from '../../server/src/cli/check';
import { PARALLEL_MIN_FILES, readInParallel, workerCount } from '../../server/src/cli/parallelRead';
import { readInOrder, readTextFromDisk } from '../../server/src/cli/scan';
import { CLI, REPO_ROOT, runCli, tempDir, textPrefix, writeFile, writeFixture } from './run';

const SERVICE = `
  # --- apps/service.yaml
  apiVersion: v1
  kind: Service
  metadata: {name: web}
  spec:
    selector: {app: web}
    ports:
      - port: 80
        targetPort: 8081
  #                 ^^^^ error target-port-mismatch: Deployment web (apps/deploy.yaml) declares no containerPort 8081
`;

const DEPLOYMENT = `
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
            ports: [{name: http, containerPort: 8080}]
`;

const BROKEN = SERVICE + DEPLOYMENT;
const CLEAN = BROKEN.replace('targetPort: 8081', 'targetPort: 8080').replace(/^.*\^\^\^\^.*$/m, '');

/** The one line a bad usage prints first, with no stack trace after it. */
function assertUsageError(run: { status: number | null; stdout: string; stderr: string }, message: RegExp): void {
  assert.equal(run.status, 2, run.stdout + run.stderr);
  assert.equal(run.stdout, '');
  assert.match(run.stderr.split('\n')[0], message);
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
}

describe('exit status', () => {
  test('0 for a clean folder, 1 when a finding has error severity', () => {
    assert.equal(runCli(['check'], writeFixture(CLEAN).dir).status, 0);
    assert.equal(runCli(['check'], writeFixture(BROKEN).dir).status, 1);
  });

  test('2 and one line on stderr for a path that does not exist', () => {
    const { dir } = writeFixture(CLEAN);
    assertUsageError(runCli(['check', 'apps', 'nowhere/else.yaml'], dir), /^portchain: nowhere\/else\.yaml: no such file or directory$/);
  });

  test('2 for an unknown flag, an unknown format or a flag without its value', () => {
    const { dir } = writeFixture(CLEAN);
    assertUsageError(runCli(['check', '--strict'], dir), /^portchain: unknown option --strict$/);
    assertUsageError(runCli(['check', '--format', 'xml'], dir), /^portchain: unknown format "xml" \(known: text, json, sarif\)$/);
    assertUsageError(runCli(['check', '--config'], dir), /^portchain: --config needs a file name$/);
    assertUsageError(runCli(['lint'], dir), /^portchain: unknown command "lint"/);
  });

  test('no command prints the usage on stderr and exits 2; --help prints it on stdout', () => {
    const { dir } = writeFixture(CLEAN);
    const bare = runCli([], dir);
    assert.equal(bare.status, 2);
    assert.equal(bare.stdout, '');
    assert.match(bare.stderr, /^Usage: portchain check \[PATH…\]/);
    for (const args of [['--help'], ['check', '--help'], ['-h']]) {
      const help = runCli(args, dir);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /^Usage: portchain check \[PATH…\]/);
      assert.match(help.stdout, /--format text\|json\|sarif/);
    }
  });

  test('--version prints the version of package.json', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = runCli(['--version'], tempDir());
    assert.equal(run.status, 0);
    assert.equal(run.stdout, `${version}\n`);
  });

  test('package.json runs dist/cli.js as the portchain command, and the bundle starts with a shebang', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.equal(join(REPO_ROOT, manifest.bin.portchain), CLI);
    assert.match(readFileSync(CLI, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });
});

describe('settings file', () => {
  test('a rule turned off or down to a warning changes the exit status, as in the editor', () => {
    const { dir } = writeFixture(BROKEN);
    writeFile(dir, '.portchain.json', JSON.stringify({ rules: { 'target-port-mismatch': 'off' } }));
    const off = runCli(['check'], dir);
    assert.equal(off.status, 0, off.stdout);
    assert.equal(off.stdout, 'no problems in 2 files (2 resources)\n');

    writeFile(dir, '.portchain.json', JSON.stringify({ rules: { 'target-port-mismatch': 'warning' } }));
    const warning = runCli(['check'], dir);
    assert.equal(warning.status, 0, warning.stdout);
    assert.ok(warning.stdout.startsWith('apps/service.yaml:8:19 warning target-port-mismatch '), warning.stdout);
  });

  test('a YAML settings file, and --config naming another file', () => {
    const { dir } = writeFixture(BROKEN);
    writeFile(dir, '.portchain.yaml', 'rules:\n  target-port-mismatch: info\n');
    const info = runCli(['check'], dir);
    assert.equal(info.status, 0);
    assert.match(info.stdout, /^apps\/service\.yaml:8:19 info target-port-mismatch /);
    assert.match(info.stdout, /\n1 info in 2 files \(2 resources\)\n$/, 'the settings file is not read as a manifest');
    writeFile(dir, 'ci/strict.json', '{"rules": {"target-port-mismatch": "error"}}');
    assert.equal(runCli(['check', '--config', 'ci/strict.json'], dir).status, 1);
  });

  test('exclude globs are relative to the settings file, whichever folder is checked', () => {
    const { dir } = writeFixture(BROKEN);
    writeFile(dir, 'legacy/old.yaml', readFileSync(join(dir, 'apps/service.yaml'), 'utf8').replace('name: web', 'name: old'));
    writeFile(dir, '.portchain.json', JSON.stringify({ exclude: ['legacy/**'] }));
    const all = runCli(['check', '--format', 'json'], dir);
    const files = JSON.parse(all.stdout).findings.map((finding: { file: string }) => finding.file);
    assert.deepEqual(files, ['apps/service.yaml']);
    const named = JSON.parse(runCli(['check', 'legacy', '--format', 'json'], dir).stdout);
    assert.equal(named.files, 0);
  });

  test('operators described in the settings file link what they create; a bad entry is bad usage', () => {
    const { dir } = writeFixture(`
      # --- app/ingress.yaml
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: db, namespace: apps}
      spec:
        defaultBackend:
          service: {name: orders-primary, port: {number: 5433}}
      # --- app/own.yaml
      apiVersion: v1
      kind: Service
      metadata: {name: own, namespace: apps}
      spec:
        ports: [{port: 80}]
      # --- app/database.yaml
      apiVersion: db.example.com/v1
      kind: MyDatabase
      metadata: {name: orders, namespace: apps}
      spec: {}
    `);
    assert.equal(runCli(['check'], dir).status, 0, 'undescribed, the operator may create the Service');
    writeFile(dir, '.portchain.json', JSON.stringify({ operators: [{ kind: 'MyDatabase', group: 'db.example.com', services: [{ name: '{name}-primary', ports: [{ name: 'pg', port: 5432 }] }] }] }));
    const described = runCli(['check'], dir);
    assert.equal(described.status, 1, described.stdout);
    assert.match(described.stdout, /^app\/ingress\.yaml:6:52 error ingress-port-mismatch Ingress db sends to Service orders-primary port 5433, but Service orders-primary \(created by MyDatabase orders\)/);
    writeFile(dir, '.portchain.json', JSON.stringify({ operators: [{ kind: 'MyDatabase' }] }));
    assertUsageError(runCli(['check'], dir), /^portchain: \.portchain\.json: operators\[0\]: "services" must be a list/);
  });

  test('bad settings are bad usage: exit 2 with one line per problem', () => {
    const { dir } = writeFixture(BROKEN);
    writeFile(dir, '.portchain.json', '{"rules": {"target-port-mismatch": "fatal", "no-such-rule": "off"}, "nodePortRange": {"min": 5}}');
    const run = runCli(['check'], dir);
    assertUsageError(run, /^portchain: \.portchain\.json: rule "target-port-mismatch": "fatal" is not one of error, warning, info, off$/);
    assert.match(run.stderr, /^portchain: \.portchain\.json: unknown rule "no-such-rule"/m);
    assert.match(run.stderr, /^portchain: \.portchain\.json: "nodePortRange" must be/m);

    writeFile(dir, '.portchain.json', '{"rules": {');
    assertUsageError(runCli(['check'], dir), /^portchain: the settings file \.portchain\.json is not valid JSON: /);
    writeFile(dir, '.portchain.json', '{"rule": {}}');
    assertUsageError(runCli(['check'], dir), /^portchain: \.portchain\.json: unknown key "rule"/);
    rmSync(join(dir, '.portchain.json'));
    writeFile(dir, '.portchain.yaml', 'rules: [a\n');
    assertUsageError(runCli(['check'], dir), /^portchain: the settings file \.portchain\.yaml is not valid YAML: /);
    assertUsageError(runCli(['check', '--config', 'missing.json'], dir), /^portchain: cannot read the settings file missing\.json: no such file or directory$/);
  });
});

describe('files', () => {
  test('findings are computed over all given paths together', () => {
    const { dir, fixture } = writeFixture(SERVICE + DEPLOYMENT.replace('apps/deploy.yaml', 'workloads/deploy.yaml'));
    const both = runCli(['check', 'apps/service.yaml', 'workloads'], dir);
    assert.equal(both.status, 1);
    assert.ok(both.stdout.startsWith(textPrefix(fixture.expectations[0])), both.stdout);
    assert.match(both.stdout, /\n1 error in 2 files \(2 resources\)\n$/);
    // Alone, the Service selects pods the workspace does not hold: unknown, never broken.
    const alone = runCli(['check', 'apps'], dir);
    assert.equal(alone.status, 0, alone.stdout);
    assert.equal(alone.stdout, 'no problems in 1 file (1 resource)\n');
  });

  test('a binary file and a malformed YAML file are notes, and the run goes on', () => {
    const { dir } = writeFixture(BROKEN);
    writeFile(dir, 'data/blob.yaml', Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x00, 0x01, 0x02, 0xff]));
    writeFile(dir, 'data/broken.yml', 'apiVersion: v1\nkind: Service\nmetadata: {name: [oops\n');
    const run = runCli(['check'], dir);
    assert.equal(run.status, 1);
    const lines = run.stdout.split('\n');
    assert.ok(lines.includes('data/blob.yaml:1:1 note not read: the file holds binary data, not YAML text'), run.stdout);
    assert.ok(lines.some((line) => /^data\/broken\.yml:\d+:\d+ note YAML document 1 was not read: /.test(line)), run.stdout);
    assert.ok(lines.some((line) => line.startsWith('apps/service.yaml:8:19 error target-port-mismatch ')), run.stdout);
    assert.equal(lines.at(-2), '1 error in 4 files (2 resources), 2 notes');
    const json = JSON.parse(runCli(['check', '--format', 'json'], dir).stdout);
    assert.deepEqual(
      json.notes.map((note: { file: string; line: number; column: number }) => note.file),
      ['data/blob.yaml', 'data/broken.yml'],
    );
  });

  test('node_modules, .git and files that are not YAML are skipped', () => {
    const { dir } = writeFixture(CLEAN);
    writeFile(dir, 'node_modules/chart/service.yaml', readFileSync(join(dir, 'apps/service.yaml'), 'utf8').replace('8080', '8081'));
    writeFile(dir, 'apps/.git/config.yaml', 'a: [');
    writeFile(dir, 'apps/notes.txt', 'kind: Service\n');
    const run = runCli(['check'], dir);
    assert.equal(run.status, 0, run.stdout);
    assert.equal(run.stdout, 'no problems in 2 files (2 resources)\n');
    // Named on the command line, the skipped Service is read, and it is broken.
    assert.equal(runCli(['check', '.', 'node_modules/chart/service.yaml'], dir).status, 1);
  });

  test('a file named on the command line is read whatever its extension, and only once', () => {
    const { dir } = writeFixture(BROKEN);
    writeFile(dir, 'rendered.out', readFileSync(join(dir, 'apps/service.yaml'), 'utf8').replace('name: web', 'name: rendered'));
    const run = JSON.parse(runCli(['check', '.', 'apps/service.yaml', 'rendered.out', '--format', 'json'], dir).stdout);
    assert.equal(run.files, 3);
    assert.deepEqual(run.findings.map((finding: { file: string }) => finding.file), ['apps/service.yaml', 'rendered.out']);
  });

  test('a file that vanishes during the scan is a note, and the run goes on', async () => {
    const { dir } = writeFixture(BROKEN);
    writeFile(dir, 'apps/gone.yaml', 'kind: ConfigMap\n');
    const outcome = await runCheck({
      paths: ['.'],
      config: undefined,
      cwd: dir,
      read: async (uri) => {
        if (uri.endsWith('/gone.yaml')) rmSync(fileURLToPath(uri));
        return readTextFromDisk(uri);
      },
    });
    assert.ok('report' in outcome);
    assert.deepEqual(
      outcome.report.notes.map((note) => `${note.place.file}:${note.place.line}:${note.place.column} ${note.kind} ${note.message}`),
      ['apps/gone.yaml:1:1 unreadable not read: the file was removed during the scan'],
    );
    assert.deepEqual(outcome.report.findings.map((finding) => `${finding.place.file} ${finding.rule}`), ['apps/service.yaml target-port-mismatch']);
    assert.equal(outcome.report.files, 2);
  });

  test('files are read with bounded concurrency and taken in listing order', async () => {
    const uris = Array.from({ length: 40 }, (_, index) => `file:///ws/${String(index).padStart(2, '0')}.yaml`);
    let inFlight = 0;
    let mostInFlight = 0;
    const taken: string[] = [];
    await readInOrder(
      uris,
      async (uri) => {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        // Later files finish first, so order has to be restored.
        await new Promise((done) => setTimeout(done, 40 - Number(uri.slice(-7, -5))));
        inFlight--;
        return { text: uri };
      },
      4,
      (uri, outcome) => taken.push(`${uri}=${'text' in outcome ? outcome.text : 'note'}`),
    );
    assert.equal(mostInFlight, 4);
    assert.deepEqual(taken, uris.map((uri) => `${uri}=${uri}`));
  });

  test('a scan on several threads reports exactly what a scan on one thread does', () => {
    const dir = tempDir();
    cpSync(join(REPO_ROOT, 'examples'), dir, { recursive: true });
    // Enough files for several batches per thread, a CRLF file, a binary file and a malformed one.
    const service = readFileSync(join(REPO_ROOT, 'examples/shop/service.yaml'), 'utf8');
    for (let index = 0; index < 150; index++) writeFile(dir, `many/service-${index}.yaml`, service.replace(/name: (\S+)/, `name: $1-${index}`));
    writeFile(dir, 'many/crlf.yaml', service.replace(/\n/g, '\r\n'));
    writeFile(dir, 'many/blob.yaml', Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x00, 0x01]));
    writeFile(dir, 'many/broken.yaml', 'kind: Service\nmetadata: {name: [oops\n');
    const one = runCli(['check', '--format', 'json'], dir, { PORTCHAIN_THREADS: '1' });
    const three = runCli(['check', '--format', 'json'], dir, { PORTCHAIN_THREADS: '3' });
    assert.equal(three.status, one.status);
    assert.equal(three.stderr, '');
    assert.equal(three.stdout, one.stdout);
    const report = JSON.parse(three.stdout);
    assert.ok(report.files > 150 && report.findings.length > 0, three.stdout.slice(0, 400));
    assert.deepEqual(report.notes.map((note: { file: string }) => note.file).filter((file: string) => file.startsWith('many/')), ['many/blob.yaml', 'many/broken.yaml']);
  });

  test('threads: none below 200 files, one per core but the main thread above, PORTCHAIN_THREADS counting the main thread', () => {
    assert.equal(workerCount(PARALLEL_MIN_FILES - 1, {}), 0);
    assert.equal(workerCount(50_000, {}), Math.max(0, Math.min(availableParallelism() - 1, 3)));
    assert.equal(workerCount(50_000, { PORTCHAIN_THREADS: '1' }), 0);
    assert.equal(workerCount(50_000, { PORTCHAIN_THREADS: '0' }), 0);
    assert.equal(workerCount(10, { PORTCHAIN_THREADS: '3' }), 2);
    assert.equal(workerCount(10, { PORTCHAIN_THREADS: 'many' }), 0);
  });

  test('batches of a worker thread that fails are read on the main thread, in order', async () => {
    const dir = tempDir();
    const uris = Array.from({ length: 100 }, (_, index) => {
      writeFile(dir, `${String(index).padStart(3, '0')}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${index}}\ndata: {PORT: "80"}\n`);
      return pathToFileURL(join(dir, `${String(index).padStart(3, '0')}.yaml`)).href;
    });
    const taken: string[] = [];
    await readInParallel(uris, 2, join(dir, 'no-such-worker.js'), (uri, outcome) => {
      taken.push(`${uri} ${'file' in outcome ? outcome.file?.resources[0]?.name?.value : 'not read'}`);
    });
    assert.deepEqual(taken, uris.map((uri, index) => `${uri} c${index}`));
  });

  test('a folder given as a path is read relative to the current directory, and files outside it keep ../', () => {
    const { dir } = writeFixture(BROKEN);
    const run = runCli(['check', '..', '--format', 'json'], join(dir, 'apps'));
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.findings.map((finding: { file: string }) => finding.file), ['service.yaml']);
    const outside = runCli(['check', join(dir, 'apps')], tempDir());
    assert.match(outside.stdout, /^\.\.\/.*apps\/service\.yaml:8:19 error target-port-mismatch /);
  });
});
