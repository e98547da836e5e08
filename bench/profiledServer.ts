// The language server under the V8 profiler, for `npm run bench -- --profile`. Node 20 does not
// take --cpu-prof in NODE_OPTIONS, and the protocol client starts `node <PORTCHAIN_SERVER> --stdio`,
// so this file is that server: it starts the profiler, runs the real one, and writes the profile
// when the process exits (an inspector session on its own thread answers synchronously).
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';
import { join } from 'node:path';

const server = process.env.PORTCHAIN_BENCH_SERVER;
const profileDir = process.env.PORTCHAIN_BENCH_PROFILE_DIR;
if (!server || !profileDir) throw new Error('PORTCHAIN_BENCH_SERVER and PORTCHAIN_BENCH_PROFILE_DIR must name the server and the profile folder');

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => {
  session.post('Profiler.stop', (error, result: Profiler.StopReturnType) => {
    if (error) return;
    mkdirSync(profileDir, { recursive: true });
    writeFileSync(join(profileDir, `server-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
require(server);
