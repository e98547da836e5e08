// Rename a Service or a named port, with everything that names it: a Service's backends (and a
// StatefulSet's serviceName), a Service port name's Ingress backends, a container port name's
// targetPorts, probes and NetworkPolicy ports. Only the scalars change; quotes, comments, layout
// and line endings stay as written.

import { parse } from 'yaml';
import type { Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { Project } from '../analysis/project';
import { ruleOptionsOf } from '../analysis/settings';
import { navigationNodeAt, renameConflict, renamePlanOf, type RenameKind, type RenamePlan } from '../graph/navigation';
import type { ParsedFile, Span } from '../model/types';
import { offsetOf, rangeOf } from './convert';

/** A rename's answer: the edit, or why the new name is refused (the server answers the request with a ResponseError carrying it). */
export type RenameOutcome = { edit: WorkspaceEdit } | { error: string };

/** The name under the cursor and its range (inside any quotes), or null where nothing there can be renamed. */
export function prepareRename(project: Project, uri: string, position: Position): { range: Range; placeholder: string } | null {
  const found = planAt(project, uri, position);
  if (!found) return null;
  const { file, plan } = found;
  return { range: rangeOf(file, unquoted(file.text, plan.span)), placeholder: plan.oldName };
}

/** Renames the Service or named port under the cursor across the workspace; null where nothing there can be renamed. */
export function rename(project: Project, uri: string, position: Position, newName: string): RenameOutcome | null {
  const found = planAt(project, uri, position);
  if (!found) return null;
  const { plan } = found;
  if (newName === plan.oldName) return { edit: { changes: {} } };
  const problem = nameProblem(plan.kind, newName);
  if (problem) return { error: `"${newName}" is not a valid ${NAME_KIND[plan.kind]}: ${problem}` };
  const conflict = renameConflict(project.graph, plan, newName, project.where);
  if (conflict) return { error: `Cannot rename ${plan.oldName} to ${newName}: ${conflict}` };
  const changes: Record<string, TextEdit[]> = {};
  for (const site of plan.sites) {
    const file = project.graph.file(site.uri);
    if (!file) continue;
    const newText = rewrite(file.text.slice(site.span.start, site.span.end), plan.oldName, newName);
    if (newText === undefined) {
      const line = rangeOf(file, site.span).start.line + 1;
      return { error: `Cannot rename ${plan.oldName}: in ${project.where(site.uri)} line ${line} it is written in a YAML form that rename does not rewrite (a block scalar or an escape); change it to a plain or quoted name first` };
    }
    (changes[site.uri] ??= []).push({ range: rangeOf(file, site.span), newText });
  }
  return { edit: { changes } };
}

function planAt(project: Project, uri: string, position: Position): { file: ParsedFile; plan: RenamePlan } | undefined {
  const file = project.graph.file(uri);
  if (!file) return undefined;
  const node = navigationNodeAt(project.graph, uri, offsetOf(file, position));
  const plan = node && renamePlanOf(project.graph, node, ruleOptionsOf(project.settings));
  return plan ? { file, plan } : undefined;
}

const NAME_KIND: Record<RenameKind, string> = {
  service: 'Service name (a DNS-1035 label)',
  'service-port': 'Service port name (a DNS-1123 label)',
  'container-port': 'container port name (an IANA_SVC_NAME)',
};

/**
 * Why a name is not valid for what is renamed; undefined where it is. The API server checks
 * Service names as DNS-1035 labels (a letter first), Service port names as DNS-1123 labels, and
 * container port names as IANA service names.
 */
export function nameProblem(kind: RenameKind, name: string): string | undefined {
  if (name === '') return 'a name cannot be empty';
  const max = kind === 'container-port' ? 15 : 63;
  if (name.length > max) return `it is ${name.length} characters long, and the limit is ${max}`;
  if (/[A-Z]/.test(name)) return 'it has uppercase letters, and only lowercase letters, digits and "-" are allowed';
  const bad = /[^a-z0-9-]/.exec(name);
  if (bad) return `it contains ${JSON.stringify(bad[0])}, and only lowercase letters, digits and "-" are allowed`;
  switch (kind) {
    case 'service':
      if (!/^[a-z]/.test(name)) return 'it must start with a letter';
      if (name.endsWith('-')) return 'it must end with a letter or digit';
      return undefined;
    case 'service-port':
      if (name.startsWith('-') || name.endsWith('-')) return 'it must start and end with a letter or digit';
      return undefined;
    case 'container-port':
      if (!/[a-z]/.test(name)) return 'it needs at least one letter (a-z)';
      if (name.startsWith('-') || name.endsWith('-')) return 'it must not start or end with "-"';
      if (name.includes('--')) return 'it must not contain "--"';
      return undefined;
  }
}

/** The new scalar text in the style of the old one: the same quotes, or plain where plain YAML still reads a string. */
function rewrite(written: string, oldName: string, newName: string): string | undefined {
  if (written === oldName) return readsAsString(newName) ? newName : `"${newName}"`;
  const quote = written[0];
  if ((quote === '"' || quote === "'") && written === `${quote}${oldName}${quote}`) return `${quote}${newName}${quote}`;
  return undefined;
}

/** Whether a plain scalar reads as a string in YAML 1.2 and in the YAML 1.1 Kubernetes' decoder speaks (`on`, `1e3` and `0x1f` do not). */
function readsAsString(text: string): boolean {
  try {
    return typeof parse(text, { version: '1.1' }) === 'string' && typeof parse(text) === 'string';
  } catch {
    return false;
  }
}

/** A quoted scalar's span without its quotes, so the rename box holds just the name. */
function unquoted(text: string, span: Span): Span {
  const first = text[span.start];
  if ((first === '"' || first === "'") && span.end - span.start >= 2 && text[span.end - 1] === first) return { start: span.start + 1, end: span.end - 1 };
  return span;
}
