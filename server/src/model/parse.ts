// Text → resources with ranges. Total: any input, however broken, gives a ParsedFile.

import { isMap, isScalar, isSeq, parseAllDocuments, parseDocument, type Document } from 'yaml';
import { computeLineStarts, readDisableDirectives } from './text';
import { readResource } from './resources';
import { scanTemplate } from './template';
import { YamlReader, type PlacedSubstitution, type TemplateContext } from './yamlTree';
import type { ChartTemplate, FileNote, HelmValues, ParsedFile, Resource, Span, TemplateSubstitution } from './types';

/** Files above this size are not parsed; they are reported instead (generated dumps, not manifests). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Parses one file version into resources. Never throws. `chart` is set for a chart's template:
 * its substitutions are the rendered values of some of its actions (the graph works them out from
 * the chart's values.yaml), which the model reads as if the template had rendered them, marked
 * with their origin.
 */
export function parseFile(uri: string, text: string, version = 0, chart?: ChartTemplate): ParsedFile {
  const lineStarts = computeLineStarts(text);
  const file: ParsedFile = {
    uri,
    version,
    text,
    lineStarts,
    resources: [],
    notes: [],
    disabled: readDisableDirectives(text, lineStarts),
    documentCount: 0,
  };
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
    readDocuments(file, chart);
    if (VALUES_FILE.test(uri)) file.helmValues = readHelmValues(text);
  } catch (error) {
    // The yaml package is total in practice; this keeps the promise if a future version is not.
    file.resources = [];
    file.notes.push({ kind: 'unreadable', message: `not read: ${(error as Error)?.message ?? String(error)}`, span: head });
  }
  return file;
}

function readDocuments(file: ParsedFile, chart: ChartTemplate | undefined): void {
  const substitutions = chart?.substitutions ?? [];
  const scan = scanTemplate(file.text);
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
  const parsed = parseAllDocuments(source, { prettyErrors: false, uniqueKeys: false, strict: false });
  const documents: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  file.documentCount = documents.length;
  documents.forEach((document, index) => {
    const reader = new YamlReader(document, actions, context);
    if (document.errors.length > 0) {
      const error = document.errors[0];
      const at = reader.originalSpan(error.pos?.[0] ?? document.range[0], error.pos?.[1] ?? error.pos?.[0] ?? document.range[0]);
      const start = at.start;
      const end = Math.max(start, at.end);
      const message = firstLine(error.message);
      file.notes.push({
        kind: 'yaml-syntax',
        message: `YAML document ${index + 1} was not read: ${message}${masked ? ' (in a file with template actions)' : ''}`,
        span: { start, end },
      });
      return;
    }
    const id = `${file.uri}#${index}`;
    collectResources(file.uri, id, reader, document.contents, file.resources);
  });
  if (scan && file.resources.length > 0) {
    const message = substitutions.length > 0 ? "a template: values are read from the chart's values.yaml where an action looks them up; the rest are unknown" : 'a template: values computed by template actions are unknown';
    file.notes.push({ kind: 'template', message, span: scan.actions[0].span });
  }
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
  if (resource) out.push(resource);
}

function looksBinary(text: string): boolean {
  const sample = text.length > 8192 ? text.slice(0, 8192) : text;
  return sample.includes('\u0000');
}

function firstLine(message: string): string {
  const line = message.split(/\r?\n/)[0];
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}
