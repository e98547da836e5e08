// Text → resources with ranges. Total: any input, however broken, gives a ParsedFile.

import { parseAllDocuments, type Document } from 'yaml';
import { computeLineStarts, maskTemplateActions, readDisableDirectives } from './text';
import { readResource } from './resources';
import { YamlReader } from './yamlTree';
import type { FileNote, ParsedFile, Resource, Span } from './types';

/** Files above this size are not parsed; they are reported instead (generated dumps, not manifests). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Parses one file version into resources. Never throws. */
export function parseFile(uri: string, text: string, version = 0): ParsedFile {
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
    readDocuments(file);
  } catch (error) {
    // The yaml package is total in practice; this keeps the promise if a future version is not.
    file.resources = [];
    file.notes.push({ kind: 'unreadable', message: `not read: ${(error as Error)?.message ?? String(error)}`, span: head });
  }
  return file;
}

function readDocuments(file: ParsedFile): void {
  const masked = maskTemplateActions(file.text);
  const source = masked?.text ?? file.text;
  const actions = masked?.actions ?? [];
  const parsed = parseAllDocuments(source, { prettyErrors: false, uniqueKeys: false, strict: false });
  const documents: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  file.documentCount = documents.length;
  documents.forEach((document, index) => {
    if (document.errors.length > 0) {
      const error = document.errors[0];
      const start = error.pos?.[0] ?? document.range[0];
      const end = Math.max(start, error.pos?.[1] ?? start);
      const message = firstLine(error.message);
      file.notes.push({
        kind: 'yaml-syntax',
        message: `YAML document ${index + 1} was not read: ${message}${masked ? ' (in a file with template actions)' : ''}`,
        span: { start, end },
      });
      return;
    }
    const reader = new YamlReader(document, actions);
    const id = `${file.uri}#${index}`;
    collectResources(file.uri, id, reader, document.contents, file.resources);
  });
  if (masked && file.resources.length > 0) {
    file.notes.push({ kind: 'template', message: 'a template: values computed by template actions are unknown', span: actions[0] });
  }
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
