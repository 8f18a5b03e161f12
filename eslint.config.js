// Lint rules. Workflow code must stay deterministic: no Node built-ins, no I/O libraries, and no
// floating promises (DESIGN rule 6). The layers' import boundaries (DESIGN: layout) are enforced
// here too: the kernel imports only itself, workflows take activities as types only, and
// activities and entities never import the API. The web app (ui/, .ts and .vue) imports from the
// server only the kernel; inside it, its kernel imports neither the shell nor a feature
// (test/unit/boundaries.test.ts checks the same and that no feature imports another).
import pluginVue from 'eslint-plugin-vue';
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

/**
 * Import boundaries of the web app. A relative path says how far up it climbs, so the rules are
 * written per folder depth below ui/src: from the server only workflows/kernel may be imported,
 * and the web app's own kernel (ui/src/kernel) imports neither the shell (app/) nor a feature.
 */
function uiBoundaries() {
  const restrict = (patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });
  const blocks = [];
  for (const depth of [0, 1, 2, 3]) {
    const server = {
      regex: `^(\\.\\./){${depth + 2}}(?!workflows/kernel/|designer/)`,
      message:
        'The web app shares only workflows/kernel with the server (and the generated API types); the designer is its own folder.',
    };
    blocks.push({ files: [`ui/src/${'*/'.repeat(depth)}*.{ts,vue}`], rules: restrict([server]) });
    if (depth === 0) continue;
    const shell = {
      regex: `^(\\.\\./){${depth}}(app|features)/`,
      message: "The web app's kernel serves the shell and every feature; it imports neither.",
    };
    blocks.push({ files: [`ui/src/kernel/${'*/'.repeat(depth - 1)}*.{ts,vue}`], rules: restrict([server, shell]) });
  }
  return blocks;
}

/**
 * The designer (designer/) is part of the web app: from outside its folder it imports the pure
 * kernel, the web app's kernel and the session store; only its canvas/ adapter imports Vue Flow.
 */
function designerBoundaries() {
  const blocks = [];
  for (const depth of [0, 1, 2]) {
    const outside = {
      regex: `^(\\.\\./){${depth + 1}}(?!workflows/kernel/|ui/src/kernel/|ui/src/app/stores/)`,
      message: 'The designer imports from outside only workflows/kernel, ui/src/kernel and the session store.',
    };
    const vueFlow = { regex: '^@vue-flow/', message: 'Only designer/canvas (the adapter) imports Vue Flow.' };
    blocks.push({
      files: [`designer/${'*/'.repeat(depth)}*.{ts,vue}`],
      ignores: ['designer/canvas/**'],
      rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [outside, vueFlow] }] },
    });
    if (depth === 1)
      blocks.push({
        files: ['designer/canvas/*.{ts,vue}'],
        rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [outside] }] },
      });
  }
  return blocks;
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'db/migrations/**',
      'ui/dist/**',
      'ui/src/kernel/generated/**',
      'coverage/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    // The web app's own files are typed by ui/tsconfig.json (vue-tsc); of the designer, its pure model and adapter are in the root project (its composables use the web app's kernel, so they are the web app's).
    ignores: [
      'ui/**',
      'designer/{nodes,panels,locales,composables}/**',
      'designer/*.ts',
      'designer/canvas/connect-check.ts',
    ],
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
  // The web app: Vue's recommended rules for single-file components, TypeScript inside them.
  ...pluginVue.configs['flat/recommended'].map((c) => ({ ...c, files: ['ui/**/*.vue', 'designer/**/*.vue'] })),
  {
    files: ['ui/**/*.vue', 'ui/**/*.ts', 'designer/**/*.vue', 'designer/**/*.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
      globals: { window: 'readonly', document: 'readonly', localStorage: 'readonly', navigator: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Formatting is Prettier's.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
    },
  },
  ...uiBoundaries(),
  ...designerBoundaries(),
);
