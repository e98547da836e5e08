// A file that becomes a fixture (or stops being one) moves between the workspace's linked files
// and a project of its own, and is never held twice.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Project } from '../../server/src/analysis/project';

const SERVICE = (targetPort: number) => `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: ${targetPort}}]
`;
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, ports: [{containerPort: 8080}]}]
`;

describe('fixtures in a project', () => {
  test('a file that becomes a fixture leaves the linked files, and its old findings with it', () => {
    const project = new Project();
    const fixtures = new Set<string>();
    project.isAlone = (uri) => fixtures.has(uri);
    project.setText('file:///ws/e2e/svc.yaml', SERVICE(9090));
    project.setText('file:///ws/e2e/dep.yaml', DEPLOYMENT);
    assert.equal(project.findings('file:///ws/e2e/svc.yaml').length, 1);

    // A test-case marker appears: the Service is a fixture now, judged on its own file.
    fixtures.add('file:///ws/e2e/svc.yaml');
    project.setText('file:///ws/e2e/svc.yaml', SERVICE(8081));
    assert.deepEqual([...project.allFiles()].map((file) => file.uri).sort(), ['file:///ws/e2e/dep.yaml', 'file:///ws/e2e/svc.yaml']);
    assert.equal(project.graph.file('file:///ws/e2e/svc.yaml'), undefined, 'the linked graph no longer holds it');
    assert.deepEqual(project.findings('file:///ws/e2e/svc.yaml'), [], 'alone, the Service selects nothing it can judge');

    // The marker goes away: the file joins the workspace again.
    fixtures.clear();
    assert.equal(project.heldWhereItBelongs('file:///ws/e2e/svc.yaml'), false);
    project.setText('file:///ws/e2e/svc.yaml', SERVICE(8081));
    assert.equal(project.heldWhereItBelongs('file:///ws/e2e/svc.yaml'), true);
    assert.equal([...project.allFiles()].length, 2);
    assert.match(project.findings('file:///ws/e2e/svc.yaml')[0]?.message ?? '', /targetPort 8081/);
  });
});
