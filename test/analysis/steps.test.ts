// The project's stepped paths, which the language server takes so that a large workspace never
// holds it up for long: a large file parsed a document at a time, and the first rule run a slice of
// resources at a time. Each must give what the one-go path gives, whatever happens between steps.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { Project } from '../../server/src/analysis/project';
import { REPO_ROOT } from '../cli/run';

/** Every manifest of examples/ (several apps, a chart, kustomize-free broken links), by a URI below file:///ws/. */
function exampleFiles(): [string, string][] {
  const root = join(REPO_ROOT, 'examples');
  const files: [string, string][] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) files.push([`file:///ws/${relative(root, path)}`, readFileSync(path, 'utf8')]);
    }
  };
  walk(root);
  return files.sort(([a], [b]) => (a < b ? -1 : 1));
}

function projectOf(files: readonly [string, string][]): Project {
  const project = new Project();
  for (const [uri, text] of files) project.setText(uri, text);
  return project;
}

/** Findings as a user reads them: file, place, rule and message, by file (the order of files in the map is no one's concern). */
function summary(project: Project): string[] {
  return [...project.findingsByUri()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([uri, findings]) => findings.map((finding) => `${uri}:${finding.span.start}-${finding.span.end} ${finding.rule}: ${finding.message}`));
}

/** One big multi-document file: many apps back to back, some of them broken. */
function bigFile(apps: number): string {
  const documents: string[] = [];
  for (let app = 0; app < apps; app++) {
    const target = app % 7 === 3 ? 9999 : 8080;
    documents.push(`apiVersion: v1\nkind: Service\nmetadata: {name: app-${app}}\nspec:\n  selector: {app: app-${app}}\n  ports: [{port: 80, targetPort: ${target}}]`);
    documents.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app-${app}}\nspec:\n  selector: {matchLabels: {app: app-${app}}}\n  template:\n    metadata: {labels: {app: app-${app}}}\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          ports: [{containerPort: 8080}]`);
  }
  return `${documents.join('\n---\n')}\n`;
}

describe('stepped first rule run', () => {
  test('gives the findings of a run in one go, pausing between slices', async () => {
    const files = exampleFiles();
    const stepped = projectOf([...files, ['file:///ws/big.yaml', bigFile(600)]]);
    let pauses = 0;
    await stepped.prepareFindings(async () => {
      pauses++;
    });
    assert.ok(pauses >= 2, `paused ${pauses} times`);
    const direct = projectOf([...files, ['file:///ws/big.yaml', bigFile(600)]]);
    assert.deepEqual(summary(stepped), summary(direct));
    assert.ok(summary(direct).some((line) => line.includes('target-port-mismatch')));
  });

  test('an edit or a read between steps finishes the run first, and the edit is then checked', async () => {
    const files = exampleFiles();
    const stepped = projectOf([...files, ['file:///ws/big.yaml', bigFile(600)]]);
    let edited = false;
    let findingsDuringRun = 0;
    await stepped.prepareFindings(async () => {
      if (edited) return;
      edited = true;
      findingsDuringRun = stepped.findings('file:///ws/big.yaml').length;
      stepped.setText('file:///ws/big.yaml', bigFile(600).replace(/targetPort: 9999/g, 'targetPort: 8080'), 1);
    });
    assert.ok(findingsDuringRun > 0, 'a read between steps sees the whole run');
    const fresh = projectOf([...files, ['file:///ws/big.yaml', bigFile(600).replace(/targetPort: 9999/g, 'targetPort: 8080')]]);
    assert.deepEqual(summary(stepped), summary(fresh));
    assert.deepEqual(stepped.findings('file:///ws/big.yaml'), []);
  });

  test('a settings change between steps drops the run; the next read runs the rules with the new settings', async () => {
    const stepped = projectOf([['file:///ws/big.yaml', bigFile(600)]]);
    let changed = false;
    await stepped.prepareFindings(async () => {
      if (changed) return;
      changed = true;
      stepped.settings = { ...stepped.settings, rules: { ...stepped.settings.rules, 'target-port-mismatch': 'off' } };
    });
    assert.deepEqual(stepped.findings('file:///ws/big.yaml').filter((finding) => finding.rule === 'target-port-mismatch'), []);
  });
});

describe('a large file parsed in steps', () => {
  test('reads as setText reads it, pausing between documents', async () => {
    const text = bigFile(400);
    const stepped = new Project();
    let pauses = 0;
    const file = await stepped.setTextInSteps('file:///ws/big.yaml', text, 0, async () => {
      pauses++;
      // Slices are timed: a slow step makes the next pause due.
      const until = Date.now() + 40;
      while (Date.now() < until);
    });
    assert.ok(file && pauses >= 1, `paused ${pauses} times`);
    const direct = projectOf([['file:///ws/big.yaml', text]]);
    assert.deepEqual(file.resources, direct.graph.file('file:///ws/big.yaml')!.resources);
    assert.deepEqual(summary(stepped), summary(direct));
  });

  test('a text superseded while it parsed is dropped', async () => {
    const project = new Project();
    const file = await project.setTextInSteps('file:///ws/big.yaml', bigFile(400), 0, async () => undefined, () => false);
    assert.equal(file, undefined);
    assert.equal(project.graph.file('file:///ws/big.yaml'), undefined);
  });
});
