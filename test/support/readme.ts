// The README's recipes, read out of README.md so that the tests run exactly what a user copies.
// A recipe is the fenced block right after an HTML comment that names the test running it:
//
//   <!-- test/neovim/neovim.test.ts runs this block -->
//   ```lua
//   …
//   ```

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A recipe: the language of its fence, its text, and the comment above it. */
export interface ReadmeBlock {
  language: string;
  code: string;
  comment: string;
}

/** The README's blocks that `test` (a path such as `test/neovim/neovim.test.ts`) runs, in order; fails where there are none. */
export function readmeBlocks(test: string): ReadmeBlock[] {
  const readme = readFileSync(join(repositoryRoot(), 'README.md'), 'utf8');
  const blocks: ReadmeBlock[] = [];
  const pattern = /<!-- (\S+) ([^>]*?) -->\r?\n```(\w*)\r?\n([\s\S]*?)\r?\n```/g;
  for (const match of readme.matchAll(pattern)) {
    if (match[1] === test) blocks.push({ comment: match[2], language: match[3], code: `${match[4]}\n` });
  }
  assert.ok(blocks.length > 0, `README.md has no block marked <!-- ${test} … --> above it`);
  return blocks;
}

/** The one README block that `test` runs whose comment includes `comment`. */
export function readmeBlock(test: string, comment = ''): ReadmeBlock {
  const found = readmeBlocks(test).filter((block) => block.comment.includes(comment));
  assert.equal(found.length, 1, `README.md blocks for ${test} with "${comment}": ${found.length}`);
  return found[0];
}

/** The checkout the tests run from, found upwards from wherever the test is bundled to. */
export function repositoryRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'README.md')) && existsSync(join(dir, 'scripts', 'build.mjs'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no portchain checkout above ${__dirname}`);
  }
}
