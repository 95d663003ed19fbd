import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'coverage/**', 'test-output/**', 'client/dist/**'] },
  js.configs.recommended,
  // Type-aware: a promise nobody awaits (a lost write, an unhandled rejection) is an error.
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
      // An async implementation of an async port may well have nothing to await (an in-memory fake,
      // a cached value); the promise rules above catch what matters.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // `import { z } from 'zod'` is one namespace object esbuild cannot tree-shake: it put all of
    // zod (~450 KiB, every locale) into each Lambda bundle and its cold start; `import * as z`
    // bundles ~100 KiB (docs/benchmarks-history.md, "Webhook cold start").
    files: ['lambdas/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[source.value='zod'][importKind='value'] > ImportSpecifier[imported.name='z'][importKind='value']",
          message: "Use `import * as z from 'zod'`, which esbuild can tree-shake.",
        },
      ],
    },
  },
  {
    // Tests read JSON answers as `any` on purpose (they assert on them); the promise rules still apply.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['local/**', 'scripts/**', 'bench/**', 'bin/**', 'console/cli.ts'],
    rules: { 'no-console': 'off' },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
