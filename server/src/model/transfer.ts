// A ParsedFile sent between threads (the CLI parses on worker threads: cli/parallelRead.ts). A
// structured clone keeps the data but not what the model shares to save memory, so a received
// file is made compact again: its line starts lazy, its empty maps the one shared empty map.

import { compactMap } from './compact';
import { NO_DIRECTIVES, newParsedFile } from './text';
import type { LabelSelector, ParsedFile, Resource } from './types';

/** The data of a ParsedFile, as a structured clone of one carries it: its own properties (the line starts are inherited). */
export type TransferredFile = Omit<ParsedFile, 'lineStarts'>;

/** A received file, as compact as one parsed on this thread. */
export function fromTransferred(data: TransferredFile): ParsedFile {
  for (const resource of data.resources) compactResource(resource);
  const disabled = data.disabled.file.size === 0 && data.disabled.lines.size === 0 ? NO_DIRECTIVES : data.disabled;
  return newParsedFile({ ...data, disabled });
}

function compactResource(resource: Resource): void {
  resource.labels = compactMap(resource.labels);
  resource.annotations = compactMap(resource.annotations);
  const workload = resource.workload;
  if (workload) {
    workload.podLabels = compactMap(workload.podLabels);
    compactSelector(workload.selector);
  }
  compactSelector(resource.service?.selector);
  compactSelector(resource.networkPolicy?.podSelector);
  compactSelector(resource.monitor?.selector);
  if (resource.config) resource.config.entries = compactMap(resource.config.entries);
}

function compactSelector(selector: LabelSelector | undefined): void {
  if (selector) selector.matchLabels = compactMap(selector.matchLabels);
}
