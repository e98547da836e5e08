// Fixes that write what the chain already relies on: a targetPort that no container declares but
// the process is known to bind (a PORT env var, a listening flag, a probe) is a working link, so no
// rule reports it; a fix at that targetPort declares it as a containerPort, so the chain is written
// down where the next reader looks. Pure: graph in, fix hints out.

import { resolveTarget, serviceSelection, type GraphOptions } from '../graph/links';
import type { PortGraph } from '../graph/portGraph';
import type { Container, Resource, Span } from '../model/types';
import { styleOf } from './newObjects';
import type { TextEdit } from './portText';
import { describe, type FixHint } from './types';

/** The declarations a targetPort under `at` in `uri` would want: one fix per workload whose container binds it undeclared. */
export function declarePortHints(graph: PortGraph, options: GraphOptions, uri: string, at: Span): FixHint[] {
  const hints: FixHint[] = [];
  for (const service of graph.file(uri)?.resources ?? []) {
    if (!service.service || service.templated) continue;
    for (const servicePort of service.service.ports) {
      const target = servicePort.targetPort ?? servicePort.port;
      if (!target || target.kind !== 'number' || target.span.end < at.start || target.span.start > at.end) continue;
      const selection = serviceSelection(graph, service);
      if (selection.state !== 'ok') continue;
      for (const workload of selection.workloads) {
        if (workload.templated || workload.variant?.rewritten) continue;
        const resolution = resolveTarget(graph, service, servicePort, workload, options);
        if (resolution.state !== 'ok' || resolution.matches.length > 0 || resolution.explainedBy.length === 0) continue;
        const container = resolution.explainedBy[0].container;
        const wanted = servicePort.name?.value;
        const name = wanted && /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(wanted) && /[a-z]/.test(wanted) && !container.ports.some((port) => port.name?.value === wanted) ? wanted : undefined;
        const file = graph.file(workload.uri);
        const edit = file && declareEdit(file.text, workload, container, target.number, name);
        if (!edit) continue;
        hints.push({ title: `Declare containerPort ${target.number}${name ? ` (${name})` : ''} in ${describe(workload)}`, edits: [edit] });
      }
    }
  }
  return hints;
}

/** An edit that adds `containerPort: number` (and its name) to a container's ports, in the style of the ports it has, or a `ports:` list where it has none. */
export function declareEdit(text: string, workload: Resource, container: Container, number: number, name: string | undefined): TextEdit | undefined {
  const style = styleOf(text);
  const last = container.ports[container.ports.length - 1];
  const nameFirst = last ? /^\{?\s*name\s*:/.test(text.slice(last.span.start, last.span.end)) : false;
  const pairs = [`containerPort: ${number}`, ...(name ? [`name: ${name}`] : [])];
  if (nameFirst) pairs.reverse();
  if (last) {
    const before = text.slice(0, last.span.start).replace(/[ \t]+$/, '');
    const itemText = text.slice(last.span.start, last.span.end).trimEnd();
    if (/[[,]$/.test(before)) {
      // A flow sequence: another item after the last one, written like it.
      const item = itemText.startsWith('{') ? `{${pairs.join(', ')}}` : undefined;
      return item ? { uri: workload.uri, span: { start: last.span.end, end: last.span.end }, newText: `, ${item}` } : undefined;
    }
    if (!before.endsWith('-')) return undefined;
    const dash = before.length - 1;
    const lineStart = Math.max(text.lastIndexOf('\n', dash), text.lastIndexOf('\r', dash)) + 1;
    if (text.slice(lineStart, dash).trim() !== '') return undefined;
    const indent = ' '.repeat(dash - lineStart);
    const after = text.slice(dash + 1, last.span.start);
    // A block map's span runs to the start of the next line: step back to its last character first.
    let end = last.span.end;
    while (end > last.span.start && /\s/.test(text[end - 1])) end--;
    while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
    const item = itemText.startsWith('{') ? `{${pairs.join(', ')}}` : pairs.join(`${style.eol}${indent} ${after}`);
    return { uri: workload.uri, span: { start: end, end }, newText: `${style.eol}${indent}-${after}${item}` };
  }
  // No ports yet: a `ports:` key after the container's name, at the name's column.
  const nameSpan = container.name?.span;
  if (!nameSpan) return undefined;
  const lineStart = Math.max(text.lastIndexOf('\n', nameSpan.start - 1), text.lastIndexOf('\r', nameSpan.start - 1)) + 1;
  const key = /^(\s*(?:-\s+)?)name\s*:\s*$/.exec(text.slice(lineStart, nameSpan.start));
  if (!key) return undefined;
  let end = nameSpan.end;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  if (/[{},]/.test(text.slice(nameSpan.end, end).replace(/#.*$/, ''))) return undefined;
  const column = ' '.repeat(key[1].length);
  const dashIndent = style.indentlessSequences ? column : column + style.indent;
  const items = pairs.join(`${style.eol}${dashIndent}  `);
  return { uri: workload.uri, span: { start: end, end }, newText: `${style.eol}${column}ports:${style.eol}${dashIndent}- ${items}` };
}
