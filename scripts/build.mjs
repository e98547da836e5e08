// Bundles the client, the language server and the CLI into dist/ with esbuild.
// One script, three entry points (vscode-eslint does the same), and the port map's webview page
// (a browser bundle with its stylesheet); `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { yamlAlias } from './esbuildShared.mjs';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  minify: process.argv.includes('--minify'),
  logLevel: 'warning',
  legalComments: 'none',
  alias: yamlAlias,
};
const builds = [
  { ...common, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...common, entryPoints: { server: 'server/src/server.ts', cli: 'server/src/cli.ts', parseWorker: 'server/src/cli/parseWorker.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  // The webview runs in the browser: always minified, since it loads each time the map opens.
  { entryPoints: { portMap: 'client/src/webview/portMap.ts' }, outdir: 'dist', bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: 'linked', minify: true, logLevel: 'warning', legalComments: 'none' },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
