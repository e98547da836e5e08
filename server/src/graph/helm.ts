// Helm charts: a template's `.Values` lookups resolved from its chart's values.yaml.
//
// The model reads one file at a time, so a template alone cannot know its values. The graph can:
// it holds the chart's Chart.yaml and values.yaml (whose data the model keeps as `helmValues`),
// works out what each lookup renders to, and has the model parse the template with those values
// in place (parseFile's substitutions). A values.yaml or Chart.yaml therefore is a dependency of
// every template of its chart: `setFileText` and `deleteFileText` set a file and re-read the
// templates it changes, and say which files they set, so that an incremental rule run re-checks
// them. Project and the tests go through them; nothing else should call `graph.setFile` for text.
//
// What a lookup cannot resolve (a value that is not set, a map, a value that would not stay one
// plain YAML scalar) stays an action, and the model reads it as unknown.

import { parseFile } from '../model/parse';
import { scanTemplate, type ValuesLookup } from '../model/template';
import type { HelmValues, Located, ParsedFile, PortValue, Span, TemplateSubstitution, ValueOrigin } from '../model/types';
import { directoryOf, type PortGraph } from './portGraph';

/** A chart: its folder, and its values file where the graph holds one. */
export interface Chart {
  /** The chart's folder, with a trailing slash. */
  root: string;
  valuesUri: string | undefined;
  values: HelmValues | undefined;
}

/** Called with each file a change sets or deletes, and its facts before the change. */
export type OnFileChange = (uri: string, previous: ParsedFile | undefined) => void;

const CHART_FILE = /(^|\/)Chart\.yaml$/;
const VALUES_FILES = ['values.yaml', 'values.yml'];

/**
 * The folder above the nearest `templates/` folder of a URI: the chart its template actions are
 * written for (includes and lookups mean the same thing within it). No Chart.yaml needed.
 */
export function templateRootOf(uri: string): string | undefined {
  const at = uri.lastIndexOf('/templates/');
  return at < 0 ? undefined : uri.slice(0, at + 1);
}

/** The chart of a template: the nearest folder above a `templates/` folder of its path that holds a Chart.yaml. */
export function chartOf(graph: PortGraph, uri: string): Chart | undefined {
  let path = directoryOf(uri);
  while (path.length > 1) {
    const parent = directoryOf(path.slice(0, -1));
    if (path.endsWith('/templates/') && graph.file(`${parent}Chart.yaml`)) {
      for (const name of VALUES_FILES) {
        const values = graph.file(parent + name);
        if (values) return { root: parent, valuesUri: values.uri, values: values.helmValues };
      }
      return { root: parent, valuesUri: undefined, values: undefined };
    }
    if (parent === path) break;
    path = parent;
  }
  return undefined;
}

/**
 * What one `.Values` lookup renders to, as Helm would print it, and where the value is written;
 * undefined where the values cannot tell (unset with no `default`, a map or list, a value that
 * would not read back as the same single YAML scalar). `before` is the character before the
 * action: a quoted result inside quotes would not parse.
 */
export function resolveTemplateValue(chart: Chart, templateUri: string, lookup: ValuesLookup, span: Span, before = ''): TemplateSubstitution | undefined {
  if (!chart.values || !chart.valuesUri) return undefined;
  const path = lookup.path.join('.');
  let value = valueAt(chart.values.data, lookup.path);
  let origin: ValueOrigin | undefined = value === undefined ? undefined : { path, uri: chart.valuesUri, span: chart.values.spans.get(path) ?? { start: 0, end: 0 }, fallback: false };
  let quoted = false;
  for (const step of lookup.steps) {
    switch (step.kind) {
      case 'default':
        if (isEmpty(value)) {
          value = step.value;
          origin = { path, uri: templateUri, span: step.span, fallback: true };
          quoted = false;
        }
        break;
      case 'quote':
        if (value === undefined || value === null || typeof value === 'object') return undefined;
        value = scalarText(value);
        quoted = true;
        break;
      case 'int':
        if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) value = Number(value.trim());
        if (typeof value !== 'number') return undefined;
        value = Math.trunc(value);
        break;
      case 'toString':
        if (value === undefined || value === null || typeof value === 'object') return undefined;
        value = scalarText(value);
        break;
    }
  }
  if (!origin || value === undefined || value === null || typeof value === 'object') return undefined;
  const text = scalarText(value);
  if (text === undefined) return undefined;
  if (quoted) {
    if (!QUOTABLE.test(text) || before === '"' || before === "'") return undefined;
    return { span, text: `"${text}"`, origin };
  }
  return PLAIN.test(text) && !text.endsWith(':') ? { span, text, origin } : undefined;
}

/** Text that reads back as the same plain scalar wherever an action can stand: in a value, a key, or inside quotes. */
const PLAIN = /^[A-Za-z0-9._/][A-Za-z0-9._/@+:=-]*$/;
/** Text that `quote` may wrap without escapes. */
const QUOTABLE = /^[A-Za-z0-9._/@+:= -]*$/;

function valueAt(data: unknown, path: readonly string[]): unknown {
  let current = data;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Empty as sprig's `default` sees it: nil, false, 0, "", and empty lists and maps. */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value as object).length === 0;
}

/** A scalar as Go's template printer writes it: integers in decimal, booleans as words. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) < 1e21 ? String(value) : undefined;
  return undefined;
}

/** The substitutions for a template's actions: every `.Values` lookup its chart's values resolve. */
export function substitutionsFor(chart: Chart, uri: string, text: string): TemplateSubstitution[] {
  if (!chart.values) return [];
  const scan = scanTemplate(text);
  if (!scan) return [];
  const substitutions: TemplateSubstitution[] = [];
  for (const action of scan.actions) {
    if (!action.output || action.expression?.kind !== 'values') continue;
    const substitution = resolveTemplateValue(chart, uri, action.expression, action.span, text[action.span.start - 1]);
    if (substitution) substitutions.push(substitution);
  }
  return substitutions;
}

/**
 * Parses a file the way the graph holds it: a chart's template (a file with actions below the
 * `templates/` folder of a chart) with the values its values.yaml gives, judged part by part.
 * `previous`, the file's version before, lets the model copy the documents an edit left alone.
 */
export function parseInGraph(graph: PortGraph, uri: string, text: string, version = 0, previous?: ParsedFile): ParsedFile {
  const chart = parsesAlone(uri, text) ? undefined : chartOf(graph, uri);
  return parseFile(uri, text, version, chart ? { substitutions: substitutionsFor(chart, uri, text) } : undefined, previous);
}

/**
 * Whether a file reads the same whatever else the workspace holds, so that it can be parsed
 * anywhere (on another thread): anything but a chart's template with actions, which reads with
 * its chart's values.
 */
export function parsesAlone(uri: string, text: string): boolean {
  return templateRootOf(uri) === undefined || !text.includes('{{');
}

/**
 * Parses a file's text and sets it in the graph; where it is a chart's values file or Chart.yaml,
 * re-reads the chart's templates against it. `changed` hears of every file set, before it is.
 * `parsed` is the file already parsed from this text, where it `parsesAlone`.
 */
export function setFileText(graph: PortGraph, uri: string, text: string, version = 0, changed?: OnFileChange, parsed?: ParsedFile): ParsedFile {
  const previous = graph.file(uri);
  const file = parsed ?? parseInGraph(graph, uri, text, version, previous);
  changed?.(uri, previous);
  graph.setFile(file);
  rereadTemplates(graph, uri, changed);
  return file;
}

/** Deletes a file from the graph, and re-reads the templates of a chart whose values file or Chart.yaml it was. */
export function deleteFileText(graph: PortGraph, uri: string, changed?: OnFileChange): boolean {
  const previous = graph.file(uri);
  if (!previous) return false;
  changed?.(uri, previous);
  graph.deleteFile(uri);
  rereadTemplates(graph, uri, changed);
  return true;
}

/** Whether a file's text decides how a chart's templates read: its Chart.yaml or its values file. */
export function isChartInput(uri: string): boolean {
  return CHART_FILE.test(uri) || VALUES_FILES.some((name) => uri.endsWith(`/${name}`));
}

/** Re-parses the templates of the chart whose Chart.yaml or values file `uri` is. */
function rereadTemplates(graph: PortGraph, uri: string, changed: OnFileChange | undefined): void {
  if (!isChartInput(uri)) return;
  const root = directoryOf(uri);
  const templates: ParsedFile[] = [];
  for (const file of graph.files()) {
    if (file.uri.startsWith(`${root}templates/`) && file.text.includes('{{')) templates.push(file);
  }
  for (const template of templates) {
    // A nested chart's templates follow their own chart.
    const chart = chartOf(graph, template.uri);
    if (chart && chart.root !== root) continue;
    const file = parseInGraph(graph, template.uri, template.text, template.version);
    changed?.(template.uri, template);
    graph.setFile(file);
  }
}

/**
 * How a message says where a value a template resolved comes from: ` (service.port in
 * chart/values.yaml)`, or ` (the default of .Values.service.port, which values.yaml leaves unset)`;
 * nothing for a value written as is.
 */
export function originNote(value: PortValue | Located<unknown> | undefined, where: (uri: string) => string): string {
  const origin = originOf(value);
  if (!origin) return '';
  return origin.fallback ? ` (the default of .Values.${origin.path}, which values.yaml leaves unset)` : ` (${origin.path} in ${where(origin.uri)})`;
}

/**
 * Where a fix that changes a value writes: for a value a template resolved, the values file's
 * entry (or the action's `default`), so the template keeps its action; else the value itself.
 */
export function valuePlace(uri: string, value: PortValue | Located<unknown>): { uri: string; span: Span } {
  const origin = originOf(value);
  return origin ? { uri: origin.uri, span: origin.span } : { uri, span: value.span };
}

/** Where a value a template resolved comes from; undefined for a value written as is (or unknown). */
export function originOf(value: PortValue | Located<unknown> | undefined): ValueOrigin | undefined {
  return value && 'origin' in value ? value.origin : undefined;
}
