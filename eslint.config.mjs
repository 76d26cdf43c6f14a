import js from '@eslint/js';
import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';

/**
 * Imports run one way, down this list (STYLE.md): a folder of src/ may import its own layer and
 * the layers below it, never one above. Folders of one layer may import each other, but not in a
 * cycle (`npm run lint` runs dependency-cruiser for that: .dependency-cruiser.cjs). The files at
 * the root of src/ assemble the application and may import anything; of them, a folder may import
 * only queues.ts (the queue registry), and database/ the entity list (the MikroORM CLI needs it).
 */
const LAYERS = [
  // the features
  [
    'audit', 'bulk', 'customers', 'domains', 'health',
    'panel', 'plesk', 'queues-dashboard', 'subscriptions', 'webhooks',
  ],
  ['suspension'],
  ['events'],
  ['auth'],
  ['hosting'],
  ['database', 'redis'],
  ['metrics'],
  ['common', 'config'],
];
const ROOT_IMPORTS_ALLOWED = { '*': ['queues'], database: ['queues', 'entities'] };

const srcEntries = readdirSync(new URL('./src', import.meta.url), { withFileTypes: true });
const unlayered = srcEntries.filter((e) => e.isDirectory() && !LAYERS.flat().includes(e.name));
if (unlayered.length > 0) {
  throw new Error(`eslint.config.mjs: give src/${unlayered[0].name}/ a place in LAYERS`);
}
const rootFiles = srcEntries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => e.name.slice(0, -3));

const importOf = (names, message) => ({ regex: `^(\\.\\./)+(${names.join('|')})(/|$)`, message });
const layerRules = LAYERS.flatMap((folders, level) =>
  folders.map((folder) => {
    const above = LAYERS.slice(0, level).flat();
    const allowedRoot = ROOT_IMPORTS_ALLOWED[folder] ?? ROOT_IMPORTS_ALLOWED['*'];
    const rootForbidden = rootFiles.filter((name) => !allowedRoot.includes(name)).map((n) => n.replace('.', '\\.'));
    const patterns = [
      importOf(rootForbidden, `src/${folder}/ may not import the application's root files (only ${allowedRoot.join(', ')}): they import the folders.`),
    ];
    if (above.length > 0) {
      patterns.push(
        importOf(above, `Imports run one way (eslint.config.mjs LAYERS): src/${folder}/ may not import ${above.join(', ')}, which are above it.`),
      );
    }
    return { files: [`src/${folder}/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns }] } };
  }),
);

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
  ...layerRules,
);
