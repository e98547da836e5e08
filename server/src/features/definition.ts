// Go to definition: from a reference in the port chain to what it names, in any file. A backend
// leads to its Service and port entry, a targetPort to the container ports of every selected
// workload, a selector to the pod templates it selects, a key ref to the ConfigMap or Secret key.

import type { Location, LocationLink, Position } from 'vscode-languageserver';
import type { Project } from '../analysis/project';
import { ruleOptionsOf } from '../analysis/settings';
import { definitionsOf, navigationNodeAt } from '../graph/navigation';
import { offsetOf, rangeOf } from './convert';

export interface DefinitionOptions {
  /** The client takes LocationLinks (`textDocument.definition.linkSupport`); otherwise plain Locations. */
  linkSupport?: boolean;
}

/** Where the value under the cursor is declared: links whose origin is the scalar under the cursor; null where there is nothing to go to. */
export function definition(project: Project, uri: string, position: Position, options: DefinitionOptions = {}): LocationLink[] | Location[] | null {
  const graph = project.graph;
  const file = graph.file(uri);
  if (!file) return null;
  const node = navigationNodeAt(graph, uri, offsetOf(file, position));
  if (!node) return null;
  const origin = rangeOf(file, node.span);
  const links: LocationLink[] = [];
  for (const place of definitionsOf(graph, node, ruleOptionsOf(project.settings))) {
    const target = graph.file(place.uri);
    if (!target) continue;
    links.push({ originSelectionRange: origin, targetUri: place.uri, targetRange: rangeOf(target, place.context), targetSelectionRange: rangeOf(target, place.span) });
  }
  if (links.length === 0) return null;
  if (options.linkSupport === false) return links.map((link) => ({ uri: link.targetUri, range: link.targetSelectionRange }));
  return links;
}
