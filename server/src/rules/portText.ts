// How the port rule families word ports and containers in messages, and the one text edit they
// share (adding an entry to a YAML map). Pure string work over the model; no graph lookups.

import type { BindPort } from '../graph/bindPorts';
import type { Container, ContainerPort, PortValue, ProbeKind, Resource, Span } from '../model/types';
import { describe } from './types';

/** A port as written: `8080`, `http`, or the placeholder text. */
export function portValueText(port: PortValue | undefined): string {
  if (!port) return '?';
  return port.kind === 'number' ? String(port.number) : port.kind === 'name' ? port.name : port.text;
}

/** The number of a containerPort, where it is written as one. */
export function containerPortNumber(port: ContainerPort): number | undefined {
  return port.containerPort?.kind === 'number' ? port.containerPort.number : undefined;
}

/** `8080 (http)`, or `8080` for an unnamed port; the protocol only where it is not TCP. */
export function describeContainerPort(port: ContainerPort): string {
  const number = portValueText(port.containerPort);
  const protocol = port.protocol === 'TCP' ? '' : `/${port.protocol}`;
  return port.name ? `${number}${protocol} (${port.name.value})` : `${number}${protocol}`;
}

/** `8080 (http), 9102 (metrics)`, or `none`. */
export function describeContainerPorts(ports: readonly ContainerPort[]): string {
  return ports.length > 0 ? ports.map(describeContainerPort).join(', ') : 'none';
}

/** `container web of Deployment web`, the way messages name a container. */
export function containerLabel(container: Container, workload: Resource): string {
  const role = container.role === 'container' ? 'container' : container.role === 'sidecar' ? 'sidecar container' : 'init container';
  return `${role} ${container.name?.value ?? '(unnamed)'} of ${describe(workload)}`;
}

/** The field a probe is written in: `livenessProbe`. */
export function probeField(kind: ProbeKind): string {
  return `${kind}Probe`;
}

/** Where an env bind port is written: the literal value, the ref's key, or the name of the envFrom source (not the whole item). */
export function bindPortSpan(container: Container, bind: BindPort): Span {
  const origin = bind.origin;
  const source = origin && container.envFrom.find((candidate) => candidate.span.start === bind.span.start && candidate.span.end === bind.span.end && candidate.name.value === origin.resource.name?.value);
  return source ? source.name.span : bind.span;
}

export interface TextEdit {
  uri: string;
  span: Span;
  newText: string;
}

/**
 * An edit that adds `entry` (`name: http`) to the map holding the value at `anchor`, whose key
 * sits on the same line: a new line at the key's column in a block map (keeping the line's own
 * line ending), or `entry, ` before the key in a flow map. Undefined where the layout is unusual.
 */
export function insertMapEntry(text: string, uri: string, anchor: Span, entry: string): TextEdit | undefined {
  const lineStart = Math.max(text.lastIndexOf('\n', anchor.start - 1), text.lastIndexOf('\r', anchor.start - 1)) + 1;
  const before = text.slice(lineStart, anchor.start);
  const key = /[A-Za-z][A-Za-z0-9_]*\s*:\s*$/.exec(before);
  if (!key) return undefined;
  const lead = before.slice(0, key.index);
  let lineEnd = anchor.end;
  while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
  const after = text.slice(anchor.end, lineEnd);
  const previousLine = text.slice(Math.max(0, lineStart - 256), lineStart).replace(/[\r\n]+$/, '');
  const inFlowMap = /[{,]\s*$/.test(lead) || /^\s*[,}]/.test(after) || (lead.trim() === '' && /[{,]\s*$/.test(previousLine));
  if (inFlowMap) {
    const at = lineStart + key.index;
    return { uri, span: { start: at, end: at }, newText: `${entry}, ` };
  }
  if (/^\s*(-\s+)?$/.test(lead)) {
    const eol = text[lineEnd] === '\r' || (lineEnd === text.length && text.includes('\r\n')) ? '\r\n' : '\n';
    return { uri, span: { start: lineEnd, end: lineEnd }, newText: `${eol}${' '.repeat(key.index)}${entry}` };
  }
  return undefined;
}
