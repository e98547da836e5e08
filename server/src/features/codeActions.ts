// Quick fixes: the rules' fix hints as LSP code actions, one per hint, plus "fix all of this rule
// in this file" where a file has several findings of one rule with a preferred fix, plus fixes that
// declare a containerPort a working link relies on (rules/declarePorts.ts), which no finding reports.
//
// The rules say which scalar gets which value; this file only places the edits (offsets → LSP
// ranges) and writes each value in the style of the scalar it replaces, so that a fix changes
// nothing but that scalar: comments, key order, line endings and quoting stay as they were.

import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Project } from '../analysis/project';
import { spansOverlap } from '../model/text';
import type { Span } from '../model/types';
import { ruleOptionsOf } from '../analysis/settings';
import { declarePortHints } from '../rules/declarePorts';
import { isRuleId } from '../rules/ruleIds';
import type { Finding, FixHint } from '../rules/types';
import { rangeOf, spanOf, type LineIndex } from './convert';
import { DIAGNOSTIC_SOURCE, findingDiagnostic } from './diagnostics';

/** One edit of a fix, in offsets, with its text already styled for the scalar it replaces. */
interface PlacedEdit {
  uri: string;
  span: Span;
  newText: string;
}

interface PlacedFix {
  title: string;
  preferred: boolean;
  edits: PlacedEdit[];
}

/** A finding with the diagnostic that stands for it (the client's, or one built the way it was published). */
interface Target {
  finding: Finding;
  diagnostic: Diagnostic;
}

/**
 * The quick fixes for a range of a file: the fix hints of the portchain findings the client's
 * diagnostics name there (or, without such diagnostics, of the findings the range touches), and
 * a fix-all per rule. `only` is the client's filter of code action kinds. Never throws.
 */
export function codeActions(project: Project, uri: string, range: Range, diagnostics: readonly Diagnostic[], only?: readonly string[]): CodeAction[] {
  if (!wantsQuickFixes(only)) return [];
  const file = project.graph.file(uri);
  if (!file) return [];
  const findings = project.findings(uri);

  let targets = matchDiagnostics(file, findings, diagnostics);
  // A client that sends no diagnostics (or stale ones) still gets the fixes of what is under the range.
  if (targets.length === 0 && findings.length > 0) {
    const requested = spanOf(file, range);
    targets = findings.filter((finding) => touches(finding.span, requested)).map((finding) => ({ finding, diagnostic: diagnosticOf(project, finding) }));
  }

  const actions: CodeAction[] = [];
  const byKey = new Map<string, CodeAction>();
  const add = (action: CodeAction) => {
    const key = `${action.title}\u0000${JSON.stringify(action.edit)}`;
    const same = byKey.get(key);
    if (!same) {
      byKey.set(key, action);
      actions.push(action);
      return;
    }
    // Two findings at one place (one per selected workload) often share a fix: offer it once, for both.
    for (const diagnostic of action.diagnostics ?? []) if (!same.diagnostics!.includes(diagnostic)) same.diagnostics!.push(diagnostic);
    if (action.isPreferred) same.isPreferred = true;
  };

  for (const target of targets) {
    for (const fix of placeFixes(project, target.finding.fixes)) {
      add({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [target.diagnostic], isPreferred: fix.preferred, edit: workspaceEdit(project, fix.edits) });
    }
  }

  // A working link that no container declares (the process binds it): declaring it needs no finding.
  for (const fix of placeFixes(project, declarePortHints(project.graph, ruleOptionsOf(project.settings), uri, spanOf(file, range)))) {
    add({ title: fix.title, kind: CodeActionKind.QuickFix, isPreferred: false, edit: workspaceEdit(project, fix.edits) });
  }

  const rules = [...new Set(targets.map((target) => target.finding.rule))];
  for (const rule of rules) {
    const fixAll = fixAllAction(project, rule, findings, targets);
    if (fixAll) actions.push(fixAll);
  }
  return actions;
}

/** Whether a client's `only` filter lets quick fixes through. */
function wantsQuickFixes(only: readonly string[] | undefined): boolean {
  if (!only || only.length === 0) return true;
  return only.some((kind) => kind === CodeActionKind.Empty || kind === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${kind}.`));
}

/** The findings the client's portchain diagnostics stand for: same rule, same range, and the same message where several share both. */
function matchDiagnostics(file: LineIndex, findings: readonly Finding[], diagnostics: readonly Diagnostic[]): Target[] {
  const targets: Target[] = [];
  const taken = new Set<Finding>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string' || !isRuleId(diagnostic.code)) continue;
    const here = findings.filter((finding) => finding.rule === diagnostic.code && sameRange(rangeOf(file, finding.span), diagnostic.range));
    const exact = here.filter((finding) => finding.message === diagnostic.message);
    for (const finding of exact.length > 0 ? exact : here) {
      if (taken.has(finding)) continue;
      taken.add(finding);
      targets.push({ finding, diagnostic });
    }
  }
  return targets;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** Whether a finding's span meets the requested span: contains the cursor, or shares a character with the selection. */
function touches(span: Span, requested: Span): boolean {
  if (requested.start === requested.end) return span.start <= requested.start && requested.start <= span.end;
  return spansOverlap(span, requested);
}

function diagnosticOf(project: Project, finding: Finding): Diagnostic {
  return findingDiagnostic(finding, project.graph, { relatedInformation: true });
}

/** The hints whose edits all land in indexed files and do not collide with each other, placed and styled. */
function placeFixes(project: Project, hints: readonly FixHint[]): PlacedFix[] {
  const placed: PlacedFix[] = [];
  for (const hint of hints) {
    const edits: PlacedEdit[] = [];
    let valid = hint.edits.length > 0;
    for (const edit of hint.edits) {
      const text = project.graph.file(edit.uri)?.text;
      if (text === undefined || edit.span.start < 0 || edit.span.end < edit.span.start || edit.span.end > text.length) {
        valid = false;
        break;
      }
      edits.push({ uri: edit.uri, span: edit.span, newText: styled(text.slice(edit.span.start, edit.span.end), edit.newText) });
    }
    if (!valid || edits.some((edit, index) => edits.slice(index + 1).some((other) => collide(edit, other)))) continue;
    placed.push({ title: hint.title, preferred: hint.preferred === true, edits });
  }
  return placed;
}

/**
 * The text to write in place of `old`, in its style. A number is written plain: quoted, it would
 * be a name to Kubernetes. Anything else replacing a quoted scalar keeps that scalar's quotes.
 */
export function styled(old: string, newText: string): string {
  const quote = quoteOf(old);
  if (!quote || newText === '' || /^\d+$/.test(newText)) return newText;
  const value = unquoted(newText);
  return quote === "'" ? `'${value.replace(/'/g, "''")}'` : JSON.stringify(value);
}

function quoteOf(text: string): '"' | "'" | undefined {
  if (text.length < 2) return undefined;
  const first = text[0];
  return (first === '"' || first === "'") && text[text.length - 1] === first ? first : undefined;
}

/** The string a scalar's text stands for, where it is quoted; the text itself where it is plain. */
function unquoted(text: string): string {
  const quote = quoteOf(text);
  if (quote === "'") return text.slice(1, -1).replace(/''/g, "'");
  if (quote === '"') {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'string') return value;
    } catch {
      // YAML escapes that JSON does not know: the text between the quotes is the best reading.
    }
    return text.slice(1, -1);
  }
  return text;
}

/**
 * Whether two edits cannot both be applied: they replace a shared character, insert at the same
 * place (their order would be a guess), or one inserts inside what the other replaces.
 */
function collide(a: PlacedEdit, b: PlacedEdit): boolean {
  if (a.uri !== b.uri) return false;
  if (a.span.start === a.span.end && b.span.start === b.span.end) return a.span.start === b.span.start;
  if (a.span.start === a.span.end) return b.span.start < a.span.start && a.span.start < b.span.end;
  if (b.span.start === b.span.end) return a.span.start < b.span.start && b.span.start < a.span.end;
  return spansOverlap(a.span, b.span);
}

function sameEdit(a: PlacedEdit, b: PlacedEdit): boolean {
  return a.uri === b.uri && a.span.start === b.span.start && a.span.end === b.span.end && a.newText === b.newText;
}

function workspaceEdit(project: Project, edits: readonly PlacedEdit[]): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of edits) {
    const file = project.graph.file(edit.uri)!;
    (changes[edit.uri] ??= []).push({ range: rangeOf(file, edit.span), newText: edit.newText });
  }
  for (const list of Object.values(changes)) list.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { changes };
}

/**
 * One edit that applies the preferred fix of every finding of `rule` in the file, where at least
 * two places get one. A fix whose edits collide with those already taken is left out whole, so
 * that no fix is ever half applied; a fix identical to one taken (two findings at one place) is
 * counted once.
 */
function fixAllAction(project: Project, rule: string, findings: readonly Finding[], targets: readonly Target[]): CodeAction | undefined {
  const accepted: PlacedEdit[] = [];
  const fixedPlaces = new Set<string>();
  const fixed: Finding[] = [];
  for (const finding of findings) {
    if (finding.rule !== rule) continue;
    const fix = placeFixes(project, finding.fixes).find((candidate) => candidate.preferred);
    if (!fix) continue;
    const fresh = fix.edits.filter((edit) => !accepted.some((other) => sameEdit(edit, other)));
    if (fresh.some((edit) => accepted.some((other) => collide(edit, other)))) continue;
    accepted.push(...fresh);
    fixed.push(finding);
    fixedPlaces.add(`${finding.span.start}:${finding.span.end}`);
  }
  if (fixedPlaces.size < 2) return undefined;
  const diagnostics = fixed.map((finding) => targets.find((target) => target.finding === finding)?.diagnostic ?? diagnosticOf(project, finding));
  return {
    title: `Fix all ${rule} in this file (${fixedPlaces.size})`,
    kind: CodeActionKind.QuickFix,
    diagnostics,
    edit: workspaceEdit(project, accepted),
  };
}
