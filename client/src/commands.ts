// The commands the client registers; package.json `contributes.commands` lists each of them
// (test/manifest.test.ts checks). Kept apart from extension.ts so tests can read it without VS Code.

export const COMMANDS = {
  restartServer: 'portchain.restartServer',
  showOutput: 'portchain.showOutput',
  showProblems: 'portchain.showProblems',
} as const;

/**
 * What a click on the status bar item runs: the Problems view, and beside it portchain's own
 * problems in a list to pick from (VS Code offers extensions no way to set the Problems filter).
 */
export const STATUS_BAR_COMMAND = COMMANDS.showProblems;

/** The diagnostics' `source`, as the server sets it (features/diagnostics.ts DIAGNOSTIC_SOURCE). */
export const DIAGNOSTIC_SOURCE = 'portchain';

/**
 * Commands the server's code lenses carry, with their arguments. Not listed in the command palette:
 * without the lens's argument they have nothing to do.
 */
export const LENS_COMMANDS = {
  copyPortForward: 'portchain.copyPortForward',
} as const;
