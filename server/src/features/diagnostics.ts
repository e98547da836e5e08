// Findings and file notes as LSP diagnostics, and which files need theirs published again.
// This is the only place that turns a Finding or a FileNote into a Diagnostic: the CLI and the
// editor read the same findings, and the editor sees them all through here.

import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver';
import type { Project } from '../analysis/project';
import type { PortGraph } from '../graph/portGraph';
import type { FileNote, FileNoteKind, ParsedFile } from '../model/types';
import { ruleDocUrl, type Severity } from '../rules/ruleIds';
import type { Finding } from '../rules/types';
import { FILE_START, rangeOf } from './convert';

export const DIAGNOSTIC_SOURCE = 'portchain';

/** What the client can show, from its initialize capabilities. */
export interface DiagnosticClientSupport {
  relatedInformation: boolean;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** Notes that say part of a file was not read. A `template` note is not: templated files are read, their computed values are unknown. */
const PUBLISHED_NOTES: ReadonlySet<FileNoteKind> = new Set<FileNoteKind>(['yaml-syntax', 'binary', 'too-large', 'unreadable']);

/** A rule finding as a diagnostic on the scalar it is about. */
export function findingDiagnostic(finding: Finding, graph: PortGraph, support: DiagnosticClientSupport): Diagnostic {
  const file = graph.file(finding.uri);
  const diagnostic: Diagnostic = {
    range: file ? rangeOf(file, finding.span) : FILE_START,
    severity: SEVERITY[finding.severity] ?? DiagnosticSeverity.Error,
    code: finding.rule,
    codeDescription: { href: ruleDocUrl(finding.rule) },
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
  if (support.relatedInformation && finding.related.length > 0) {
    const related: DiagnosticRelatedInformation[] = [];
    for (const item of finding.related) {
      const other = graph.file(item.uri);
      // The other end of a link is always an indexed file; one that is not has no place to point at.
      if (other) related.push({ location: { uri: item.uri, range: rangeOf(other, item.span) }, message: item.message });
    }
    if (related.length > 0) diagnostic.relatedInformation = related;
  }
  return diagnostic;
}

/** A note about an unread part of a file, as an information diagnostic; undefined for notes that are not published. */
export function noteDiagnostic(note: FileNote, file: ParsedFile): Diagnostic | undefined {
  if (!PUBLISHED_NOTES.has(note.kind)) return undefined;
  return {
    range: rangeOf(file, note.span),
    severity: DiagnosticSeverity.Information,
    code: note.kind,
    source: DIAGNOSTIC_SOURCE,
    message: note.message,
  };
}

/** Every diagnostic of one file: its notes first, then its findings in file order. */
export function diagnosticsOf(workspace: Project, uri: string, support: DiagnosticClientSupport): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // A fixture is a project of its own: its file and findings are there.
  const project = workspace.at(uri);
  const file = project.graph.file(uri);
  if (file) {
    for (const note of file.notes) {
      const diagnostic = noteDiagnostic(note, file);
      if (diagnostic) diagnostics.push(diagnostic);
    }
  }
  for (const finding of project.findings(uri)) diagnostics.push(findingDiagnostic(finding, project.graph, support));
  return diagnostics;
}

export interface DiagnosticsUpdate {
  uri: string;
  diagnostics: Diagnostic[];
}

/**
 * Remembers what was last published for each file, so that only files whose diagnostics changed
 * are published again, and files that lost all of theirs get an empty list.
 */
export class DiagnosticsTracker {
  private readonly published = new Map<string, string>();

  /** The files whose diagnostics differ from what was last published, with their new diagnostics. */
  changes(project: Project, support: DiagnosticClientSupport): DiagnosticsUpdate[] {
    // Only files whose findings or notes may have changed are compared; all of them after a full run.
    const changed = project.takeChangedUris();
    const uris = new Set<string>();
    if (changed) {
      for (const uri of changed) uris.add(uri);
    } else {
      for (const uri of this.published.keys()) uris.add(uri);
      for (const uri of project.findingsByUri().keys()) uris.add(uri);
      for (const file of project.allFiles()) {
        if (file.notes.some((note) => PUBLISHED_NOTES.has(note.kind))) uris.add(file.uri);
      }
    }
    const updates: DiagnosticsUpdate[] = [];
    for (const uri of uris) {
      const diagnostics = diagnosticsOf(project, uri, support);
      const signature = diagnostics.length === 0 ? undefined : JSON.stringify(diagnostics);
      if (signature === this.published.get(uri)) continue;
      if (signature === undefined) this.published.delete(uri);
      else this.published.set(uri, signature);
      updates.push({ uri, diagnostics });
    }
    return updates;
  }

  /** Forgets a file, so that its next diagnostics are published whatever they are. */
  forget(uri: string): void {
    this.published.delete(uri);
  }
}
