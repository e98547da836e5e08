// The `portchain` command: arguments in, an exit status out. `check` exits 0 when no finding has
// error severity, 1 when one does; `graph` exits 0; both exit 2 for bad usage (an unknown flag, a
// missing path, a bad settings file).

import packageJson from '../../../package.json';
import { parseArgs, USAGE, type CheckOptions, type GraphCommandOptions } from './args';
import { runCheck } from './check';
import { runGraph } from './graph';
import { formatJson } from './json';
import type { Report } from './report';
import { formatSarif, type ToolInfo } from './sarif';
import { formatText } from './text';

export const EXIT_OK = 0;
export const EXIT_ERRORS = 1;
export const EXIT_USAGE = 2;

export const TOOL: ToolInfo = {
  name: 'portchain',
  version: packageJson.version,
  informationUri: packageJson.repository.url,
};

/** Where the command reads and writes; the process's own in cli.ts. */
export interface CliIo {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdoutIsTTY: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs `portchain <argv>` and returns the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const command = parseArgs(argv);
  switch (command.kind) {
    case 'help':
      io.stdout(`${USAGE}\n`);
      return EXIT_OK;
    case 'version':
      io.stdout(`${TOOL.version}\n`);
      return EXIT_OK;
    case 'usage':
      io.stderr(command.message ? `portchain: ${command.message}\n${firstUsageLine()}\nRun "portchain --help" for the options.\n` : `${USAGE}\n`);
      return EXIT_USAGE;
    case 'check':
      return check(command.options, io);
    case 'graph':
      return graph(command.options, io);
  }
}

async function graph(options: GraphCommandOptions, io: CliIo): Promise<number> {
  const outcome = await runGraph(options, { cwd: io.cwd });
  if ('problems' in outcome) {
    for (const problem of outcome.problems) io.stderr(`portchain: ${problem}\n`);
    return EXIT_USAGE;
  }
  io.stdout(outcome.text);
  return EXIT_OK;
}

async function check(options: CheckOptions, io: CliIo): Promise<number> {
  const outcome = await runCheck({ paths: options.paths, config: options.config, cwd: io.cwd, includeFixtures: options.includeFixtures });
  if ('problems' in outcome) {
    for (const problem of outcome.problems) io.stderr(`portchain: ${problem}\n`);
    return EXIT_USAGE;
  }
  const full = outcome.report;
  const hasErrors = full.findings.some((finding) => finding.severity === 'error');
  const report: Report = options.quiet ? { ...full, findings: full.findings.filter((finding) => finding.severity === 'error'), notes: [] } : full;
  switch (options.format) {
    case 'json':
      io.stdout(formatJson(report));
      break;
    case 'sarif':
      io.stdout(formatSarif(report, TOOL));
      break;
    case 'text':
      if (!options.quiet || hasErrors) io.stdout(formatText(report, { color: useColor(options, io) }));
      break;
  }
  return hasErrors ? EXIT_ERRORS : EXIT_OK;
}

/** Colour on a terminal unless --no-color or NO_COLOR (no-color.org) says no; FORCE_COLOR asks for it elsewhere (CI logs). */
function useColor(options: CheckOptions, io: CliIo): boolean {
  if (!options.color || (io.env.NO_COLOR ?? '') !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return io.stdoutIsTTY && io.env.TERM !== 'dumb';
}

function firstUsageLine(): string {
  return USAGE.split('\n')[0];
}
