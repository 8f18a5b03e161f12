// Lint rules. Workflow code must stay deterministic: no Node built-ins, no I/O libraries, and no
// floating promises (DESIGN rule 6). The layers' import boundaries (DESIGN: layout) are enforced
// here too: the kernel imports only itself, workflows take activities as types only, and
// activities and entities never import the API. The web app imports only the kernel (checked
// by test/unit/boundaries.test.ts, since ui/ is not linted by this config yet).
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'fs',
  'path',
  'os',
  'http',
  'https',
  'net',
  'child_process',
  'crypto',
  'worker_threads',
  'dns',
  'timers',
];

/** What workflow code (and the kernel) may never import: it must replay the same way every time. */
const DETERMINISTIC = [
  ...NODE_BUILTINS.flatMap((m) => [m, `node:${m}`]).map((name) => ({
    name,
    message: 'Workflow code must be deterministic: no Node built-ins.',
  })),
  ...['pg', '@mikro-orm/core', '@temporalio/activity', '@temporalio/client', 'koa', 'pino'].map((name) => ({
    name,
    message: 'Workflow code does no I/O: call an activity instead.',
  })),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'db/migrations/**', 'ui/**', 'designer/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: DETERMINISTIC,
          patterns: [
            {
              regex: '^(\\.\\./)+(api|db|deploy)(/|$)',
              message: 'Workflow code imports only the kernel, the runtime and its own domain (DESIGN: layout).',
            },
            {
              regex: '^(\\.\\./)+activities(/|$)',
              allowTypeImports: true,
              message: 'Workflows import activities as types only (proxyActivities).',
            },
          ],
        },
      ],
    },
  },
  {
    // The kernel is pure and shared by every layer and the web app: nothing but itself and zod.
    files: ['workflows/kernel/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: DETERMINISTIC,
          patterns: [
            { regex: '^\\.\\./', message: 'The kernel imports only kernel modules.' },
            { regex: '^@temporalio/', message: 'The kernel is plain TypeScript: no Temporal imports.' },
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts', 'db/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(api|deploy)(/|$)',
              message: 'Activities and entities never import the API (DESIGN: dependencies point down).',
            },
          ],
        },
      ],
    },
  },
);
