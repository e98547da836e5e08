// What a check found, in the terms every output format shares: files relative to the current
// directory with `/` separators, 1-based lines and columns. Columns count UTF-16 code units (as
// LSP and SARIF's `utf16CodeUnits` do); an end column is exclusive: the column just after the
// last character, so a 4-character value at column 19 ends at column 23.

import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Project } from '../analysis/project';
import { positionAt } from '../model/text';
import type { FileNote, FileNoteKind, Span } from '../model/types';
import type { RuleId, Severity } from '../rules/ruleIds';

export interface Place {
  /** Relative to the current directory, `/`-separated (`../x.yaml` outside it). */
  file: string;
  /** The file's absolute `file:` URI. */
  uri: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface ReportFinding {
  rule: RuleId;
  severity: Severity;
  message: string;
  place: Place;
  related: { place: Place; message: string }[];
}

export interface ReportNote {
  kind: FileNoteKind;
  message: string;
  place: Place;
}

export interface Report {
  /** The current directory's `file:` URI, with a trailing slash. */
  rootUri: string;
  /** Files read and parsed. */
  files: number;
  resources: number;
  findings: ReportFinding[];
  notes: ReportNote[];
  /** Fixture files (test data, golden outputs, e2e assertions) left out; `--include-fixtures` checks them. */
  fixturesLeftOut: number;
}

export interface ReportCounts {
  error: number;
  warning: number;
  info: number;
}

/** A file URI as the report shows it: relative to `cwd`, with `/`. */
export function displayPath(uri: string, cwd: string): string {
  let path: string;
  try {
    path = fileURLToPath(uri);
  } catch {
    return uri;
  }
  const relativePath = relative(cwd, path) || path;
  return relativePath.split(sep).join('/');
}

/** The report of a project's findings and the notes of the files it read (or could not read). */
export function buildReport(project: Project, notesByUri: ReadonlyMap<string, readonly FileNote[]>, cwd: string, rootUri: string): Report {
  const placeOf = (uri: string, span: Span): Place => {
    // A fixture is held by a project of its own (Project.at).
    const file = project.file(uri);
    const lineStarts = file?.lineStarts ?? [0];
    const start = positionAt(lineStarts, span.start);
    const end = positionAt(lineStarts, Math.max(span.start, span.end));
    return { file: displayPath(uri, cwd), uri, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
  };
  const findings: ReportFinding[] = [];
  for (const [uri, list] of project.findingsByUri()) {
    for (const finding of list) {
      findings.push({
        rule: finding.rule,
        severity: finding.severity,
        message: finding.message,
        place: placeOf(uri, finding.span),
        related: finding.related.map((related) => ({ place: placeOf(related.uri, related.span), message: related.message })),
      });
    }
  }
  const notes: ReportNote[] = [];
  for (const [uri, list] of notesByUri) {
    for (const note of list) notes.push({ kind: note.kind, message: note.message, place: placeOf(uri, note.span) });
  }
  findings.sort((a, b) => comparePlaces(a.place, b.place) || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message));
  notes.sort((a, b) => comparePlaces(a.place, b.place));
  return { rootUri, files: project.graph.fileCount + project.aloneCount, resources: project.graph.resourceCount + project.aloneResourceCount, findings, notes, fixturesLeftOut: 0 };
}

/** Orders places by file, then position. */
export function comparePlaces(a: Place, b: Place): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

export function countBySeverity(findings: readonly ReportFinding[]): ReportCounts {
  const counts: ReportCounts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}
