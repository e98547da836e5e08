// The `portchain/status` notification: what the client's status bar shows.

import { NotificationType } from 'vscode-languageserver';
import type { Project } from '../analysis/project';

export interface PortchainStatus {
  /** Kubernetes resources indexed. */
  resources: number;
  /** Findings of error severity: links that are broken on evidence. */
  brokenLinks: number;
  /** Manifest files indexed. */
  files: number;
  /** True while the workspace is being read. */
  indexing: boolean;
  /** Fixture files (test data, golden outputs, e2e assertions) the scan left out: `portchain.includeFixtures` checks them. */
  fixturesLeftOut: number;
}

export const STATUS_NOTIFICATION = 'portchain/status';

export const StatusNotification = new NotificationType<PortchainStatus>(STATUS_NOTIFICATION);

/** The status of a project. */
export function statusOf(project: Project, indexing: boolean, fixturesLeftOut = 0): PortchainStatus {
  let brokenLinks = 0;
  for (const findings of project.findingsByUri().values()) {
    for (const finding of findings) if (finding.severity === 'error') brokenLinks++;
  }
  return { resources: project.graph.resourceCount, brokenLinks, files: project.graph.fileCount, indexing, fixturesLeftOut };
}
