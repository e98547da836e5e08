// The SARIF 2.1.0 format, for code scanning (GitHub's upload-sarif, Azure DevOps, …): one run,
// every rule of the rule table in `tool.driver.rules`, one result per finding. Files below the
// current directory are relative URIs against `%SRCROOT%` (the current directory, given in
// `originalUriBaseIds`); files outside it are absolute `file:` URIs. Regions are 1-based with an
// exclusive end column, in UTF-16 code units (`columnKind`). File notes (a YAML syntax error, a
// binary file) are tool execution notifications, not results: they are not rule violations.

import { RULES, ruleDocUrl, type Severity } from '../rules/ruleIds';
import type { Place, Report } from './report';

export interface ToolInfo {
  name: string;
  version: string;
  informationUri: string;
}

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const SRCROOT = '%SRCROOT%';

const LEVELS: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** Formats a report as a SARIF 2.1.0 log; ends with a newline. */
export function formatSarif(report: Report, tool: ToolInfo): string {
  const ruleIndex = new Map<string, number>(RULES.map((rule, index) => [rule.id, index]));
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: tool.version,
            informationUri: tool.informationUri,
            rules: RULES.map((rule) => ({
              id: rule.id,
              shortDescription: { text: rule.summary },
              helpUri: ruleDocUrl(rule.id),
              defaultConfiguration: { level: LEVELS[rule.severity] },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.notes.map((note) => ({
              level: 'note',
              message: { text: note.message },
              locations: [{ physicalLocation: physicalLocation(note.place) }],
            })),
          },
        ],
        originalUriBaseIds: { [SRCROOT]: { uri: report.rootUri } },
        columnKind: 'utf16CodeUnits',
        results: report.findings.map((finding) => ({
          ruleId: finding.rule,
          ruleIndex: ruleIndex.get(finding.rule) ?? -1,
          level: LEVELS[finding.severity],
          message: { text: finding.message },
          locations: [{ physicalLocation: physicalLocation(finding.place) }],
          relatedLocations: finding.related.map((related, index) => ({
            id: index,
            physicalLocation: physicalLocation(related.place),
            message: { text: related.message },
          })),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function physicalLocation(place: Place) {
  return {
    artifactLocation: artifactLocation(place),
    region: { startLine: place.line, startColumn: place.column, endLine: place.endLine, endColumn: place.endColumn },
  };
}

function artifactLocation(place: Place): { uri: string; uriBaseId?: string } {
  const outside = place.file === '..' || place.file.startsWith('../') || place.file.startsWith('/') || /^[a-zA-Z]:/.test(place.file);
  if (outside) return { uri: place.uri };
  return { uri: place.file.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}
