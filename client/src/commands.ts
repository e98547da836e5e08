// The commands the client registers; package.json `contributes.commands` lists each of them
// (test/manifest.test.ts checks). Kept apart from extension.ts so tests can read it without VS Code.

export const COMMANDS = {
  restartServer: 'portchain.restartServer',
  showOutput: 'portchain.showOutput',
} as const;

/** What a click on the status bar item runs: the Problems view, where the broken links are listed. */
export const STATUS_BAR_COMMAND = 'workbench.actions.view.problems';

/**
 * Commands the server's code lenses carry, with their arguments. Not listed in the command palette:
 * without the lens's argument they have nothing to do.
 */
export const LENS_COMMANDS = {
  copyPortForward: 'portchain.copyPortForward',
} as const;
