// The module VS Code loads as extensionTestsPath: it calls run() inside the real extension host,
// the same way in the offline VS Code server (scripts/vscode/run-e2e.mjs) and in a downloaded
// desktop VS Code (scripts/vscode/run-e2e-electron.mjs), and ends the run with its outcome.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { RESTRICTED_SUITE } from './helpers';

/** What the runners look for in the extension host's console: every line of the report starts with it (scripts/vscode/e2e.mjs has the same). */
export const REPORT_PREFIX = '[e2e]';

interface MochaRunner {
  run(done: (failures: number) => void): void;
  addFile(path: string): void;
  grep(pattern: string | RegExp): MochaRunner;
}

/** Runs every *.test.js next to this file with mocha; rejects when any test fails. */
export async function run(): Promise<void> {
  // Stack traces of failures point into test/e2e/suite/*.ts (the bundles carry inline source maps).
  process.setSourceMapsEnabled(true);
  const Mocha = require('mocha');
  // The report goes to the extension host's console, which the runner reads among everything else
  // the workbench logs: one formatted string per line (the console passes arguments on unformatted),
  // marked with the prefix.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(`${REPORT_PREFIX} ${format(...args)}`);
  const mocha: MochaRunner = new Mocha({ ui: 'tdd', reporter: 'spec', color: false, timeout: 60_000 });
  // The Restricted Mode suite needs an untrusted folder, every other suite a trusted one: the
  // runner says which window this is (scripts/vscode/run-e2e.mjs). PORTCHAIN_E2E_GREP narrows either.
  const suites = process.env.PORTCHAIN_E2E_RESTRICTED === '1' ? `^${RESTRICTED_SUITE} ` : `^(?!${RESTRICTED_SUITE} )`;
  const wanted = (process.env.PORTCHAIN_E2E_GREP ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  mocha.grep(new RegExp(`${suites}.*${wanted}`));
  for (const name of readdirSync(__dirname).filter((file) => file.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, name));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} e2e ${failures === 1 ? 'test' : 'tests'} failed`);
}
