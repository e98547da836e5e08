// One SIGINT/SIGTERM handler for every e2e runner in this process: each registers how to stop what
// it started (a server's process group, a browser, a test process), and Ctrl-C stops all of them.

const stoppers = new Set();
let stopping = false;

/** Registers `stop` to run on SIGINT or SIGTERM; returns the function that unregisters it. */
export function onInterrupt(stop) {
  if (stoppers.size === 0 && !stopping) {
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void interrupted(signal));
  }
  stoppers.add(stop);
  return () => stoppers.delete(stop);
}

async function interrupted(signal) {
  if (stopping) return;
  stopping = true;
  console.error(`\n[e2e] ${signal}: stopping everything this run started`);
  for (const stop of [...stoppers].reverse()) await Promise.resolve().then(stop).catch(() => {});
  process.exit(130);
}
