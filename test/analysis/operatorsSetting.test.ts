// The `portchain.operators` setting: what a user writes to describe an operator portchain does not
// know, how bad entries are reported, and that a change takes effect on the links at once.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Project } from '../../server/src/analysis/project';
import { readSettings } from '../../server/src/analysis/settings';

const FILES: [string, string][] = [
  ['file:///ws/app/ingress.yaml', 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: db, namespace: apps}\nspec:\n  defaultBackend:\n    service: {name: orders-primary, port: {name: pg}}\n'],
  ['file:///ws/app/own.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: own, namespace: apps}\nspec:\n  ports: [{port: 80}]\n'],
  ['file:///ws/app/database.yaml', 'apiVersion: db.example.com/v1\nkind: MyDatabase\nmetadata: {name: orders, namespace: apps}\nspec: {}\n'],
];

const described = (port: string) => [{ kind: 'MyDatabase', group: 'db.example.com', services: [{ name: '{name}-primary', ports: [{ name: port, port: 5432 }] }] }];

function findingsOf(project: Project): string[] {
  return [...project.findingsByUri().values()].flat().map((finding) => `${finding.rule}: ${finding.message}`);
}

describe('settings: portchain.operators', () => {
  test('a valid entry is read as written', () => {
    const { settings, problems } = readSettings({ operators: described('pg') });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings.operators, [{ group: 'db.example.com', kind: 'MyDatabase', services: [{ name: '{name}-primary', ports: [{ name: 'pg', port: 5432 }] }] }]);
  });

  test('bad entries are problems, never a throw, and the good ones stand', () => {
    const { settings, problems } = readSettings({
      operators: [
        { kind: 'MyDatabase', services: [{ name: '{name}-primary', ports: [{ name: 'pg', port: 70000 }] }] },
        { services: [] },
        'MyCache',
        { kind: 'MyQueue', services: 'queue' },
      ],
    });
    assert.deepEqual(problems, [
      'operators[0].services[0].ports[0] must be {"name": "http", "port": 8080} with a port from 1 to 65535',
      'operators[1]: "kind" must be the custom resource\'s kind',
      'operators[2] must be an object',
      'operators[3]: "services" must be a list of {"name", "ports"}',
    ]);
    // The entry with a bad port stays, its ports left open: a port it does not list is unknown, not missing.
    assert.deepEqual(settings.operators, [{ group: '', kind: 'MyDatabase', services: [{ name: '{name}-primary', ports: [], portsOpen: true }] }]);
    assert.deepEqual(readSettings({ operators: { kind: 'MyDatabase' } }).problems, ['"operators" must be a list of {"kind", "group", "services": [{"name", "ports": [{"name", "port"}]}]}']);
  });

  test('a change of the setting changes the links at once, both ways', () => {
    const project = new Project((uri) => uri.slice('file:///ws/'.length));
    for (const [uri, text] of FILES) project.setText(uri, text);
    // Undescribed, the operator may create the Service: unknown, so quiet.
    assert.deepEqual(findingsOf(project), []);
    project.settings = readSettings({ operators: described('postgres') }).settings;
    assert.deepEqual(findingsOf(project), [
      'ingress-port-mismatch: Ingress db sends to Service orders-primary port pg, but Service orders-primary (created by MyDatabase orders) (app/database.yaml) has port 5432 (postgres)',
    ]);
    project.settings = readSettings({ operators: described('pg') }).settings;
    assert.deepEqual(findingsOf(project), []);
    project.settings = readSettings({ operators: [{ kind: 'MyDatabase', services: [{ name: '{name}-rw', ports: [{ port: 5432 }] }] }] }).settings;
    assert.deepEqual(findingsOf(project), ['ingress-service-missing: Ingress db sends to Service orders-primary, but namespace apps has no Service orders-primary']);
  });
});
