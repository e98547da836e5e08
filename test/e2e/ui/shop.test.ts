// A person finds and fixes the broken shop of examples/ in VS Code, with the packaged portchain
// (the .vsix, installed into the server: no extensionDevelopmentPath), by keyboard and mouse:
// the Problems count in the status bar, the squiggle, the hover card, the quick fix menu (Ctrl+.
// and the lightbulb), the Problems view, completion along the chain; then the port map: the
// command, the broken link in the error colour with its rule and message, the filters and the list
// view, and a click on a node that opens its file at the place. scripts/vscode/run-ui.mjs starts
// the server and runs this file; it takes the server and where to write from the environment. The
// screenshots of the hover card, the quick fix menu, the Problems view, the completion list and the
// port map are the ones in docs/images/.

import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { launchBrowser, workbenchUrl } from '../../../scripts/vscode/browser.mjs';
import { Workbench } from './workbench';

const env = (name: string): string => {
  const value = process.env[name];
  assert.ok(value, `${name} is not set: run the UI tests through \`npm run test:e2e\` (scripts/vscode/run-ui.mjs)`);
  return value;
};
const ORIGIN = env('PORTCHAIN_UI_ORIGIN');
const WORKSPACE = env('PORTCHAIN_UI_WORKSPACE');
const LOGS = env('PORTCHAIN_UI_LOGS');
const ARTIFACTS = env('PORTCHAIN_UI_ARTIFACTS');
const SCREENSHOTS = process.env.PORTCHAIN_UI_SCREENSHOTS || ARTIFACTS;
/** How long the port map may take to answer: the language server draws the whole workspace's map. */
const MAP_MS = 20_000;

/** What the card says hop by hop, as read off the hover widget (✓ / ✗, the hop, its file:line). */
function hopsOf(card: string): string[] {
  return card
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => /^[✓✗?] .* · \S+:\d+$/.test(line));
}

describe('a person fixes the shop of examples/ in VS Code, with the packaged extension', () => {
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let workbench: Workbench;
  let failures = 0;

  /**
   * Runs one step of the journey; on failure it keeps a screenshot of the window as it was. Each
   * step starts where the one before left the window, so after a failure the rest fail at once.
   */
  const step = (title: string, body: (t: TestContext) => Promise<void>) =>
    test(title, async (t) => {
      if (failures > 0) throw new Error('not tried: an earlier step of the journey failed');
      try {
        await body(t);
      } catch (error) {
        failures += 1;
        const path = join(ARTIFACTS, `failure-${failures}.png`);
        await workbench?.page.screenshot({ path }).catch(() => {});
        console.error(`[ui] "${title}" failed; the window as it was: ${path}`);
        throw error;
      }
    });

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    workbench = new Workbench(browser.page);
  });

  after(async () => {
    await browser?.close();
  });

  step('the window opens examples/, portchain activates, and the status bar counts 6 errors and 1 warning', async (t) => {
    const windowOpened = Date.now();
    await browser.page.goto(workbenchUrl(ORIGIN, { folder: WORKSPACE }));
    await workbench.waitForProblemCount('Errors: 6, Warnings: 1', 60_000);
    const problemsShown = Date.now();
    assert.match(await workbench.statusItem('portchain.portchain.portchain.status'), /^portchain: \d+ resources, 6 broken$/);

    // When the extension host started and activated portchain, from its log.
    const activation = activationFromLog();
    const timings = {
      extensionHostStartedMs: activation.hostStarted - windowOpened,
      portchainActivatedMs: activation.activated - windowOpened,
      activationEvent: activation.event,
      problemsShownMs: problemsShown - windowOpened,
    };
    writeFileSync(join(ARTIFACTS, 'timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    t.diagnostic(`window opened → extension host ${timings.extensionHostStartedMs} ms → portchain activated ${timings.portchainActivatedMs} ms (${timings.activationEvent}) → problems in the status bar ${timings.problemsShownMs} ms`);
    assert.ok(timings.portchainActivatedMs > 0 && timings.portchainActivatedMs < timings.problemsShownMs, `activation at ${timings.portchainActivatedMs} ms precedes the problem count at ${timings.problemsShownMs} ms`);
  });

  step('shop/service.yaml shows a red squiggle under targetPort 8081, and none under port 80', async () => {
    await workbench.openFile('shop/service.yaml');
    const broken = workbench.token('targetPort: 8081', '8081');
    await assert.doesNotReject(waitUntil(() => workbench.hasErrorSquiggleUnder(broken)), 'no squiggle under 8081');
    assert.equal(await workbench.hasErrorSquiggleUnder(workbench.token('port: 80', '80')), false, 'a squiggle under port 80');
  });

  step('hovering the Ingress backend port shows the chain card, ✗ on the Service hop with the ports it has', async () => {
    await workbench.openFile('shop/ingress.yaml');
    const card = await workbench.hover(workbench.token('number: 8080', '8080'), /backend: Service storefront port 8080/);
    assert.deepEqual(hopsOf(card), [
      '✓ Ingress storefront host shop.example.com path / · shop/ingress.yaml:19',
      '✗ → Service storefront port 8080 · shop/service.yaml:7',
    ]);
    assert.match(card, /✗ 1 broken link/);
    assert.match(card, /its ports are .*80 \(http\), .*9102 \(metrics\)/);
    await workbench.dismiss();
  });

  step('Ctrl+. on the port offers the Service ports; picking 80 drops the count to 5 errors', async () => {
    const port = workbench.token('number: 8080', '8080');
    const titles = await workbench.quickFixMenuByKeyboard(port);
    assert.deepEqual(titles, ['Set port.number to 80', 'Set port.number to 9102']);
    await browser.page.screenshot({ path: join(SCREENSHOTS, 'quick-fix.png') });
    await workbench.pickQuickFix('Set port.number to 80');
    await workbench.waitForProblemCount('Errors: 5, Warnings: 1');
    assert.equal(await workbench.hasErrorSquiggleUnder(workbench.token('number: 80', '80')), false, 'the squiggle stays after the fix');
  });

  step('with the port fixed, the hover follows the chain through targetPort to the container, ✗ where nothing listens on 8081', async () => {
    const card = await workbench.hover(workbench.token('number: 80', '80'), /backend: Service storefront port 80\b/);
    assert.deepEqual(hopsOf(card), [
      '✓ Ingress storefront host shop.example.com path / · shop/ingress.yaml:19',
      '✓ → Service storefront port 80 (http) · shop/service.yaml:14',
      '✓ → targetPort 8081 · shop/service.yaml:15',
      '✗ → Deployment storefront / container storefront containerPorts 8080 (http), 9102 (metrics) · shop/deployment.yaml:19',
    ]);
    assert.match(card, /No container declares 8081/);
    assert.match(card, /kubectl port-forward -n shop svc\/storefront 8080:80/);
    await browser.page.screenshot({ path: join(SCREENSHOTS, 'hover-card.png') });
    await workbench.dismiss();
  });

  step("the Problems view lists the 6 problems left, the Service's targetPort 8081 among them", async () => {
    const rows = await workbench.problemsView();
    assert.deepEqual(problemsOf(rows), [
      'api/api.yaml:30 Warning',
      'api/api.yaml:56 Error',
      'gateway/docs.yaml:35 Error',
      'legacy/guestbook.yaml:24 Error',
      'legacy/guestbook.yaml:44 Error',
      'shop/service.yaml:15 Error',
    ]);
    const targetPort = rows.find((row) => row.includes('targetPort 8081'));
    assert.match(targetPort ?? '', /^Error: Service storefront sends port http \(80\) to targetPort 8081, but Deployment storefront .* declares no containerPort 8081/);
    // Without the side bar the messages have the window's width.
    await browser.page.keyboard.press('Control+B');
    await browser.page.locator('.part.sidebar').waitFor({ state: 'hidden' });
    await browser.page.screenshot({ path: join(SCREENSHOTS, 'problems.png') });
    await browser.page.keyboard.press('Control+B');
    await workbench.closeProblemsView();
  });

  step('the lightbulb on targetPort 8081 offers the container ports; picking 8080 leaves 4 errors', async () => {
    await workbench.openFile('shop/service.yaml');
    const titles = await workbench.quickFixMenuByLightbulb(workbench.token('targetPort: 8081', '8081'));
    assert.deepEqual(titles, ['Set targetPort to 8080', 'Set targetPort to 9102']);
    await workbench.pickQuickFix('Set targetPort to 8080');
    await workbench.waitForProblemCount('Errors: 4, Warnings: 1');
    assert.equal(await workbench.hasErrorSquiggleUnder(workbench.token('targetPort: 8080', '8080')), false);
  });

  step("typing the backend's Service name offers the Services with the chain each completes; picking one writes it", async () => {
    await workbench.openFile('shop/ingress.yaml');
    // The second `name: storefront` is the backend's (the first is the Ingress's own name).
    const rows = await workbench.completionList(workbench.token('name: storefront', 'storefront', 1), 'st');
    assert.match(rows[0] ?? '', /^storefront\b/);
    const { detail, documentation } = await workbench.completionDetails();
    assert.equal(detail, 'port 80 (http) → storefront:8080 ✓');
    assert.match(documentation, /✓ targetPort 8080[\s\S]*✓ Deployment storefront \/ container storefront containerPort 8080 \(http\)/);
    await browser.page.screenshot({ path: join(SCREENSHOTS, 'completion.png') });
    await workbench.acceptCompletion();
    assert.match(await workbench.lineText(/^\s*name:\s+storefront/, 1), /^\s*name: storefront\s*$/);
    await browser.page.keyboard.press('Control+S');
    await workbench.waitForProblemCount('Errors: 4, Warnings: 1');
  });

  // The port map. The shop is fixed now; the orders API (api/api.yaml) is still broken twice.
  let map: FrameLocator;

  step('"portchain: Show Port Map" opens the map beside the editor, drawn from the whole workspace', async (t) => {
    await workbench.openFile('shop/service.yaml');
    // The map is wide: the side bar makes room for it, as a person reading it would.
    await workbench.runCommand('View: Close Primary Side Bar');
    const asked = Date.now();
    await workbench.runCommand('portchain: Show Port Map');
    // A webview is an iframe in an iframe; the page's own document is the inner one.
    map = workbench.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await map.locator('svg.map').waitFor({ timeout: MAP_MS });
    t.diagnostic(`the map was drawn ${Date.now() - asked} ms after the command`);
    assert.match(await map.locator('#summary').innerText(), /^\d+ nodes and \d+ links, 4 broken \(the workspace: \d+ nodes, \d+ links\)\.$/);
  });

  step('in namespace orders, the link from Service port grpc to Deployment orders-api is broken: the error colour, its rule and message', async () => {
    await map.locator('#namespace').selectOption('orders');
    await map.locator('#summary', { hasText: /^\d+ nodes and 3 links, 2 broken/ }).waitFor({ timeout: MAP_MS });
    const broken = map.locator('g.edge.broken[data-rule="target-port-name-missing"]');
    assert.match((await broken.locator('title').textContent()) ?? '', /^Service port 9090 \(grpc\) → grpc → Deployment orders-api: broken\. target-port-name-missing: Service orders-api sends port grpc \(9090\) to targetPort grpc, but Deployment orders-api/);
    assert.equal(await broken.locator('text.edge-label').textContent(), '✗ target-port-name-missing');
    // The error colour is the theme's: the line's stroke is what --vscode-errorForeground computes to.
    const colours = await broken.locator('path.line').evaluate((line) => {
      const view = line.ownerDocument.defaultView!;
      return { stroke: view.getComputedStyle(line).stroke, error: view.getComputedStyle(line.ownerDocument.body).getPropertyValue('--vscode-errorForeground').trim() };
    });
    assert.notEqual(colours.error, '', 'the theme gives the webview its error colour');
    assert.equal(colours.stroke, rgb(colours.error));
    await browser.page.screenshot({ path: join(SCREENSHOTS, 'port-map.png') });
  });

  step('broken only, the list view reads the broken links as text', async () => {
    await map.locator('#broken').check();
    await map.locator('#summary', { hasText: /^\d+ nodes and 2 links, 2 broken/ }).waitFor({ timeout: MAP_MS });
    await map.getByRole('button', { name: 'List view' }).click();
    const links = await map.locator('#list li.link').allInnerTexts();
    assert.deepEqual(
      links.map((text) => text.split('\n')[0].replace(/\s+/g, ' ').trim()),
      ['Service port 9090 (grpc) → grpc → Deployment orders-api broken', 'containerPort api:8080 (http) → api process :9000 broken'],
    );
    await map.getByRole('button', { name: 'Graph view' }).click();
  });

  step('a click on Deployment orders-api opens api/api.yaml at its name, in the editor beside the map', async () => {
    await map.locator('g.node[data-kind="workload"]', { hasText: 'Deployment orders-api' }).click();
    await workbench.page.locator('.editor-group-container .tab.active', { hasText: 'api.yaml' }).waitFor({ timeout: MAP_MS });
    // Line 13 is `  name: orders-api`: the cursor stands on the name.
    await workbench.page.locator('[id="status.editor.selection"]', { hasText: /^Ln 13, Col 9$/ }).waitFor({ timeout: MAP_MS });
  });
});

/** `#f14c4c` → `rgb(241, 76, 76)`, as getComputedStyle writes a colour; other forms as they are. */
function rgb(colour: string): string {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  return hex ? `rgb(${parseInt(hex[1], 16)}, ${parseInt(hex[2], 16)}, ${parseInt(hex[3], 16)})` : colour;
}

/** The Problems view's problem rows as `folder/file:line Severity`, sorted, from their aria labels. */
function problemsOf(rows: string[]): string[] {
  const problems: string[] = [];
  let file = '';
  for (const row of rows) {
    const group = /^\d+ problems? in file (\S+) of folder (\S+)/.exec(row);
    if (group) file = `${group[2]}/${group[1]}`;
    const problem = /^(Error|Warning|Info): .* at line (\d+) and character \d+\./.exec(row);
    if (problem) problems.push(`${file}:${problem[2]} ${problem[1]}`);
  }
  return problems.sort();
}

/** When the extension host started and when it activated portchain, read off its log. */
function activationFromLog(): { hostStarted: number; activated: number; event: string } {
  const sessions = readdirSync(LOGS).sort();
  assert.ok(sessions.length > 0, `no log folder in ${LOGS}`);
  const log = readFileSync(join(LOGS, sessions[sessions.length - 1], 'exthost1', 'remoteexthost.log'), 'utf8');
  // Lines start with the local time: `2026-11-23 18:13:06.467 [info] ...`.
  const timeOf = (line: string | undefined) => (line ? new Date(line.slice(0, 23).replace(' ', 'T')).getTime() : NaN);
  const lines = log.split('\n');
  const started = lines.find((line) => line.includes('Extension host with pid'));
  const activated = lines.find((line) => line.includes('_doActivateExtension portchain.portchain'));
  assert.ok(started && activated, `the extension host log does not say when portchain activated:\n${log}`);
  return { hostStarted: timeOf(started), activated: timeOf(activated), event: /activationEvent: '([^']*)'/.exec(activated)?.[1] ?? '?' };
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not so after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
