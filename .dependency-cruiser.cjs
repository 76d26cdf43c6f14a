/**
 * `npm run lint` refuses a cycle between folders of src/ (src/<a>/... -> src/<b>/... -> back to
 * src/<a>): the rule's folder scope judges the folder graph, so modules inside one folder may still
 * import each other. eslint.config.mjs keeps the direction between layers.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'Folders of src/ may not import each other in a cycle: move the shared piece down a layer (see eslint.config.mjs).',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
