// The command line as the user typed it, checked. Parsing never throws: a bad command line is a
// `usage` result with a one-line message, and the caller exits with 2.

export type OutputFormat = 'text' | 'json' | 'sarif';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif'];

export interface CheckOptions {
  /** Files and folders to check, as typed; `.` where none is given. */
  paths: string[];
  format: OutputFormat;
  /** A config file named with `--config`; undefined to look for one in the current directory. */
  config: string | undefined;
  /** Report errors only: no warnings, infos or notes, and nothing at all when there is no error. */
  quiet: boolean;
  /** False with `--no-color`; the terminal and NO_COLOR decide the rest. */
  color: boolean;
  /** `--include-fixtures`: check test fixtures, golden outputs and e2e assertions too, each on its own. */
  includeFixtures: boolean;
}

export type GraphFormat = 'mermaid' | 'dot' | 'json';

export const GRAPH_FORMATS: readonly GraphFormat[] = ['mermaid', 'dot', 'json'];

export interface GraphCommandOptions {
  /** Files and folders to read, as typed; `.` where none is given. */
  paths: string[];
  format: GraphFormat;
  config: string | undefined;
  /** `--namespace NAME`: only that namespace (`default` for manifests that name none). */
  namespace: string | undefined;
  /** `--broken`: only broken links and their ends. */
  broken: boolean;
}

export type Command =
  | { kind: 'check'; options: CheckOptions }
  | { kind: 'graph'; options: GraphCommandOptions }
  | { kind: 'help' }
  | { kind: 'version' }
  /** Bad usage: `message` says what is wrong in one line (empty where the usage alone says it). */
  | { kind: 'usage'; message: string };

export const USAGE = `Usage: portchain check [PATH…] [options]
       portchain graph [PATH…] [--format mermaid|dot|json] [--namespace NAME] [--broken]

check: checks the port chains of every Kubernetes manifest (*.yaml, *.yml) under the given files and
folders (default: the current directory) as one workspace: Ingress and route backends, Service
ports, targetPorts, containerPorts and the ports the processes bind.

Options:
  --format text|json|sarif  output format (default: text)
  --config FILE             settings file (default: .portchain.json, portchain.config.json,
                            .portchain.yaml or .portchain.yml in the current directory)
  --quiet                   report errors only, and print nothing when there are none
  --include-fixtures        check test fixtures too (files below testdata/, fixtures/,
                            __snapshots__/; *.golden.yaml, *-expected.yaml; e2e NN-assert*.yaml,
                            NN-errors.yaml; chainsaw and kyverno CLI test folders), each as a
                            unit of its own; left out by default, and counted
  --no-color                no colours in text output (also: NO_COLOR=1; off when not a terminal)
  -h, --help                show this help
  -v, --version             show the version

Settings file keys: "rules" ({"<rule-id>": "error"|"warning"|"info"|"off"}), "nodePortRange"
({"min": 30000, "max": 32767}), "bindPortEnvVars" (["PORT", …]), "exclude" (globs relative to
the settings file's folder; node_modules and .git are always skipped) and "includeFixtures"
(true or false).

Positions are 1-based lines and columns; columns count UTF-16 code units, as editors do.

graph: prints the port graph of the same files: entries (Ingress rules, routes, NodePorts,
LoadBalancers) → Service ports → container ports → the ports the processes bind, grouped by
namespace and unit, each link ok, broken (with the rule and message) or unknown.

Graph options:
  --format mermaid|dot|json  Mermaid (GitHub renders it), Graphviz DOT, or JSON (default: mermaid)
  --namespace NAME           only that namespace (default for manifests that name none)
  --broken                   only broken links and their ends
  --config FILE              settings file, as for check

Exit status: check: 0 no error-severity finding, 1 at least one; graph: 0; both: 2 bad usage,
a missing path or a bad settings file.`;

/** Reads `portchain …` arguments (without the node and script paths). */
export function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0) return { kind: 'usage', message: '' };
  const [first, ...rest] = argv;
  if (first === '-h' || first === '--help' || first === 'help') return { kind: 'help' };
  if (first === '-v' || first === '--version') return { kind: 'version' };
  if (first === 'graph') return parseGraphArgs(rest);
  if (first !== 'check') {
    return { kind: 'usage', message: first.startsWith('-') ? `unknown option ${first}` : `unknown command "${first}" (the commands are: portchain check [PATH…], portchain graph [PATH…])` };
  }
  const options: CheckOptions = { paths: [], format: 'text', config: undefined, quiet: false, color: true, includeFixtures: false };
  const problem = readFlags(rest, options.paths, (flag, inlineValue, takeValue) => {
    switch (flag) {
      case '--format':
      case '-f':
        return formatFlag(flag, takeValue(), OUTPUT_FORMATS, (format) => (options.format = format));
      case '--config':
      case '-c':
        return configFlag(flag, takeValue(), (file) => (options.config = file));
      case '--quiet':
      case '-q':
        if (inlineValue !== undefined) return usage(`${flag} takes no value`);
        options.quiet = true;
        return undefined;
      case '--include-fixtures':
        if (inlineValue !== undefined) return usage(`${flag} takes no value`);
        options.includeFixtures = true;
        return undefined;
      case '--no-color':
      case '--no-colour':
        if (inlineValue !== undefined) return usage(`${flag} takes no value`);
        options.color = false;
        return undefined;
      default:
        return usage(`unknown option ${flag}`);
    }
  });
  if (problem) return problem;
  if (options.paths.length === 0) options.paths.push('.');
  return { kind: 'check', options };
}

/** Reads `portchain graph …` arguments. */
function parseGraphArgs(rest: readonly string[]): Command {
  const options: GraphCommandOptions = { paths: [], format: 'mermaid', config: undefined, namespace: undefined, broken: false };
  const problem = readFlags(rest, options.paths, (flag, inlineValue, takeValue) => {
    switch (flag) {
      case '--format':
      case '-f':
        return formatFlag(flag, takeValue(), GRAPH_FORMATS, (format) => (options.format = format));
      case '--config':
      case '-c':
        return configFlag(flag, takeValue(), (file) => (options.config = file));
      case '--namespace':
      case '-n': {
        const value = takeValue();
        if (value === undefined || value === '') return usage(`${flag} needs a namespace`);
        options.namespace = value;
        return undefined;
      }
      case '--broken':
        if (inlineValue !== undefined) return usage(`${flag} takes no value`);
        options.broken = true;
        return undefined;
      default:
        return usage(`unknown option ${flag}`);
    }
  });
  if (problem) return problem;
  if (options.paths.length === 0) options.paths.push('.');
  return { kind: 'graph', options };
}

type FlagReader = (flag: string, inlineValue: string | undefined, takeValue: () => string | undefined) => Command | undefined;

/**
 * Walks the arguments after the command: paths go to `paths`, `--` ends the flags, and each flag
 * (`--flag value` or `--flag=value`) goes to `read`, which returns a result to stop with (help,
 * version, bad usage) or undefined to go on.
 */
function readFlags(rest: readonly string[], paths: string[], read: FlagReader): Command | undefined {
  let onlyPaths = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (onlyPaths || !arg.startsWith('-')) {
      paths.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPaths = true;
      continue;
    }
    const equals = arg.indexOf('=');
    const flag = equals > 0 ? arg.slice(0, equals) : arg;
    const inlineValue = equals > 0 ? arg.slice(equals + 1) : undefined;
    const takeValue = (): string | undefined => {
      if (inlineValue !== undefined) return inlineValue;
      const next = rest[i + 1];
      if (next === undefined || next.startsWith('-')) return undefined;
      i++;
      return next;
    };
    if (flag === '-h' || flag === '--help') return { kind: 'help' };
    if (flag === '-v' || flag === '--version') return { kind: 'version' };
    const stop = read(flag, inlineValue, takeValue);
    if (stop) return stop;
  }
  return undefined;
}

/** A `--format` value, one of `formats` (both commands take one, from lists of their own). */
function formatFlag<T extends string>(flag: string, value: string | undefined, formats: readonly T[], set: (format: T) => void): Command | undefined {
  if (value === undefined) return usage(`${flag} needs a value: ${formats.join(', ')}`);
  if (!(formats as readonly string[]).includes(value)) return usage(`unknown format "${value}" (known: ${formats.join(', ')})`);
  set(value as T);
  return undefined;
}

/** A `--config` file name. */
function configFlag(flag: string, value: string | undefined, set: (file: string) => void): Command | undefined {
  if (value === undefined || value === '') return usage(`${flag} needs a file name`);
  set(value);
  return undefined;
}

function usage(message: string): Command {
  return { kind: 'usage', message };
}
