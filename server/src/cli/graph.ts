// `portchain graph`: the same Project as `check`, drawn. The port map of every file read, filtered
// as the editor's view filters it, printed as Mermaid, DOT or JSON (cli/graphFormats.ts).

import { filterPortMap, lineOf } from '../graph/portMap';
import type { GraphCommandOptions } from './args';
import { openProject, type CheckInput } from './check';
import { formatDot, formatGraphJson, formatMermaid, printableGraph } from './graphFormats';
import { displayPath } from './report';

/** The graph's text in the format asked for, or one-line problems (a missing path, a bad settings file). */
export async function runGraph(options: GraphCommandOptions, input: Omit<CheckInput, 'paths' | 'config'>): Promise<{ text: string } | { problems: string[] }> {
  const opened = await openProject({ ...input, paths: options.paths, config: options.config });
  if ('problems' in opened) return opened;
  const { project } = opened;
  const where = (uri: string) => displayPath(uri, input.cwd);
  const map = filterPortMap(project.portMap(), { namespace: options.namespace, brokenOnly: options.broken }, where);
  const graph = printableGraph(map, where, (node) => lineOf(project.graph, node));
  switch (options.format) {
    case 'json':
      return { text: formatGraphJson(graph) };
    case 'dot':
      return { text: formatDot(graph) };
    case 'mermaid':
      return { text: formatMermaid(graph) };
  }
}
