// Builds the panel (panel/src -> panel/dist) with esbuild: one bundle, its CSS and index.html.
// `node panel/build.mjs` from the repository root or anywhere else.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const out = join(root, 'dist');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, 'src', 'main.tsx')],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
});
copyFileSync(join(root, 'index.html'), join(out, 'index.html'));
copyFileSync(join(root, 'src', 'styles.css'), join(out, 'styles.css'));
// Tells test/support/browser.ts when the build is complete and how fresh it is.
writeFileSync(join(out, '.built'), new Date().toISOString());
