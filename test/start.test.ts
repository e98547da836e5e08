// `npm start`'s command line, before it builds or starts anything: --help documents every option,
// and a wrong option, a second folder or a folder that is not there gets one line saying what is
// wrong (exit 2), never a stack trace. test/e2e/ui/start.test.ts runs `npm start -- FOLDER` for real.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { repositoryRoot } from './support/readme';

function start(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['scripts/start.mjs', ...args], { cwd: repositoryRoot(), encoding: 'utf8', env: { ...process.env, INIT_CWD: repositoryRoot() }, timeout: 30_000 });
}

describe('npm start: the command line', () => {
  test('--help (and -h) prints the usage with every option, and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const result = start(flag);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^Usage: npm start \[-- \[FOLDER\] \[--server\] \[--port N\] \[--help\]\]/);
      for (const option of ['FOLDER', '--server', '--port N', '-h, --help']) assert.match(result.stdout, new RegExp(`^  ${option}\\s+\\S`, 'm'), `--help documents ${option}`);
      assert.equal(result.stderr, '');
    }
  });

  for (const [args, message] of [
    [['--bogus'], 'unknown option --bogus'],
    [['examples', 'docs'], 'one folder at most, not 2 (examples, docs)'],
    [['no-such-folder'], /^no-such-folder does not exist \(\/.*\/no-such-folder\)$/],
    [['README.md'], 'README.md is not a folder; open the folder that holds it'],
    [['--port', 'eighty'], '--port takes a port number from 0 to 65535, not "eighty"'],
    [['--port'], '--port <value> needs a value'],
  ] as const) {
    test(`npm start -- ${args.join(' ')}: one line saying what is wrong, exit 2`, () => {
      const result = start(...args);
      assert.equal(result.status, 2);
      assert.equal(result.stdout, '');
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      const [, what] = /^\[start\] (.*) \(npm start -- --help lists the options\)$/.exec(lines[0]) ?? [];
      assert.ok(what, lines[0]);
      if (typeof message === 'string') assert.equal(what, message);
      else assert.match(what, message);
    });
  }
});
