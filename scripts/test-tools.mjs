// The programs some tests run besides node: Neovim and Emacs with eglot (test/neovim, test/emacs
// drive the language server from them), pre-commit (test/package runs the repository's hook) and
// chromium (test/cli/graph.test.ts renders the Mermaid output in it).
// `npm test` installs the missing ones from Debian before the tests start, as `npm start` does
// for chromium, so that the README's test command passes where only Node and npm are installed.
// Where it cannot (no apt-get, not root and no password-less sudo) it stops with the command to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ProvisionError, installAptPackages } from './vscode/provision.mjs';

/** Each tool: the test folder that needs it, how to tell it is there, and the Debian packages that bring it. */
export const TEST_TOOLS = [
  { tests: 'test/neovim/', name: 'Neovim', packages: ['neovim'], present: () => succeeds('nvim', ['--version']) },
  {
    tests: 'test/emacs/',
    name: 'Emacs with eglot and yaml-mode',
    packages: ['emacs-nox', 'elpa-eglot', 'elpa-yaml-mode'],
    present: () => succeeds('emacs', ['--batch', '--eval', "(progn (require 'eglot) (require 'yaml-mode))"]),
  },
  { tests: 'test/package/', name: 'pre-commit', packages: ['pre-commit'], present: () => succeeds('pre-commit', ['--version']) },
  // The e2e stage provisions chromium too, but the unit stage comes first.
  { tests: 'test/cli/graph', name: 'Chromium', packages: ['chromium'], present: () => existsSync(process.env.CHROMIUM || '/usr/bin/chromium') },
];

/**
 * Installs the tools that the given test files need and this machine lacks; returns the packages
 * it installed. Throws a ProvisionError (its message names the command) where it cannot.
 */
export function provisionTestTools(testFiles, log = (line) => console.log(`[test] ${line}`)) {
  const missing = TEST_TOOLS.filter((tool) => testFiles.some((file) => file.startsWith(tool.tests)) && !tool.present());
  if (missing.length === 0) return [];
  const packages = missing.flatMap((tool) => tool.packages);
  const why = `: ${missing.map((tool) => `${tool.tests} runs ${tool.name}`).join(', ')}`;
  installAptPackages(packages, log, why);
  const stillMissing = missing.filter((tool) => !tool.present());
  if (stillMissing.length > 0) throw new ProvisionError(`apt-get installed ${packages.join(' ')}, but ${stillMissing.map((tool) => tool.name).join(' and ')} still do not run`);
  return packages;
}

function succeeds(command, args) {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}
