// Preloaded (`node --require out/bench/cpuTime.js …`) into the processes the cold-index figures
// time: at exit it writes the process's CPU time (user + system, all threads) to stderr, so that
// the benchmark can report CPU time beside wall time. On a shared machine CPU time moves much
// less than wall time when other work competes for the cores.
import { writeSync } from 'node:fs';

/** bench/run.ts looks for lines that start with this (it keeps its own copy: importing this file would run it). */
const CPU_TIME_PREFIX = 'portchain-bench-cpu-ms ';

process.on('exit', () => {
  const usage = process.cpuUsage();
  writeSync(2, `\n${CPU_TIME_PREFIX}${(usage.user + usage.system) / 1000}\n`);
});
