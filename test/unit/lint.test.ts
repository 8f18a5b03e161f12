/**
 * The lint rules hold in the test command too, so CI enforces them: the layers' import boundaries
 * (workflows, kernel, activities, db, the web app's kernel and features) and workflow determinism
 * are ESLint rules (eslint.config.js); a run with an error fails here with the messages.
 */
import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('lint', () => {
  it('finds no error in the sources, server and web app alike', async () => {
    const eslint = new ESLint({ cwd: root });
    const results = await eslint.lintFiles(['.']);
    expect(results.filter((r) => r.filePath.includes('/ui/src/')).length).toBeGreaterThan(30);
    const errors = results.flatMap((r) =>
      r.messages
        .filter((m) => m.severity === 2)
        .map((m) => `${r.filePath.slice(root.length)}:${m.line} ${m.ruleId ?? ''} ${m.message}`),
    );
    expect(errors).toEqual([]);
  }, 180_000);
});
