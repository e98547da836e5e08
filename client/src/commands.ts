// The commands the client registers; package.json `contributes.commands` lists each of them
// (test/manifest.test.ts checks). Kept apart from extension.ts so tests can read it without VS Code.

export const COMMANDS = {
  restartServer: 'portchain.restartServer',
  showOutput: 'portchain.showOutput',
  showProblems: 'portchain.showProblems',
  /** The port map; the code lens passes `{ uri, position }` to centre it on a Service or Ingress. */
  showPortMap: 'portchain.showPortMap',
  statusMenu: 'portchain.statusMenu',
} as const;

/**
 * What a click on the status bar item runs: a menu of portchain's views, the problems first (the
 * Problems view, and beside it portchain's own problems in a list to pick from, since VS Code
 * offers extensions no way to set the Problems filter), then the port map.
 */
export const STATUS_BAR_COMMAND = COMMANDS.statusMenu;

/** The status bar menu's entries, in order. */
export const STATUS_MENU: readonly { label: string; command: string }[] = [
  { label: '$(warning) Show Problems', command: COMMANDS.showProblems },
  { label: '$(type-hierarchy) Show Port Map', command: COMMANDS.showPortMap },
  { label: '$(output) Show Output', command: COMMANDS.showOutput },
  { label: '$(debug-restart) Restart Language Server', command: COMMANDS.restartServer },
];

/** The diagnostics' `source`, as the server sets it (features/diagnostics.ts DIAGNOSTIC_SOURCE). */
export const DIAGNOSTIC_SOURCE = 'portchain';

/**
 * Commands the server's code lenses carry, with their arguments. Not listed in the command palette:
 * without the lens's argument they have nothing to do.
 */
export const LENS_COMMANDS = {
  copyPortForward: 'portchain.copyPortForward',
} as const;
