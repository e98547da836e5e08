// The text format, for people and for tools that read `file:line:col` (editors' problem
// matchers, terminals that turn it into a link):
//
//   apps/service.yaml:9:19 error target-port-mismatch Service web sends port 80 to targetPort 8081, …
//     apps/deploy.yaml:13:17 containerPorts of Deployment web
//   apps/broken.yaml:3:1 note YAML document 1 was not read: …
//
//   1 error, 1 warning in 12 files (20 resources)
//
// One line per finding, grouped by file (a blank line between files), related places indented
// under it, and a summary line.

import type { Severity } from '../rules/ruleIds';
import { countBySeverity, type Place, type Report } from './report';

export interface TextOptions {
  color: boolean;
}

const ESC = '\u001b[';
const STYLES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  green: [32, 39],
} as const;

type Style = keyof typeof STYLES;

const SEVERITY_STYLES: Record<Severity | 'note', Style[]> = {
  error: ['red', 'bold'],
  warning: ['yellow', 'bold'],
  info: ['blue', 'bold'],
  note: ['magenta'],
};

/** Formats a report as text; ends with a newline. */
export function formatText(report: Report, options: TextOptions): string {
  const paint = (text: string, ...styles: Style[]) => (options.color ? styles.reduceRight((inner, style) => `${ESC}${STYLES[style][0]}m${inner}${ESC}${STYLES[style][1]}m`, text) : text);
  const at = (place: Place) => `${paint(place.file, 'bold')}:${place.line}:${place.column}`;
  const entries = [
    ...report.findings.map((finding) => ({
      place: finding.place,
      lines: [
        `${at(finding.place)} ${paint(finding.severity, ...SEVERITY_STYLES[finding.severity])} ${paint(finding.rule, 'dim')} ${finding.message}`,
        ...finding.related.map((related) => `  ${paint(`${related.place.file}:${related.place.line}:${related.place.column}`, 'dim')} ${related.message}`),
      ],
    })),
    ...report.notes.map((note) => ({ place: note.place, lines: [`${at(note.place)} ${paint('note', ...SEVERITY_STYLES.note)} ${note.message}`] })),
  ];
  // Stable: a finding and a note at the same place keep the finding first.
  entries.sort((a, b) => (a.place.file < b.place.file ? -1 : a.place.file > b.place.file ? 1 : a.place.line - b.place.line || a.place.column - b.place.column));
  const out: string[] = [];
  let file: string | undefined;
  for (const entry of entries) {
    if (file !== undefined && entry.place.file !== file) out.push('');
    file = entry.place.file;
    out.push(...entry.lines);
  }
  if (out.length > 0) out.push('');
  out.push(summaryLine(report, paint));
  return `${out.join('\n')}\n`;
}

/** `3 errors, 2 warnings, 1 info in 42 files (57 resources)`, or `no problems in …`. */
export function summaryLine(report: Report, paint: (text: string, ...styles: Style[]) => string = (text) => text): string {
  const counts = countBySeverity(report.findings);
  const parts = [
    counts.error > 0 ? paint(plural(counts.error, 'error'), ...SEVERITY_STYLES.error) : '',
    counts.warning > 0 ? paint(plural(counts.warning, 'warning'), ...SEVERITY_STYLES.warning) : '',
    counts.info > 0 ? paint(`${counts.info} info`, ...SEVERITY_STYLES.info) : '',
  ].filter((part) => part !== '');
  const problems = parts.length > 0 ? parts.join(', ') : paint('no problems', 'green', 'bold');
  const notes = report.notes.length > 0 ? `, ${plural(report.notes.length, 'note')}` : '';
  const fixtures = report.fixturesLeftOut > 0 ? `; ${plural(report.fixturesLeftOut, 'fixture file')} left out (test data, golden outputs, e2e assertions: --include-fixtures checks each on its own)` : '';
  return `${problems} in ${plural(report.files, 'file')} (${plural(report.resources, 'resource')})${notes}${fixtures}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
