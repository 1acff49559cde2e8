// dependency-cruiser's rules for Periscope (`npm run lint` runs `depcruise`): no import cycle,
// type-only imports included (`tsPreCompilationDeps`). A component that renders itself
// (VariableNode.svelte) imports itself; that is recursion, not a cycle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle, type-only imports included. Move what both sides need below them.',
      severity: 'error',
      from: { path: '(.+)' },
      to: { circular: true, pathNot: '^$1$' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.svelte', '.mjs', '.cjs', '.json'] },
  },
};
