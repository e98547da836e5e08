// `npm start -- FOLDER` as a person runs it from the folder above FOLDER: the URL it prints opens
// that folder with portchain loaded (its problems in the status bar); a second browser window gets
// an extension host of its own, which stops once that window is closed; Ctrl-C stops the server's
// whole process group. It runs the real `npm start` (build, provision check, server), with its
// window state in a folder of the test's instead of the checkout's .cache/vscode-start.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { launchBrowser } from '../../../scripts/vscode/browser.mjs';
import { Workbench } from './workbench';

/** The checkout: scripts/vscode/run-ui.mjs runs the UI tests in it. */
const REPO_ROOT = process.cwd();
assert.ok(existsSync(join(REPO_ROOT, 'scripts', 'start.mjs')), `${REPO_ROOT} is not the checkout: run the UI tests through npm run test:e2e`);

/** The processes of a process group, by their command lines. */
function groupProcesses(group: number): string[] {
  const listed = spawnSync('ps', ['-o', 'args=', '-g', String(group)], { encoding: 'utf8' });
  return listed.stdout.split('\n').filter(Boolean);
}

function extensionHosts(group: number): number {
  return groupProcesses(group).filter((args) => args.includes('--type=extensionHost')).length;
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    assert.ok(Date.now() < deadline, `${what} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('npm start -- FOLDER', () => {
  test('opens FOLDER with portchain loaded; a closed second window gives back its extension host; Ctrl-C stops everything', async (t) => {
    const parent = realpathSync(mkdtempSync(join(tmpdir(), 'portchain-start-')));
    t.after(() => rmSync(parent, { recursive: true, force: true }));
    const folder = join(parent, 'some-folder');
    cpSync(join(REPO_ROOT, 'examples', 'shop'), folder, { recursive: true });

    // npm's own variables from the run that started this test would steer the npm started here.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
    const start = spawn('npm', ['start', '--prefix', REPO_ROOT, '--', 'some-folder', '--server'], {
      cwd: parent,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, PORTCHAIN_START_STATE: join(parent, 'state') },
    });
    // Closed: npm and the script it ran have exited, and their output is all read.
    const closed = new Promise<void>((resolve) => start.once('close', () => resolve()));
    let printed = '';
    start.stdout.on('data', (chunk) => (printed += chunk));
    start.stderr.on('data', (chunk) => (printed += chunk));
    let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
    let group = 0;
    t.after(async () => {
      await browser?.close();
      // npm's group, and the server's own (it is a group of its own, which SIGKILL to npm's would not reach).
      for (const each of [start.pid!, group].filter(Boolean)) {
        try {
          process.kill(-each, 'SIGKILL');
        } catch {
          // Stopped already, as the test expects.
        }
      }
    });

    await waitFor(`npm start printing the URL (it printed:\n${printed})`, () => /\[start\] Ctrl-C stops it/.test(printed), 180_000);
    const url = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(printed)?.[1];
    group = Number(/process group (\d+)/.exec(printed)?.[1]);
    assert.ok(url && group, printed);
    assert.equal(new URL(url).searchParams.get('folder'), folder);
    assert.match(printed, /VS Code is running on .*some-folder with portchain loaded/);

    browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    const workbench = new Workbench(browser.page);
    await browser.page.goto(url);
    // The shop of examples/ has two broken links, and portchain (from this checkout) shows them.
    await workbench.waitForProblemCount('Errors: 2', 90_000);
    assert.match(await workbench.statusItem('portchain.portchain.portchain.status'), /^portchain: \d+ resources, 2 broken$/);
    assert.match(await browser.page.title(), /some-folder/);
    assert.equal(extensionHosts(group), 1);

    const second = await browser.context.newPage();
    await second.goto(url);
    await new Workbench(second).waitForProblemCount('Errors: 2', 90_000);
    assert.equal(extensionHosts(group), 2, 'each window has an extension host of its own');
    await second.close();
    await waitFor('the closed window\'s extension host stopping', () => extensionHosts(group) === 1, 40_000);

    await browser.close();
    browser = undefined;
    // Ctrl-C in a terminal signals the foreground process group: npm and the script it runs.
    process.kill(-start.pid!, 'SIGINT');
    await closed;
    await waitFor(`the VS Code server's process group ending (left: ${groupProcesses(group).join('; ')})`, () => groupProcesses(group).length === 0, 15_000);
    assert.match(printed, /\[start\] interrupted: stopping the VS Code server/);
  });
});
