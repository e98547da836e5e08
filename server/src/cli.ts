// `portchain check [PATH…]`: the language server's graph and rules for CI (see cli/main.ts).
// Everything is caught here: a user sees one line, never a stack trace (PORTCHAIN_DEBUG=1 shows it).

import { EXIT_USAGE, main } from './cli/main';

// `portchain check | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  fail(error);
});

main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdoutIsTTY: process.stdout.isTTY === true,
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
}).then((status) => {
  // Setting the status instead of calling exit() lets a large report drain into a pipe first.
  process.exitCode = status;
}, fail);

function fail(error: unknown): void {
  const message = (error as Error)?.message ?? String(error);
  process.stderr.write(`portchain: internal error: ${message.split('\n')[0]}\n`);
  if (process.env.PORTCHAIN_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  process.exitCode = EXIT_USAGE;
}
