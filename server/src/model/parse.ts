// Text → resources with ranges. Total: any input, however broken, gives a ParsedFile.

import { Composer, isMap, isScalar, isSeq, parseDocument, Parser, type Document } from 'yaml';
import { exactArray, SharedMaps } from './compact';
import { newParsedFile, readDisableDirectives } from './text';
import { readEmbeddedWorkloads, readResource } from './resources';
import { scanTemplate } from './template';
import { YamlReader, type PlacedSubstitution, type TemplateContext } from './yamlTree';
import type { ChartTemplate, FileNote, HelmValues, ParsedFile, Resource, Span, TemplateSubstitution } from './types';

/** Files above this size are not parsed; they are reported instead (generated dumps, not manifests). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Parses one file version into resources. Never throws. `chart` is set for a chart's template:
 * its substitutions are the rendered values of some of its actions (the graph works them out from
 * the chart's values.yaml), which the model reads as if the template had rendered them, marked
 * with their origin. `previous` is an earlier version of the same file: the documents of a plain
 * file whose text it already holds are copied from it instead of parsed again, with the same result.
 */
export function parseFile(uri: string, text: string, version = 0, chart?: ChartTemplate, previous?: ParsedFile): ParsedFile {
  const steps = parseFileInSteps(uri, text, version, chart, previous);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `parseFile` one document at a time: the generator pauses after each document it reads, and
 * returns the ParsedFile. A caller that must stay responsive (the language server reading a file
 * of tens of thousands of lines) does other work between steps; the result is parseFile's.
 */
export function* parseFileInSteps(uri: string, text: string, version = 0, chart?: ChartTemplate, previous?: ParsedFile): Generator<void, ParsedFile, void> {
  const file = newParsedFile({ uri, version, text, resources: [], notes: [], disabled: readDisableDirectives(text), documentCount: 0 });
  const head: Span = { start: 0, end: 0 };
  if (text.length > MAX_FILE_BYTES) {
    file.notes.push({ kind: 'too-large', message: `not read: ${Math.round(text.length / 1048576)} MB is more than portchain reads in one file (${MAX_FILE_BYTES / 1048576} MB)`, span: head });
    return file;
  }
  if (looksBinary(text)) {
    file.notes.push({ kind: 'binary', message: 'not read: the file holds binary data, not YAML text', span: head });
    return file;
  }
  try {
    yield* readDocuments(file, chart, previous);
    file.resources = exactArray(file.resources);
    shareEqualMaps(file.resources);
    file.notes = exactArray(file.notes);
    if (VALUES_FILE.test(uri)) file.helmValues = readHelmValues(text);
  } catch (error) {
    // The yaml package is total in practice; this keeps the promise if a future version is not.
    file.resources = [];
    file.notes.push({ kind: 'unreadable', message: `not read: ${(error as Error)?.message ?? String(error)}`, span: head });
  }
  return file;
}

function* readDocuments(file: ParsedFile, chart: ChartTemplate | undefined, previous: ParsedFile | undefined): Generator<void, void, void> {
  const substitutions = chart?.substitutions ?? [];
  const scan = scanTemplate(file.text);
  // A plain file's documents read alone, so an edit re-parses only the documents it changed.
  if (!scan && substitutions.length === 0) {
    yield* readPlainDocuments(file, previous?.uri === file.uri ? chunkResults.get(previous) : undefined);
    return;
  }
  let source = file.text;
  let actions: Span[] = [];
  let context: TemplateContext | undefined;
  if (scan) {
    const rendered = substitute(scan.masked, scan.actions, substitutions);
    source = rendered.text;
    const resolved = new Set(rendered.placed.map((placed) => placed.span.start));
    actions = scan.actions.filter((action) => !resolved.has(action.span.start)).map((action) => action.span);
    context = { text: file.text, lineStarts: file.lineStarts, actions: scan.actions, substitutions: rendered.placed, partsKnown: chart !== undefined };
  }
  const masked = scan !== undefined;
  const chunks = documentChunks(source);
  file.documentCount = chunks.length;
  for (const [index, chunk] of chunks.entries()) {
    // A cheap look at the top-level kind first: most bytes of a large workspace are CRDs, RBAC
    // and files that are not Kubernetes at all, and none of them carries a port.
    if (!mayHoldPorts(source, chunk)) continue;
    const document = parseChunk(source, chunk);
    if (!document) continue;
    const reader = new YamlReader(document, actions, context);
    readChunk(file.uri, index, document, reader, masked, file.resources, file.notes);
    yield;
  }
  if (scan && file.resources.length > 0) {
    const message = substitutions.length > 0 ? "a template: values are read from the chart's values.yaml where an action looks them up; the rest are unknown" : 'a template: values computed by template actions are unknown';
    file.notes.push({ kind: 'template', message, span: scan.actions[0].span });
  }
}

/** Reads one parsed document into resources, or a note on why it was not read. */
function readChunk(uri: string, index: number, document: Document.Parsed, reader: YamlReader, masked: boolean, resources: Resource[], notes: FileNote[]): void {
  if (document.errors.length > 0) {
    const error = document.errors[0];
    const at = reader.originalSpan(error.pos?.[0] ?? document.range[0], error.pos?.[1] ?? error.pos?.[0] ?? document.range[0]);
    const start = at.start;
    const end = Math.max(start, at.end);
    const message = firstLine(error.message);
    notes.push({
      kind: 'yaml-syntax',
      message: `${documentLabel(index)} was not read: ${message}${masked ? ' (in a file with template actions)' : ''}`,
      span: { start, end },
    });
    return;
  }
  collectResources(uri, `${uri}#${index}`, reader, document.contents, resources);
}

function documentLabel(index: number): string {
  return `YAML document ${index + 1}`;
}

/** What one document of a plain file read to, kept so that the next version can copy it. */
interface ChunkResult {
  text: string;
  start: number;
  index: number;
  resources: Resource[];
  notes: FileNote[];
}

/**
 * The documents of each plain file version that holds more than one, for the next version of the
 * file to reuse. A file of one document gains nothing from it (an edit changes that document), and
 * most files of a workspace are such files: keeping theirs would cost memory for nothing.
 */
const chunkResults = new WeakMap<ParsedFile, ChunkResult[]>();

/** Reads a file without template actions document by document, copying each document `before` holds with the same text. */
function* readPlainDocuments(file: ParsedFile, before: readonly ChunkResult[] | undefined): Generator<void, void, void> {
  const source = file.text;
  const chunks = documentChunks(source);
  file.documentCount = chunks.length;
  const earlier = new Map<string, ChunkResult[]>();
  if (before) {
    for (const result of before) {
      const same = earlier.get(result.text);
      if (same) same.push(result);
      else earlier.set(result.text, [result]);
    }
  }
  const results: ChunkResult[] = [];
  for (const [index, chunk] of chunks.entries()) {
    const text = source.slice(chunk.start, chunk.end);
    const same = earlier.get(text);
    // Equal texts read alike; the one at the same place is the most likely to need no renumbering.
    const match = same?.find((result) => result.index === index) ?? same?.[0];
    const result = (match && moveChunk(file.uri, match, text, chunk.start, index)) ?? readPlainChunk(file.uri, source, chunk, index, text);
    results.push(result);
    file.resources.push(...result.resources);
    file.notes.push(...result.notes);
    yield;
  }
  if (results.length > 1) chunkResults.set(file, results);
}

function readPlainChunk(uri: string, source: string, chunk: Span, index: number, text: string): ChunkResult {
  const result: ChunkResult = { text, start: chunk.start, index, resources: [], notes: [] };
  // A cheap look at the top-level kind first: most bytes of a large workspace are CRDs, RBAC
  // and files that are not Kubernetes at all, and none of them carries a port.
  if (!mayHoldPorts(source, chunk)) return result;
  const document = parseChunk(source, chunk);
  if (document) readChunk(uri, index, document, new YamlReader(document, []), false, result.resources, result.notes);
  result.resources = exactArray(result.resources);
  return result;
}

/**
 * A document read before, as a fresh parse of it at `start` as document `index` reads: every
 * span moved, ids and messages renumbered. Undefined where that cannot be told apart (see moveSpans).
 */
function moveChunk(uri: string, from: ChunkResult, text: string, start: number, index: number): ChunkResult | undefined {
  const delta = start - from.start;
  // A document read at offset 0 may hold a real empty span at 0, which the resource reader also writes for a node without a range.
  if (delta !== 0 && from.start === 0 && hasEmptySpanAtZero([from.resources, from.notes])) return undefined;
  const oldId = `${uri}#${from.index}`;
  const newId = `${uri}#${index}`;
  const resources = from.resources.map((resource) => {
    const moved = moveSpans(resource, delta) as Resource;
    if (index !== from.index && moved.id.startsWith(oldId)) moved.id = newId + moved.id.slice(oldId.length);
    return moved;
  });
  const notes = from.notes.map((note) => {
    const moved = moveSpans(note, delta) as FileNote;
    const oldLabel = documentLabel(from.index);
    if (index !== from.index && moved.message.startsWith(oldLabel)) moved.message = documentLabel(index) + moved.message.slice(oldLabel.length);
    return moved;
  });
  // The new version's slice: one of the old text would keep that whole old text alive.
  return { text, start, index, resources, notes };
}

/** Whether a span is `{ start, end }` and nothing else. */
function isSpan(value: object): value is Span {
  const keys = Object.keys(value);
  return keys.length === 2 && typeof (value as Span).start === 'number' && typeof (value as Span).end === 'number';
}

/** Makes the equal label and selector maps of one file's resources one map each (SharedMaps). */
function shareEqualMaps(resources: readonly Resource[]): void {
  const maps = new SharedMaps();
  for (const resource of resources) {
    resource.labels = maps.share(resource.labels);
    resource.annotations = maps.share(resource.annotations);
    const workload = resource.workload;
    if (workload) {
      workload.podLabels = maps.share(workload.podLabels);
      if (workload.selector) workload.selector.matchLabels = maps.share(workload.selector.matchLabels);
    }
    if (resource.service?.selector) resource.service.selector.matchLabels = maps.share(resource.service.selector.matchLabels);
    if (resource.networkPolicy?.podSelector) resource.networkPolicy.podSelector.matchLabels = maps.share(resource.networkPolicy.podSelector.matchLabels);
  }
}

/**
 * A deep copy of model data with every span moved by `delta`. The resource reader writes `{0, 0}`
 * for a node without a range, which a fresh parse leaves at 0 too, so such spans stay put.
 */
function moveSpans(value: unknown, delta: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => moveSpans(item, delta));
  if (value instanceof Map) return value.size === 0 ? value : new Map([...value].map(([key, item]) => [key, moveSpans(item, delta)]));
  if (value instanceof Set) return value.size === 0 ? value : new Set([...value].map((item) => moveSpans(item, delta)));
  if (isSpan(value)) return value.start === 0 && value.end === 0 ? { start: 0, end: 0 } : { start: value.start + delta, end: value.end + delta };
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = moveSpans((value as Record<string, unknown>)[key], delta);
  return copy;
}

function hasEmptySpanAtZero(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasEmptySpanAtZero);
  if (value instanceof Map || value instanceof Set) return [...value.values()].some(hasEmptySpanAtZero);
  if (isSpan(value)) return value.start === 0 && value.end === 0;
  return Object.values(value).some(hasEmptySpanAtZero);
}

const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: false, strict: false } as const;

/** Parses one document of the text, with node ranges that are offsets into the whole text. */
function parseChunk(source: string, chunk: Span): Document.Parsed | undefined {
  const parser = new Parser();
  // The parser counts offsets from where it is told to start, so node ranges stay text offsets.
  parser.offset = chunk.start;
  const composer = new Composer(PARSE_OPTIONS);
  let document: Document.Parsed | undefined;
  for (const parsed of composer.compose(parser.parse(source.slice(chunk.start, chunk.end)), true, chunk.end)) {
    document ??= parsed as Document.Parsed;
  }
  return document;
}

/**
 * The documents of a YAML stream: a line that starts with `---` or `...` ends one (YAML forbids
 * either at the start of a line inside content). A chunk of only comments and blank lines is no
 * document.
 */
export function documentChunks(text: string): Span[] {
  const chunks: Span[] = [];
  let start = 0;
  let lineStart = 0;
  const close = (end: number) => {
    if (hasContent(text, start, end)) chunks.push({ start, end });
  };
  for (;;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline + 1;
    if (isMarker(text, lineStart)) {
      if (lineStart > start) close(lineStart);
      // `---` opens the next document (and may carry its content); `...` only ends one.
      start = text.charCodeAt(lineStart) === 46 ? lineEnd : lineStart;
    }
    if (newline < 0) break;
    lineStart = lineEnd;
  }
  if (start < text.length) close(text.length);
  return chunks;
}

function isMarker(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c !== 45 /* - */ && c !== 46 /* . */) return false;
  if (text.charCodeAt(at + 1) !== c || text.charCodeAt(at + 2) !== c) return false;
  const next = text.charCodeAt(at + 3);
  return Number.isNaN(next) || next === 32 || next === 9 || next === 10 || next === 13;
}

/** Whether a chunk holds anything but blank lines, comments and its `---` marker. */
function hasContent(text: string, start: number, end: number): boolean {
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    let line = text.slice(lineStart, lineEnd).trim();
    if (lineStart === start && isMarker(text, lineStart)) line = line.slice(3).trim();
    if (line !== '' && !line.startsWith('#')) return true;
    lineStart = lineEnd + 1;
  }
  return false;
}

/** Kinds that never carry a port, a selector or a port setting: read past without parsing. */
const PORTLESS_KINDS = new Set([
  'CustomResourceDefinition', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ServiceAccount',
  'PodSecurityPolicy', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'APIService', 'PriorityClass', 'StorageClass', 'PersistentVolume',
  'PersistentVolumeClaim', 'LimitRange', 'ResourceQuota', 'PodDisruptionBudget', 'CSIDriver', 'RuntimeClass',
  'VolumeSnapshotClass', 'IngressClass', 'GatewayClass', 'Certificate', 'ClusterIssuer', 'Issuer', 'PrometheusRule',
]);

const TOP_LEVEL_KIND = /^kind:[ \t]*["']?([A-Za-z0-9]+)["']?[ \t]*(?:#.*)?\r?$/m;

/** Whether a document may matter to the port graph: Kubernetes at all, and not of a kind that carries no port. */
function mayHoldPorts(text: string, chunk: Span): boolean {
  const body = text.slice(chunk.start, chunk.end);
  const kind = TOP_LEVEL_KIND.exec(body)?.[1];
  if (kind !== undefined) return !PORTLESS_KINDS.has(kind);
  // No plain top-level `kind:` line: a flow mapping, an indented document, a List's items, or not Kubernetes at all.
  return body.includes('kind') || body.includes('apiVersion');
}

/**
 * The text the YAML parser reads for a template: actions blanked out (see maskTemplateActions),
 * except those with a substitution, which read as their rendered text. Substitutions that match
 * no action that prints are ignored.
 */
function substitute(masked: string, actions: readonly { span: Span; output: boolean }[], substitutions: readonly TemplateSubstitution[]): { text: string; placed: PlacedSubstitution[] } {
  if (substitutions.length === 0) return { text: masked, placed: [] };
  const printing = new Map(actions.filter((action) => action.output).map((action) => [action.span.start, action.span.end]));
  const usable = substitutions
    .filter((substitution) => printing.get(substitution.span.start) === substitution.span.end && !/[\r\n]/.test(substitution.text))
    .sort((a, b) => a.span.start - b.span.start);
  const pieces: string[] = [];
  const placed: PlacedSubstitution[] = [];
  let read = 0;
  let length = 0;
  for (const substitution of usable) {
    if (substitution.span.start < read) continue;
    const before = masked.slice(read, substitution.span.start);
    pieces.push(before, substitution.text);
    length += before.length;
    placed.push({ span: substitution.span, parsedStart: length, parsedEnd: length + substitution.text.length, origin: substitution.origin });
    length += substitution.text.length;
    read = substitution.span.end;
  }
  pieces.push(masked.slice(read));
  return { text: pieces.join(''), placed };
}

/** A chart's values file: `values.yaml` or `values.yml`. */
const VALUES_FILE = /(^|\/)values\.ya?ml$/;

/** The first document of a values file as plain data, with the span of every scalar by its dotted path. */
function readHelmValues(text: string): HelmValues | undefined {
  try {
    return helmValuesOf(text);
  } catch {
    // A values file the yaml package cannot turn into data (an alias bomb) resolves nothing.
    return undefined;
  }
}

function helmValuesOf(text: string): HelmValues | undefined {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: false, strict: false });
  if (document.errors.length > 0 || !isMap(document.contents)) return undefined;
  const spans = new Map<string, Span>();
  const walk = (node: unknown, path: string) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = `${path}${String(pair.key.value)}`;
      const value = pair.value;
      if (isScalar(value) && value.range) spans.set(key, { start: value.range[0], end: value.range[1] });
      else if (isMap(value)) walk(value, `${key}.`);
      else if (isSeq(value) && value.range) spans.set(key, { start: value.range[0], end: value.range[1] });
    }
  };
  walk(document.contents, '');
  return { data: document.toJS({ maxAliasCount: 100 }), spans };
}

/** Reads a document (or a List's items) into resources. */
function collectResources(uri: string, id: string, reader: YamlReader, node: unknown, out: Resource[]): void {
  const map = reader.map(node);
  if (!map) return;
  const kind = reader.stringAt(map, 'kind')?.value;
  const items = reader.get(map, 'items');
  if (kind !== undefined && (kind === 'List' || kind.endsWith('List')) && reader.seq(items)) {
    reader.items(items).forEach((item, index) => {
      collectResources(uri, `${id}.${index}`, reader, item, out);
    });
    return;
  }
  const resource = readResource(uri, id, reader, map);
  if (!resource) return;
  out.push(resource);
  // Workloads written inside the resource (an OLM bundle's Deployments) follow it, each a resource of its own.
  out.push(...readEmbeddedWorkloads(resource, reader, map));
}

function looksBinary(text: string): boolean {
  const sample = text.length > 8192 ? text.slice(0, 8192) : text;
  return sample.includes('\u0000');
}

function firstLine(message: string): string {
  const line = message.split(/\r?\n/)[0];
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}
