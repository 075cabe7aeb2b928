/**
 * The architecture as lint: the gateway (src/gateway/) depends on the library, never the reverse; folders do not
 * depend on each other in a cycle; the library does not reach into tests or benchmarks.
 */
module.exports = {
  forbidden: [
    {
      name: 'library-not-on-gateway',
      comment: 'The library (src/ outside src/gateway/) is what hosts import; it must not depend on the gateway.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/gateway/' },
      to: { path: '^src/gateway/' },
    },
    {
      name: 'no-folder-cycles',
      comment: 'A folder is one concept; two concepts that need each other are one concept, or need a port.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'library-only-on-declared-packages',
      comment:
        'Hosts install only dependencies and peers: a package the library imports that is only a devDependency ' +
        '(what the gateway alone uses) would be missing in a host.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/gateway/', '\\.spec\\.ts$'] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['npm-peer', 'npm'] },
    },
    {
      name: 'src-not-on-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|examples)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '^(dist|examples)/' },
  },
};
