// `npm run package`: the .vsix a person installs (`code --install-extension portchain-<version>.vsix`),
// made offline by @vscode/vsce from minified bundles; nothing is published. What goes in is the
// allow-list in .vscodeignore (the bundles, the manifest, README, LICENSE, CHANGELOG, the grammar
// and the icon); the bundles are self-contained, so no node_modules (--no-dependencies).
//
// vsce walks every file under the folder it packs before it applies .vscodeignore, and a checkout
// may hold a large .cache/ or out/; so it packs a copy of what git would commit (tracked files and
// new ones that are not ignored) plus dist/, with .vscodeignore still the only filter (the copy's
// package.json drops `files`, the npm package's list, which vsce will not combine with it).
//
// Usage: npm run package [-- --out <file.vsix>]   (default: portchain-<version>.vsix here)
//   The e2e run (scripts/vscode/test-e2e.mjs) packs the same way and installs the result.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const REPO_ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

/** Files the .vsix must hold; besides these only grammars (syntaxes/) may go in, and anything else is a leak through .vscodeignore. */
export const VSIX_FILES = ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/client.js', 'dist/portMap.css', 'dist/portMap.js', 'dist/server.js', 'images/icon.png', 'package.json'];
const MAY_ALSO_HOLD = /^syntaxes\/[^/]+\.json$/;

/** Bundles minified and packs the .vsix at `out`; returns `{ path, bytes, files }`. */
export async function packageExtension({ out, log = (line) => console.log(`[package] ${line}`) } = {}) {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  const path = resolve(out ?? join(REPO_ROOT, `${manifest.name}-${manifest.version}.vsix`));
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs'), '--minify'], { stdio: 'inherit', cwd: REPO_ROOT });
  if (build.status !== 0) throw new Error('the build (scripts/build.mjs --minify) failed; see above');

  // vsce reads the extension from the working directory and prints its file tree with console.log
  // (warnings go to console.warn and stay); the tree is noise on success, so it is shown only when
  // packing fails.
  const require = createRequire(import.meta.url);
  const { createVSIX, listFiles } = require('@vscode/vsce');
  const cwd = process.cwd();
  const print = console.log;
  const captured = [];
  const staging = stageCheckout();
  if (!staging) throw new Error(`${REPO_ROOT} is no git checkout: the .vsix is packed from a copy of what git would commit`);
  const source = staging;
  let files;
  process.chdir(source);
  console.log = (...args) => captured.push(args.join(' '));
  try {
    await createVSIX({ cwd: source, packagePath: path, dependencies: false });
    files = (await listFiles({ cwd: source, packageManager: 2 /* PackageManager.None */ })).sort();
  } catch (error) {
    for (const line of captured) print(line);
    throw error;
  } finally {
    console.log = print;
    process.chdir(cwd);
    rmSync(staging, { recursive: true, force: true });
  }
  const missing = VSIX_FILES.filter((file) => !files.includes(file));
  const leaked = files.filter((file) => !VSIX_FILES.includes(file) && !MAY_ALSO_HOLD.test(file));
  if (missing.length > 0 || leaked.length > 0) {
    throw new Error(`${path} is not what .vscodeignore should allow: ${[missing.length > 0 && `missing ${missing.join(', ')}`, leaked.length > 0 && `unexpected ${leaked.join(', ')}`].filter(Boolean).join('; ')}`);
  }
  const bytes = statSync(path).size;
  log(`${relative(cwd, path) || path}: ${(bytes / 1024).toFixed(0)} KiB, ${files.length} files (${files.join(', ')})`);
  return { path, bytes, files };
}

/** A temporary copy of what git would commit, plus dist/; undefined outside a git checkout (then packing stops: see packageExtension). */
function stageCheckout() {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (listed.status !== 0) return undefined;
  const staging = mkdtempSync(join(tmpdir(), 'portchain-package-'));
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const from = join(REPO_ROOT, file);
    // A file deleted in the work tree but not yet in git.
    if (!existsSync(from)) continue;
    mkdirSync(dirname(join(staging, file)), { recursive: true });
    cpSync(from, join(staging, file));
  }
  cpSync(join(REPO_ROOT, 'dist'), join(staging, 'dist'), { recursive: true });
  withoutNpmFilesList(staging);
  return staging;
}

/**
 * Drops package.json's `files`: it is the npm package's allow-list (which holds the CLI besides
 * the extension), and vsce refuses to pack a folder that has both it and .vscodeignore.
 */
function withoutNpmFilesList(folder) {
  const path = join(folder, 'package.json');
  const { files, ...manifest } = JSON.parse(readFileSync(path, 'utf8'));
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  try {
    await packageExtension({ out: values.out });
  } catch (error) {
    console.error(`[package] ${error?.message ?? error}`);
    process.exit(1);
  }
}
