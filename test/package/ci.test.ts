// The README's CI recipes, as written (read out of README.md), with a local release of this
// checkout in place of GitHub: the workflow's portchain step run with the repository's action.yml
// the way a runner runs a composite action, the plain shell recipe with a tarball, and the
// pre-commit configuration with Debian's pre-commit (`npm test` installs it where it is missing).
// Each must fail on a broken link, pass a mended one, and fail loudly when portchain cannot run.

import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { readmeBlock, repositoryRoot } from '../support/readme';
import { BROKEN_FINDING, BROKEN_MANIFESTS, CLEAN_MANIFESTS, REPOSITORY_URL, TARBALL, run, runOk, scratchDir, stageRepository, userEnv } from './release';

const TEST = 'test/package/ci.test.ts';

/** A git repository of the user's, holding `manifests`. */
function userRepository(name: string, manifests: Record<string, string>): string {
  const dir = scratchDir(name);
  runOk('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  writeManifests(dir, manifests);
  return dir;
}

function writeManifests(dir: string, manifests: Record<string, string>): void {
  mkdirSync(join(dir, 'k8s'), { recursive: true });
  for (const [file, text] of Object.entries(manifests)) writeFileSync(join(dir, 'k8s', file), text);
}

interface ActionStep {
  name: string;
  id?: string;
  shell: string;
  run: string;
  env?: Record<string, string>;
}

interface ActionRun {
  status: number;
  log: string;
  outputs: Record<string, string>;
}

/**
 * Runs the steps of action.yml (from `first` on) as a runner runs a composite action: each `run`
 * with `bash --noprofile --norc -eo pipefail`, in the workspace, with GITHUB_ACTION_PATH,
 * GITHUB_WORKSPACE and GITHUB_OUTPUT set and `${{ inputs.* }}` in `env` evaluated; the first step
 * that fails ends the run, and its status is the job's.
 */
function runAction(actionPath: string, workspace: string, withInputs: Record<string, unknown>, first = 0): ActionRun {
  const action = parse(readFileSync(join(actionPath, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: ActionStep[] };
  };
  assert.equal(action.runs.using, 'composite');
  for (const name of Object.keys(withInputs)) assert.ok(name in action.inputs, `the workflow gives input ${name}, which action.yml does not declare`);
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, String(withInputs[name] ?? input.default ?? '')]));
  const expression = (text: string) => text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => inputs[name] ?? '');
  const steps = action.runs.steps.slice(first);
  const outputs: Record<string, string> = {};
  let log = '';
  for (const [index, step] of steps.entries()) {
    assert.equal(step.shell, 'bash');
    // Expressions in a script would be pasted into the shell unquoted; the action passes inputs through env only.
    assert.ok(!step.run.includes('${{'), `step "${step.name}" has an expression in its script`);
    const outputFile = join(scratchDir('github-output'), 'output');
    writeFileSync(outputFile, '');
    const script = join(scratchDir('github-step'), `step-${index}.sh`);
    writeFileSync(script, step.run);
    const env = userEnv({
      CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_ACTION_PATH: actionPath, GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outputFile,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, expression(value)])),
    });
    const result = run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: workspace, env });
    log += `${result.stdout}${result.stderr}`;
    if (step.id) {
      for (const line of readFileSync(outputFile, 'utf8').split('\n').filter(Boolean)) {
        const [name, ...value] = line.split('=');
        outputs[`steps.${step.id}.outputs.${name}`] = value.join('=');
      }
    }
    if (result.status !== 0) return { status: result.status ?? 1, log, outputs: actionOutputs() };
  }
  return { status: 0, log, outputs: actionOutputs() };

  function actionOutputs(): Record<string, string> {
    return Object.fromEntries(Object.entries(action.outputs).map(([name, output]) => [name, output.value.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/, (_, path: string) => outputs[path] ?? '')]));
  }
}

/** The SARIF results portchain wrote: rule and file of each. */
function sarifResults(path: string): string[] {
  const sarif = JSON.parse(readFileSync(path, 'utf8')) as { version: string; runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
  assert.equal(sarif.version, '2.1.0');
  return sarif.runs.flatMap((each) => each.results.map((result) => `${result.ruleId} ${result.locations[0].physicalLocation.artifactLocation.uri}`));
}

describe("the README's CI recipes", { timeout: 600_000 }, () => {
  let release: { dir: string; url: string };
  before(() => {
    release = stageRepository();
  });

  test('GitHub Actions: the workflow step with action.yml fails the job on a broken link with the SARIF written, passes a mended one, and fails without a report when portchain cannot run', () => {
    const workflow = parse(readmeBlock(TEST, 'workflow').code) as { steps: { uses?: string; with?: Record<string, unknown>; if?: string }[] };
    const step = workflow.steps.find((each) => each.uses?.startsWith('portchain/portchain@'));
    assert.ok(step?.with, `the workflow has no portchain/portchain step: ${JSON.stringify(workflow.steps)}`);
    const sarifFile = String(step.with.output);
    const upload = workflow.steps.find((each) => each.uses?.startsWith('github/codeql-action/upload-sarif@'));
    assert.equal(upload?.with?.sarif_file, sarifFile, 'the upload step uploads the report the portchain step writes');
    assert.match(upload?.if ?? '', new RegExp(`hashFiles\\('${sarifFile}'\\)`), 'the upload step runs only where the report was written');

    const workspace = userRepository('workspace', BROKEN_MANIFESTS);
    const broken = runAction(release.dir, workspace, step.with);
    assert.equal(broken.status, 1, broken.log);
    assert.equal(broken.outputs['exit-code'], '1');
    assert.match(broken.log, /::error title=portchain::portchain check found broken port links \(report: portchain\.sarif\)/);
    assert.match(broken.log, BROKEN_FINDING, 'the log shows the finding as text');
    assert.deepEqual(sarifResults(join(workspace, sarifFile)), ['target-port-mismatch k8s/service.yaml']);

    // The action's checkout is built now: the next runs start at the check step.
    const checkStep = 1;
    writeManifests(workspace, CLEAN_MANIFESTS);
    const clean = runAction(release.dir, workspace, step.with, checkStep);
    assert.equal(clean.status, 0, clean.log);
    assert.equal(clean.outputs['exit-code'], '0');
    assert.deepEqual(sarifResults(join(workspace, sarifFile)), []);

    const crashed = userRepository('crashed', BROKEN_MANIFESTS);
    const failed = runAction(release.dir, crashed, { ...step.with, paths: 'no-such-folder' }, checkStep);
    assert.equal(failed.status, 2, failed.log);
    assert.equal(failed.outputs['exit-code'], '2');
    assert.match(failed.log, /no-such-folder/);
    assert.match(failed.log, /::error title=portchain::portchain check could not run \(exit 2\)/);
    assert.deepEqual(readdirSync(crashed).filter((name) => name.startsWith('portchain')), [], 'no report is left to upload');
  });

  test('any CI with a tarball: the script stops on a broken link with the SARIF written, and passes a mended one', () => {
    const tarballs = scratchDir('tarball');
    // The tarball of this checkout as npm pack makes it (dist/ is built by the test run).
    runOk('npm', ['pack', '--ignore-scripts', '--pack-destination', tarballs], { cwd: repositoryRoot() });
    const recipe = readmeBlock(TEST, 'this block');
    assert.equal(recipe.language, 'sh');
    for (const [name, manifests, status, results] of [
      ['broken', BROKEN_MANIFESTS, 1, ['target-port-mismatch k8s/service.yaml']],
      ['clean', CLEAN_MANIFESTS, 0, []],
    ] as const) {
      const workspace = userRepository(`any-ci-${name}`, manifests);
      copyFileSync(join(tarballs, TARBALL), join(workspace, TARBALL));
      const global = join(scratchDir('global'), 'prefix');
      const result = run('bash', ['-c', recipe.code], { cwd: workspace, env: userEnv({ npm_config_prefix: global }, [join(global, 'bin')]) });
      assert.equal(result.status, status, `${name}:\n${result.stdout}\n${result.stderr}`);
      assert.deepEqual(sarifResults(join(workspace, 'portchain.sarif')), results);
    }
  });

  test('pre-commit: the configuration and commands as written; a commit with a broken link is refused, the mended one goes in', () => {
    const project = userRepository('pre-commit', BROKEN_MANIFESTS);
    const config = readmeBlock(TEST, '.pre-commit-config.yaml');
    assert.ok(config.code.includes(REPOSITORY_URL));
    writeFileSync(join(project, '.pre-commit-config.yaml'), config.code.replaceAll(REPOSITORY_URL, release.url));
    // pre-commit's environments go to a folder of the test's, not ~/.cache/pre-commit.
    const env = userEnv({ PRE_COMMIT_HOME: join(scratchDir('pre-commit-home'), 'cache') });
    const commands = readmeBlock(TEST, 'commands beside it');
    runOk('bash', ['-e', '-c', commands.code], { cwd: project, env });
    const pinned = parse(readFileSync(join(project, '.pre-commit-config.yaml'), 'utf8')) as { repos: { repo: string; rev: string }[] };
    assert.match(pinned.repos[0].rev, /^[0-9a-f]{40}$/, 'autoupdate --freeze pinned a commit id');

    runOk('git', ['add', '-A'], { cwd: project, env });
    const refused = run('git', ['commit', '-m', 'A Service'], { cwd: project, env });
    const output = `${refused.stdout}\n${refused.stderr}`;
    assert.equal(refused.status, 1, output);
    assert.match(output, /portchain check\.+Failed/);
    assert.match(output, BROKEN_FINDING);
    assert.equal(run('git', ['rev-parse', '--verify', 'HEAD'], { cwd: project, env }).status, 128, 'nothing was committed');

    writeManifests(project, CLEAN_MANIFESTS);
    runOk('git', ['add', '-A'], { cwd: project, env });
    const accepted = runOk('git', ['commit', '-m', 'A Service'], { cwd: project, env });
    assert.match(`${accepted.stdout}\n${accepted.stderr}`, /portchain check\.+Passed/);
    assert.ok(existsSync(join(project, '.git', 'hooks', 'pre-commit')));
  });
});
