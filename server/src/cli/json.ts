// The JSON format, for scripts:
//
//   { "files": 12, "resources": 20,
//     "findings": [ { "rule", "severity", "message", "file", "line", "column", "endLine", "endColumn",
//                     "related": [ { "file", "line", "column", "message" } ] } ],
//     "notes": [ { "file", "line", "column", "message" } ],
//     "fixturesLeftOut": 3 }
//
// Files are relative to the current directory with `/`. Lines and columns are 1-based, columns in
// UTF-16 code units; `endColumn` is exclusive (the column just after the last character), as in
// SARIF, so `endColumn - column` is the length of a one-line value.

import type { Report } from './report';

/** Formats a report as pretty-printed JSON; ends with a newline. */
export function formatJson(report: Report): string {
  const document = {
    files: report.files,
    resources: report.resources,
    findings: report.findings.map((finding) => ({
      rule: finding.rule,
      severity: finding.severity,
      message: finding.message,
      file: finding.place.file,
      line: finding.place.line,
      column: finding.place.column,
      endLine: finding.place.endLine,
      endColumn: finding.place.endColumn,
      related: finding.related.map((related) => ({ file: related.place.file, line: related.place.line, column: related.place.column, message: related.message })),
    })),
    notes: report.notes.map((note) => ({ file: note.place.file, line: note.place.line, column: note.place.column, message: note.message })),
    fixturesLeftOut: report.fixturesLeftOut,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
