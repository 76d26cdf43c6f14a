import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Imports run one way: feature modules -> suspension -> events -> hosting -> common (and config).
 * Each layer below may not import a layer above it; `npm run lint` keeps it so.
 */
const FEATURES = ['auth', 'customers', 'subscriptions', 'domains', 'bulk', 'webhooks', 'audit', 'plesk', 'panel', 'health', 'metrics', 'database', 'redis'];
const above = (folders) => ({
  regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`,
  message: 'Imports run one way: features -> suspension -> events -> hosting -> common. A lower layer may not import a higher one.',
});
const layer = (folder, forbidden) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: { 'no-restricted-imports': ['error', { patterns: [above(forbidden)] }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'panel/**', 'coverage/**', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { project: false } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  layer('suspension', FEATURES),
  layer('events', [...FEATURES, 'suspension']),
  layer('hosting', [...FEATURES, 'suspension', 'events']),
  layer('common', [...FEATURES, 'suspension', 'events', 'hosting']),
  layer('config', [...FEATURES, 'suspension', 'events', 'hosting']),
);
