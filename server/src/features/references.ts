// Find references: the reverse of go to definition. A Service's name leads to the backends that
// reach it, a container port to the targetPorts, probes and NetworkPolicy ports that resolve to
// it, a ConfigMap key to the env vars that read it, pod labels to the selectors that pick them.

import type { Location, Position, ReferenceContext } from 'vscode-languageserver';
import type { Project } from '../analysis/project';
import { ruleOptionsOf } from '../analysis/settings';
import { navigationNodeAt, referencesOf } from '../graph/navigation';
import { offsetOf, rangeOf } from './convert';

/** Every scalar that refers to the declaration under (or named at) the cursor, by file and position; the declarations too where the context asks. */
export function references(project: Project, uri: string, position: Position, context: ReferenceContext): Location[] {
  const graph = project.graph;
  const file = graph.file(uri);
  if (!file) return [];
  const node = navigationNodeAt(graph, uri, offsetOf(file, position));
  if (!node) return [];
  const places = referencesOf(graph, node, ruleOptionsOf(project.settings), context.includeDeclaration);
  const locations: (Location & { offset: number })[] = [];
  for (const place of places) {
    const target = graph.file(place.uri);
    if (target) locations.push({ uri: place.uri, range: rangeOf(target, place.span), offset: place.span.start });
  }
  // By file and position, so the list reads the same every time.
  return locations.sort((a, b) => (a.uri === b.uri ? a.offset - b.offset : a.uri < b.uri ? -1 : 1)).map(({ uri: locationUri, range }) => ({ uri: locationUri, range }));
}
