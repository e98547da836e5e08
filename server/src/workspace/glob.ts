// Glob patterns as VS Code's `files.exclude` writes them: `**`, `*`, `?`, `{a,b}`, `[abc]`.

/** Compiles a glob to a RegExp matched against a path relative to the workspace root, with `/` separators. */
export function globToRegExp(glob: string): RegExp {
  let pattern = glob.trim().replace(/\\/g, '/');
  if (pattern.startsWith('./')) pattern = pattern.slice(2);
  if (pattern.startsWith('/')) pattern = pattern.slice(1);
  let out = '';
  let inGroup = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` matches everything below.
        if (pattern[i + 2] === '/') {
          out += '(?:[^/]*/)*';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      inGroup = true;
      out += '(?:';
    } else if (c === '}' && inGroup) {
      inGroup = false;
      out += ')';
    } else if (c === ',' && inGroup) out += '|';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close > i) {
        out += `[${pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      } else out += '\\[';
    } else out += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  // A pattern that names a folder also excludes everything inside it.
  return new RegExp(`^${out}(?:/.*)?$`);
}

/** A matcher for a set of globs; relative paths use `/`. */
export function globMatcher(globs: readonly string[]): (relativePath: string) => boolean {
  const regexps = globs.filter((glob) => glob.trim() !== '').map(globToRegExp);
  return (relativePath) => regexps.some((regexp) => regexp.test(relativePath));
}
