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

export type Command =
  | { kind: 'check'; options: CheckOptions }
  | { kind: 'help' }
  | { kind: 'version' }
  /** Bad usage: `message` says what is wrong in one line (empty where the usage alone says it). */
  | { kind: 'usage'; message: string };

export const USAGE = `Usage: portchain check [PATH…] [options]

Checks the port chains of every Kubernetes manifest (*.yaml, *.yml) under the given files and
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

Exit status: 0 no error-severity finding, 1 at least one, 2 bad usage, a missing path or a bad
settings file.`;

/** Reads `portchain …` arguments (without the node and script paths). */
export function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0) return { kind: 'usage', message: '' };
  const [first, ...rest] = argv;
  if (first === '-h' || first === '--help' || first === 'help') return { kind: 'help' };
  if (first === '-v' || first === '--version') return { kind: 'version' };
  if (first !== 'check') {
    return { kind: 'usage', message: first.startsWith('-') ? `unknown option ${first}` : `unknown command "${first}" (the command is: portchain check [PATH…])` };
  }
  const options: CheckOptions = { paths: [], format: 'text', config: undefined, quiet: false, color: true, includeFixtures: false };
  let onlyPaths = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (onlyPaths || !arg.startsWith('-')) {
      options.paths.push(arg);
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
    switch (flag) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '-v':
      case '--version':
        return { kind: 'version' };
      case '--format':
      case '-f': {
        const value = takeValue();
        if (value === undefined) return { kind: 'usage', message: `${flag} needs a value: ${OUTPUT_FORMATS.join(', ')}` };
        if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) return { kind: 'usage', message: `unknown format "${value}" (known: ${OUTPUT_FORMATS.join(', ')})` };
        options.format = value as OutputFormat;
        break;
      }
      case '--config':
      case '-c': {
        const value = takeValue();
        if (value === undefined || value === '') return { kind: 'usage', message: `${flag} needs a file name` };
        options.config = value;
        break;
      }
      case '--quiet':
      case '-q':
        if (inlineValue !== undefined) return { kind: 'usage', message: `${flag} takes no value` };
        options.quiet = true;
        break;
      case '--include-fixtures':
        if (inlineValue !== undefined) return { kind: 'usage', message: `${flag} takes no value` };
        options.includeFixtures = true;
        break;
      case '--no-color':
      case '--no-colour':
        if (inlineValue !== undefined) return { kind: 'usage', message: `${flag} takes no value` };
        options.color = false;
        break;
      default:
        return { kind: 'usage', message: `unknown option ${flag}` };
    }
  }
  if (options.paths.length === 0) options.paths.push('.');
  return { kind: 'check', options };
}
