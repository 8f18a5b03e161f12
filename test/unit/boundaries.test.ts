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
  it('the web app reaches outside ui/src only into workflows/kernel and the designer', () => {
    const files = sources(uiSrc);
    expect(files.length).toBeGreaterThan(20);
    const outside: string[] = [];
    let kernel = 0;
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = relative(root, resolve(dirname(file), m[1]!));
        if (target.startsWith('ui/src/')) continue;
        if (target.startsWith('workflows/kernel/')) kernel++;
        else if (target.startsWith('designer/')) continue;
        else outside.push(`${relative(root, file)} → ${target}`);
      }
    }
    expect(outside).toEqual([]);
    expect(kernel).toBeGreaterThan(0);
  });

  it("inside the web app, its kernel imports neither the shell nor a feature, and no feature imports another's code", () => {
    const crossing: string[] = [];
    const area = (path: string) => /^ui\/src\/(app|kernel|features\/[^/]+)\//.exec(path)?.[1] ?? 'other';
    for (const file of sources(uiSrc)) {
      const from = area(relative(root, file));
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = relative(root, resolve(dirname(file), m[1]!));
        if (!target.startsWith('ui/src/')) continue;
        const to = area(target);
        const allowed =
          to === from ||
          to === 'kernel' ||
          // The shell composes the features (their routes and texts); features use its services.
          (from === 'app' && to.startsWith('features/')) ||
          (from.startsWith('features/') && to === 'app');
        if (!allowed || from === 'other') crossing.push(`${relative(root, file)} → ${target}`);
      }
    }
    expect(crossing).toEqual([]);
  });

  it('the designer reaches outside its folder only into workflows/kernel, the web app kernel and the session store; only its canvas imports Vue Flow', () => {
    const files = sources(join(root, 'designer'));
    expect(files.length).toBeGreaterThan(15);
    const wrong: string[] = [];
    for (const file of files) {
      const rel = relative(root, file);
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        if (spec.startsWith('@vue-flow/') && !rel.startsWith('designer/canvas/')) wrong.push(`${rel} → ${spec}`);
        if (!spec.startsWith('.')) continue;
        const target = relative(root, resolve(dirname(file), spec));
        const allowed = ['designer/', 'workflows/kernel/', 'ui/src/kernel/', 'ui/src/app/stores/'].some((p) =>
          target.startsWith(p),
        );
        if (!allowed) wrong.push(`${rel} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
