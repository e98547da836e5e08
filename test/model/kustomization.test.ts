import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { containerPortsFromValue, isKustomizationUri, portFromValue, readEnvText, readKustomization, readPatchText } from '../../server/src/model/kustomization';
import { dedent } from '../support/fixture';

const uri = 'file:///ws/overlays/prod/kustomization.yaml';

describe('model: kustomization files', () => {
  test('the fields a build needs, as written', () => {
    const text = dedent(`
      apiVersion: kustomize.config.k8s.io/v1beta1
      kind: Kustomization
      namespace: prod
      namePrefix: prod-
      nameSuffix: -v2
      bases: [../legacy]
      resources:
        - ../../base
        - ingress.yaml
      components: [../../components/tls]
      commonLabels: {env: prod}
      labels:
        - pairs: {team: shop}
        - pairs: {tier: web}
          includeSelectors: true
      patchesStrategicMerge: [memory.yaml]
      patches:
        - path: ports.yaml
          target: {kind: Deployment, name: "web.*"}
      configMapGenerator:
        - name: web-config
          behavior: merge
          literals:
            - PORT=8080
            - "GREETING='hi there'"
          envs: [web.env]
          files: [conf=app.properties, extra.ini]
      replacements: []
    `);
    const kustomization = readKustomization(uri, text)!;
    assert.equal(kustomization.namespace?.value, 'prod');
    assert.equal(`${kustomization.namePrefix}|${kustomization.nameSuffix}`, 'prod-|-v2');
    assert.deepEqual(kustomization.resources.map((entry) => entry.value), ['../../base', 'ingress.yaml', '../legacy']);
    assert.deepEqual(kustomization.components.map((entry) => entry.value), ['../../components/tls']);
    assert.deepEqual(kustomization.labels.map((rule) => [[...rule.pairs], rule.selectors, rule.templates]), [
      [[['env', 'prod']], true, true],
      [[['team', 'shop']], false, false],
      [[['tier', 'web']], true, true],
    ]);
    assert.deepEqual(kustomization.patches.map((patch) => [patch.path?.value, patch.target?.name]), [['memory.yaml', undefined], ['ports.yaml', 'web.*']]);
    const [generator] = kustomization.generators;
    assert.equal(generator.behavior, 'merge');
    assert.deepEqual(generator.literals.map((literal) => [literal.key.value, literal.value, text.slice(literal.valueSpan.start, literal.valueSpan.end)]), [
      ['PORT', '8080', '8080'],
      ['GREETING', 'hi there', "'hi there'"],
    ]);
    assert.equal(text.slice(generator.literals[0].key.span.start, generator.literals[0].key.span.end), 'PORT');
    assert.deepEqual(generator.envFiles.map((env) => env.value), ['web.env']);
    assert.deepEqual(generator.files.map((file) => `${file.key.value}=${file.path.value}`), ['conf=app.properties', 'extra.ini=extra.ini']);
    assert.deepEqual(kustomization.opaque, ['replacements']);
  });

  test('a file with no kind is a kustomization; a Flux Kustomization is not', () => {
    assert.equal(readKustomization(uri, 'resources: [a.yaml]\n')?.kind, 'Kustomization');
    assert.equal(readKustomization(uri, 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n')?.kind, 'Component');
    assert.equal(readKustomization(uri, 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec: {path: ./apps}\n'), undefined);
    assert.equal(readKustomization(uri, 'resources: [{{ .Values.base }}]\n'), undefined);
    assert.ok(isKustomizationUri(uri));
    assert.ok(isKustomizationUri('file:///ws/Kustomization'));
    assert.ok(!isKustomizationUri('file:///ws/kustomization-notes.yaml'));
  });

  test('inline patches: strategic-merge objects with their deletions, JSON6902 operations with values', () => {
    const kustomization = readKustomization(uri, dedent(`
      patches:
        - patch: |-
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              template:
                spec:
                  containers:
                    - name: web
                      ports:
                        - {containerPort: 9090, $patch: delete}
                        - {name: admin, containerPort: 9901}
                    - {name: old-sidecar, $patch: delete}
        - target: {kind: Service, name: web}
          patch: |-
            - op: add
              path: /spec/ports/-
              value: {name: admin, port: 9901}
            - op: replace
              path: /metadata/labels/app.kubernetes.io~1name
              value: web
    `))!;
    const [strategic, json] = kustomization.patches.map((patch) => patch.inline!);
    assert.equal(strategic.kind, 'strategic');
    if (strategic.kind !== 'strategic') return;
    const [object] = strategic.objects;
    assert.deepEqual(object.resource.workload!.containers.map((container) => `${container.name?.value}:${container.ports.map((port) => port.name?.value).join(',')}`), ['web:admin']);
    assert.deepEqual(object.deletions.containerPorts, [{ container: 'web', port: 9090 }]);
    assert.deepEqual(object.deletions.containers, ['old-sidecar']);
    assert.equal(json.kind, 'json6902');
    if (json.kind !== 'json6902') return;
    assert.deepEqual(json.operations.map((operation) => [operation.op, operation.path.join('|')]), [['add', 'spec|ports|-'], ['replace', 'metadata|labels|app.kubernetes.io/name']]);
    assert.deepEqual(json.operations[0].value, { name: 'admin', port: 9901 });
  });

  test('a patch with a top-level $patch: delete, and one that is not YAML', () => {
    const body = readPatchText('file:///ws/p.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\n$patch: delete\n');
    assert.ok(body.kind === 'strategic' && body.objects[0].deletesResource);
    assert.equal(readPatchText('file:///ws/p.yaml', 'a: [\n').kind, 'unreadable');
  });

  test('JSON6902 values read as the model reads the same fields in a manifest', () => {
    const ports = containerPortsFromValue([{ name: 'http', containerPort: 8080 }, { containerPort: '${PORT}' }]);
    assert.deepEqual(ports.map((port) => [port.name?.value, port.containerPort?.kind, port.containerPort?.kind === 'number' ? port.containerPort.number : undefined]), [
      ['http', 'number', 8080],
      [undefined, 'unknown', undefined],
    ]);
    assert.equal(portFromValue('http')?.kind, 'name');
    assert.equal(portFromValue(8080)?.kind, 'number');
    assert.equal(portFromValue({ a: 1 }), undefined);
  });

  test('env files: KEY=VALUE lines, comments, quotes; a bare key takes an unknown value from the environment', () => {
    assert.deepEqual(readEnvText('# settings\r\nPORT=8080\n\nNAME="a b"\nHOME\n=odd\nURL=http://x?a=b\n'), [
      { key: 'PORT', value: '8080' },
      { key: 'NAME', value: 'a b' },
      { key: 'HOME', value: undefined },
      { key: 'URL', value: 'http://x?a=b' },
    ]);
  });
});
