/**
 * The web app shares only the pure kernel with the server (DESIGN: dependencies point down). ESLint
 * guards the server's layers; ui/ is checked here, by reading every import of its sources.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const uiSrc = join(root, 'ui', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|vue)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('import boundaries', () => {
  it('the web app reaches outside ui/src only into workflows/kernel', () => {
    const files = sources(uiSrc);
    expect(files.length).toBeGreaterThan(20);
    const outside: string[] = [];
    let kernel = 0;
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = relative(root, resolve(dirname(file), m[1]!));
        if (target.startsWith('ui/src/')) continue;
        if (target.startsWith('workflows/kernel/')) kernel++;
        else outside.push(`${relative(root, file)} → ${target}`);
      }
    }
    expect(outside).toEqual([]);
    expect(kernel).toBeGreaterThan(0);
  });
});
