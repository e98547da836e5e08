// Helpers for the CLI tests: fixtures written to a temporary folder, and the real bundled
// `dist/cli.js` run in it as a child process, the way CI runs it.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after } from 'node:test';
import { parseFixture, type Expectation, type Fixture } from '../support/fixture';

/** The repository root: tests are bundled to out/test/cli/, three levels below it. */
export const REPO_ROOT = findRepoRoot(__dirname);
export const CLI = join(REPO_ROOT, 'dist', 'cli.js');

function findRepoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'scripts', 'build.mjs'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${from}`);
    dir = parent;
  }
  return dir;
}

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A new empty temporary folder, removed when the test file ends. */
export function tempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'portchain-cli-')));
  made.push(dir);
  return dir;
}

/** Writes a fixture's files below `dir` (a new temporary folder by default). */
export function writeFixture(source: string, options: { crlf?: boolean; dir?: string } = {}): { dir: string; fixture: Fixture } {
  const fixture = parseFixture(source, { crlf: options.crlf });
  const dir = options.dir ?? tempDir();
  for (const file of fixture.files) writeFile(dir, file.path, file.text);
  return { dir, fixture };
}

export function writeFile(dir: string, path: string, content: string | Uint8Array): void {
  const absolute = resolve(dir, path);
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, content);
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js <args>` in `cwd`, with no colour variables unless `env` sets them. */
export function runCli(args: readonly string[], cwd: string, env: Record<string, string> = {}): CliRun {
  const base = { ...process.env };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A marker as the text format prints it: `file:line:col severity rule`. */
export function textPrefix(expectation: Expectation): string {
  return `${expectation.path}:${expectation.line + 1}:${expectation.startCharacter + 1} ${expectation.severity} ${expectation.rule} `;
}

/** A marker in the JSON format's terms (1-based, exclusive end column). */
export function jsonPlace(expectation: Expectation) {
  return {
    rule: expectation.rule,
    severity: expectation.severity,
    file: expectation.path,
    line: expectation.line + 1,
    column: expectation.startCharacter + 1,
    endLine: expectation.line + 1,
    endColumn: expectation.endCharacter + 1,
  };
}
