// Kustomization files: what one kustomization.yaml (or a kustomize Component) says its build does,
// read from its own text, and the shapes of the files it names (patches, generator env files).
//
// Like the rest of model/, this reads one file's text and never another file: paths stay as
// written, and graph/kustomize.ts resolves them against the files the workspace holds. Nothing
// here throws; what cannot be read is left out and flagged, so a build reads as partial.

import { parseAllDocuments, stringify, isMap, isScalar, isSeq, type Document, type YAMLMap } from 'yaml';
import { maskTemplateActions, newParsedFile, NO_DIRECTIVES } from './text';
import { readResource } from './resources';
import { YamlReader } from './yamlTree';
import type { Container, ContainerPort, EnvVar, Located, ParsedFile, PortValue, Resource, ServicePort, Span } from './types';

/** The file names kustomize looks for in a folder, in the order it looks. */
export const KUSTOMIZATION_FILE_NAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Whether a URI names a kustomization file (by its name; its content decides the rest). */
export function isKustomizationUri(uri: string): boolean {
  return KUSTOMIZATION_FILE_NAMES.includes(uri.slice(uri.lastIndexOf('/') + 1));
}

/** Labels a build adds, and where: `commonLabels` reach selectors and pod templates, `labels` only where asked. */
export interface LabelRule {
  pairs: Map<string, string>;
  selectors: boolean;
  templates: boolean;
}

/** What a `patches` or `patchesJson6902` entry applies to; `name` and `namespace` are anchored regular expressions. */
export interface PatchTarget {
  group: string | undefined;
  version: string | undefined;
  kind: string | undefined;
  name: string | undefined;
  namespace: string | undefined;
  labelSelector: string | undefined;
  annotationSelector: string | undefined;
}

/** One patch entry: a file it names or an inline body, with the target it selects (where given). */
export interface PatchRef {
  path: Located<string> | undefined;
  inline: PatchBody | undefined;
  target: PatchTarget | undefined;
  span: Span;
}

/** A strategic-merge object: a partial resource, whether it deletes its target, and the list items it deletes. */
export interface PatchObject {
  resource: Resource;
  /** `$patch: delete` at the top: the build drops the resource. */
  deletesResource: boolean;
  deletions: ListDeletions;
}

/** List items a strategic-merge patch removes with `$patch: delete`, by their merge keys. */
export interface ListDeletions {
  containers: string[];
  containerPorts: { container: string; port: number | string }[];
  env: { container: string; name: string }[];
  servicePorts: (number | string)[];
}

/** One JSON6902 operation; `value` is plain data (see the `…FromValue` readers). */
export interface JsonPatchOperation {
  op: string;
  /** The path split into reference tokens, unescaped (`~1` → `/`). */
  path: string[];
  value: unknown;
}

export type PatchBody =
  | { kind: 'strategic'; objects: PatchObject[] }
  | { kind: 'json6902'; operations: JsonPatchOperation[] }
  | { kind: 'unreadable' };

export interface GeneratorLiteral {
  key: Located<string>;
  value: string;
  valueSpan: Span;
}

/** A `configMapGenerator` or `secretGenerator` entry. */
export interface Generator {
  source: 'configMap' | 'secret';
  name: Located<string> | undefined;
  namespace: Located<string> | undefined;
  behavior: 'create' | 'merge' | 'replace';
  literals: GeneratorLiteral[];
  /** `envs:` and `env:` files of KEY=VALUE lines, as written. */
  envFiles: Located<string>[];
  /** `files:` entries: the key (`key=path`, or the file's base name) and the path. */
  files: { key: Located<string>; path: Located<string> }[];
  labels: Map<string, string>;
  span: Span;
}

export interface Kustomization {
  uri: string;
  kind: 'Kustomization' | 'Component';
  namespace: Located<string> | undefined;
  namePrefix: string;
  nameSuffix: string;
  /** `resources:` and the older `bases:`: files, folders, or remote targets, as written. */
  resources: Located<string>[];
  components: Located<string>[];
  labels: LabelRule[];
  /** `patchesStrategicMerge`, `patches` and `patchesJson6902`, in that order. */
  patches: PatchRef[];
  generators: Generator[];
  /** Fields whose effect the model does not follow (helmCharts, replacements, plugins): the build may hold more than it shows. */
  opaque: string[];
}

/** Fields that change a build in ways this reader does not follow. */
const OPAQUE_FIELDS = ['helmCharts', 'helmChartInflationGenerator', 'generators', 'transformers', 'replacements', 'vars', 'validators'];

/**
 * Reads a kustomization file: the first YAML document, where its kind is Kustomization or
 * Component (apiVersion kustomize.config.k8s.io) or it has no kind at all. Undefined for
 * anything else, such as a Flux `Kustomization` custom resource that happens to share the name.
 */
export function readKustomization(uri: string, text: string): Kustomization | undefined {
  // Templated kustomizations are rendered by something else first; what they do is unknown.
  if (maskTemplateActions(text)) return undefined;
  let document: Document.Parsed | undefined;
  try {
    document = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false, strict: false }).find((doc: Document.Parsed) => doc.contents !== null);
  } catch {
    return undefined;
  }
  if (!document || document.errors.length > 0) return undefined;
  const r = new YamlReader(document, []);
  const map = r.map(document.contents);
  if (!map) return undefined;
  const kind = r.stringAt(map, 'kind')?.value;
  const apiVersion = r.stringAt(map, 'apiVersion')?.value;
  if (apiVersion !== undefined && !apiVersion.startsWith('kustomize.config.k8s.io/')) return undefined;
  if (kind !== undefined && kind !== 'Kustomization' && kind !== 'Component') return undefined;
  const strings = (field: string) => r.items(r.get(map, field)).flatMap((item) => r.knownString(item) ?? []);
  const labels: LabelRule[] = [];
  const common = r.stringMap(r.get(map, 'commonLabels')).entries;
  if (common.size > 0) labels.push({ pairs: common, selectors: true, templates: true });
  for (const item of r.items(r.get(map, 'labels'))) {
    const pairs = r.stringMap(r.get(item, 'pairs')).entries;
    const selectors = r.boolean(r.get(item, 'includeSelectors')) === true;
    if (pairs.size > 0) labels.push({ pairs, selectors, templates: selectors || r.boolean(r.get(item, 'includeTemplates')) === true });
  }
  return {
    uri,
    kind: kind === 'Component' ? 'Component' : 'Kustomization',
    namespace: r.knownString(r.get(map, 'namespace')),
    namePrefix: r.knownString(r.get(map, 'namePrefix'))?.value ?? '',
    nameSuffix: r.knownString(r.get(map, 'nameSuffix'))?.value ?? '',
    resources: [...strings('resources'), ...strings('bases')],
    components: strings('components'),
    labels,
    patches: readPatches(uri, r, map),
    generators: [...readGenerators(r, r.get(map, 'configMapGenerator'), 'configMap'), ...readGenerators(r, r.get(map, 'secretGenerator'), 'secret')].map((generator) => ({
      ...generator,
      labels: new Map([...r.stringMap(r.at(map, 'generatorOptions', 'labels')).entries, ...generator.labels]),
    })),
    opaque: OPAQUE_FIELDS.filter((field) => r.pair(map, field) !== undefined),
  };
}

function readPatches(uri: string, r: YamlReader, map: YAMLMap): PatchRef[] {
  const out: PatchRef[] = [];
  const inline = (text: string) => readPatchText(uri, text);
  // `patchesStrategicMerge` items are paths, or (rarely) whole objects written inline.
  for (const item of r.items(r.get(map, 'patchesStrategicMerge'))) {
    const value = r.knownString(item);
    const span = r.span(item);
    if (!value || !span) continue;
    const isInline = value.value.includes('\n') || /^\s*(apiVersion|kind)\s*:/.test(value.value);
    out.push({ path: isInline ? undefined : value, inline: isInline ? inline(value.value) : undefined, target: undefined, span });
  }
  for (const field of ['patches', 'patchesJson6902']) {
    for (const item of r.items(r.get(map, field))) {
      const span = r.span(item);
      if (!span) continue;
      const path = r.knownString(r.get(item, 'path'));
      const body = r.knownString(r.get(item, 'patch'));
      if (!path && !body) continue;
      out.push({ path, inline: body && !path ? inline(body.value) : undefined, target: readTarget(r, r.get(item, 'target')), span });
    }
  }
  return out;
}

function readTarget(r: YamlReader, node: unknown): PatchTarget | undefined {
  if (!r.map(node)) return undefined;
  const text = (key: string) => r.knownString(r.get(node, key))?.value;
  return {
    group: text('group'),
    version: text('version'),
    kind: text('kind'),
    name: text('name'),
    namespace: text('namespace'),
    labelSelector: text('labelSelector'),
    annotationSelector: text('annotationSelector'),
  };
}

function readGenerators(r: YamlReader, node: unknown, source: 'configMap' | 'secret'): Generator[] {
  return r.items(node).flatMap((item) => {
    const span = r.span(item);
    if (!span) return [];
    const behavior = r.knownString(r.get(item, 'behavior'))?.value;
    const literals = r.items(r.get(item, 'literals')).flatMap((literal) => {
      const scalar = r.scalar(literal);
      const text = r.knownString(literal);
      return scalar && text ? (readLiteral(text, scalar.type) ?? []) : [];
    });
    const envFiles = [...r.items(r.get(item, 'envs')).flatMap((env) => r.knownString(env) ?? []), ...[r.knownString(r.get(item, 'env'))].flatMap((env) => env ?? [])];
    const files = r.items(r.get(item, 'files')).flatMap((file) => {
      const text = r.knownString(file);
      if (!text) return [];
      const eq = text.value.indexOf('=');
      const path = eq >= 0 ? text.value.slice(eq + 1) : text.value;
      const key = eq >= 0 ? text.value.slice(0, eq) : path.slice(path.lastIndexOf('/') + 1);
      return [{ key: { value: key, span: text.span }, path: { value: path, span: text.span } }];
    });
    return [{
      source,
      name: r.knownString(r.get(item, 'name')),
      namespace: r.knownString(r.get(item, 'namespace')),
      behavior: behavior === 'merge' || behavior === 'replace' ? behavior : 'create',
      literals,
      envFiles,
      files,
      labels: r.stringMap(r.at(item, 'options', 'labels')).entries,
      span,
    }];
  });
}

/** `KEY=VALUE` as kustomize reads a literal: split at the first `=`, surrounding quotes removed. */
function readLiteral(text: Located<string>, scalarType: string | undefined): GeneratorLiteral | undefined {
  const eq = text.value.indexOf('=');
  if (eq <= 0) return undefined;
  // In a quoted scalar the text starts one character after the span does (escapes aside).
  const offset = text.span.start + (scalarType === 'QUOTE_DOUBLE' || scalarType === 'QUOTE_SINGLE' ? 1 : 0);
  const key = text.value.slice(0, eq);
  return {
    key: { value: key, span: { start: offset, end: offset + eq } },
    value: unquote(text.value.slice(eq + 1)),
    valueSpan: { start: offset + eq + 1, end: Math.min(text.span.end, offset + text.value.length) },
  };
}

function unquote(value: string): string {
  return value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0] ? value.slice(1, -1) : value;
}

/** The entries of a generator env file: `KEY=VALUE` lines; a bare `KEY` takes its value from the environment, so it is unknown. */
export function readEnvText(text: string): { key: string; value: string | undefined }[] {
  const out: { key: string; value: string | undefined }[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq === 0) continue;
    if (eq < 0) out.push({ key: line, value: undefined });
    else out.push({ key: line.slice(0, eq).trim(), value: unquote(line.slice(eq + 1)) });
  }
  return out;
}

/**
 * A file that is not a manifest but that a build reads (a generator's env file), held as text so
 * the graph can read it: no resources, no notes.
 */
export function textInputFile(uri: string, text: string, version = 0): ParsedFile {
  return newParsedFile({ uri, version, text, resources: [], notes: [], disabled: NO_DIRECTIVES, documentCount: 0 });
}

// ---------------------------------------------------------------------------------------------
// Patch bodies

/**
 * Reads a patch's text: a YAML or JSON list of operations is JSON6902; objects are strategic-merge
 * patches (partial resources). Spans of what it reads are offsets into `text`.
 */
export function readPatchText(uri: string, text: string): PatchBody {
  if (maskTemplateActions(text)) return { kind: 'unreadable' };
  let documents: Document.Parsed[];
  try {
    documents = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false, strict: false }) as Document.Parsed[];
  } catch {
    return { kind: 'unreadable' };
  }
  if (!Array.isArray(documents)) return { kind: 'unreadable' };
  documents = documents.filter((document) => document.contents !== null);
  if (documents.length === 0 || documents.some((document) => document.errors.length > 0)) return { kind: 'unreadable' };
  if (isSeq(documents[0].contents)) return { kind: 'json6902', operations: readOperations(documents[0]) };
  const objects: PatchObject[] = [];
  documents.forEach((document, index) => {
    const r = new YamlReader(document, []);
    const map = r.map(document.contents);
    if (!map) return;
    const deletesResource = r.knownString(r.get(map, '$patch'))?.value === 'delete';
    const deletions = takeDeletions(r, map);
    const resource = readResource(uri, `${uri}#patch.${index}`, r, map);
    if (resource) objects.push({ resource, deletesResource, deletions });
  });
  return { kind: 'strategic', objects };
}

/**
 * Removes list items marked `$patch: delete` from a patch's tree (so they do not read as items to
 * add) and returns them by merge key: containers by name, ports by number or name, env by name.
 */
function takeDeletions(r: YamlReader, map: YAMLMap): ListDeletions {
  const deletions: ListDeletions = { containers: [], containerPorts: [], env: [], servicePorts: [] };
  const marked = (item: unknown) => r.knownString(r.get(item, '$patch'))?.value === 'delete';
  const keyOf = (item: unknown, numberKey: string): number | string | undefined => {
    const number = r.scalar(r.get(item, numberKey))?.value;
    return typeof number === 'number' ? number : r.knownString(r.get(item, 'name'))?.value;
  };
  const sweep = (seq: unknown, onDelete: (item: unknown) => void) => {
    const list = r.seq(seq);
    if (!list) return;
    list.items = list.items.filter((item) => {
      if (!marked(item)) return true;
      onDelete(item);
      return false;
    });
  };
  const spec = r.get(map, 'spec');
  for (const podSpec of [r.at(spec, 'template', 'spec'), r.at(spec, 'jobTemplate', 'spec', 'template', 'spec'), spec]) {
    for (const field of ['containers', 'initContainers']) {
      sweep(r.get(podSpec, field), (item) => {
        const name = r.knownString(r.get(item, 'name'))?.value;
        if (name) deletions.containers.push(name);
      });
      for (const container of r.items(r.get(podSpec, field))) {
        const name = r.knownString(r.get(container, 'name'))?.value;
        if (!name) continue;
        sweep(r.get(container, 'ports'), (item) => {
          const port = keyOf(item, 'containerPort');
          if (port !== undefined) deletions.containerPorts.push({ container: name, port });
        });
        sweep(r.get(container, 'env'), (item) => {
          const env = r.knownString(r.get(item, 'name'))?.value;
          if (env) deletions.env.push({ container: name, name: env });
        });
      }
    }
  }
  if (r.stringAt(map, 'kind')?.value === 'Service') {
    sweep(r.get(spec, 'ports'), (item) => {
      const port = keyOf(item, 'port');
      if (port !== undefined) deletions.servicePorts.push(port);
    });
  }
  return deletions;
}

function readOperations(document: Document.Parsed): JsonPatchOperation[] {
  const r = new YamlReader(document, []);
  return r.items(document.contents).flatMap((item) => {
    const op = r.knownString(r.get(item, 'op'))?.value;
    const path = r.knownString(r.get(item, 'path'))?.value;
    if (!op || path === undefined || !path.startsWith('/')) return [];
    const valueNode = r.get(item, 'value');
    let value: unknown;
    try {
      value = valueNode === undefined ? undefined : isScalar(valueNode) || isMap(valueNode) || isSeq(valueNode) ? valueNode.toJSON() : undefined;
    } catch {
      value = undefined;
    }
    const tokens = path.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
    return [{ op, path: tokens, value }];
  });
}

// ---------------------------------------------------------------------------------------------
// Values of JSON6902 operations, read as the model reads the same fields in a manifest

/**
 * Reads plain data (a JSON6902 value) as the model would read it inside a manifest, by writing a
 * small manifest around it. Spans of the result point into that manifest, not into any file, so
 * callers place them.
 */
function readWrapped(wrapper: unknown): Resource | undefined {
  try {
    const text = stringify(wrapper);
    const [document] = parseAllDocuments(text) as Document.Parsed[];
    const r = new YamlReader(document, []);
    const map = r.map(document.contents);
    return map ? readResource('', '', r, map) : undefined;
  } catch {
    return undefined;
  }
}

const podWith = (container: unknown) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [container] } });

/** A container written as a JSON6902 value. */
export function containerFromValue(value: unknown): Container | undefined {
  return isObject(value) ? readWrapped(podWith(value))?.workload?.containers[0] : undefined;
}

/** Container ports written as a JSON6902 value (one port, or a list of them). */
export function containerPortsFromValue(value: unknown): ContainerPort[] {
  const ports = Array.isArray(value) ? value : [value];
  if (!ports.every(isObject)) return [];
  return readWrapped(podWith({ name: 'x', ports }))?.workload?.containers[0]?.ports ?? [];
}

/** Env vars written as a JSON6902 value (one, or a list). */
export function envFromValue(value: unknown): EnvVar[] {
  const env = Array.isArray(value) ? value : [value];
  if (!env.every(isObject)) return [];
  return readWrapped(podWith({ name: 'x', env }))?.workload?.containers[0]?.env ?? [];
}

/** Command or args items written as a JSON6902 value (one, or a list). */
export function argvFromValue(value: unknown): Located<string>[] {
  const args = (Array.isArray(value) ? value : [value]).filter((item) => typeof item === 'string' || typeof item === 'number');
  return readWrapped(podWith({ name: 'x', args }))?.workload?.containers[0]?.argv ?? [];
}

/** Service ports written as a JSON6902 value (one, or a list). */
export function servicePortsFromValue(value: unknown): ServicePort[] {
  const ports = Array.isArray(value) ? value : [value];
  if (!ports.every(isObject)) return [];
  return readWrapped({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports } })?.service?.ports ?? [];
}

/** A port scalar (containerPort, targetPort, …) written as a JSON6902 value: integers are numbers, strings names. */
export function portFromValue(value: unknown): PortValue | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  return readWrapped({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 1, targetPort: value }] } })?.service?.ports[0]?.targetPort;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
