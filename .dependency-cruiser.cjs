// The import rules of Periscope's tree, checked by `npm run lint` (dependency-cruiser). The tree is
// the architecture: each folder is one subsystem and may import only the folders listed for it
// (and src-common/, which everything may import). Anything else, and any import cycle (type-only
// imports included: `tsPreCompilationDeps`), fails lint. README "Layout" describes the folders.

/** Each folder: the folders it may import besides itself and src-common/. */
const layers = {
  // The Node side. Only app/ imports electron (ESLint's no-restricted-imports).
  'src-main/log': [],
  'src-main/dap': ['log'],
  'src-main/ssh': ['log'],
  'src-main/remote': ['ssh', 'log'],
  'src-main/profiles': ['log'],
  'src-main/connect': ['ssh', 'profiles', 'log'],
  'src-main/relay': ['dap', 'log'],
  'src-main/tracer': ['relay', 'remote', 'connect', 'ssh', 'dap', 'profiles', 'log'],
  'src-main/snapshots': ['tracer', 'relay', 'remote', 'connect', 'ssh', 'dap', 'profiles', 'log'],
  'src-main/forwards': ['tracer', 'connect', 'ssh', 'log'],
  'src-main/logs': ['connect', 'remote', 'ssh', 'log'],
  'src-main/backend': [
    'snapshots',
    'logs',
    'forwards',
    'tracer',
    'relay',
    'connect',
    'profiles',
    'remote',
    'ssh',
    'dap',
    'log',
  ],
  'src-main/web': ['backend', 'log'],
  'src-main/cli': ['web', 'backend', 'snapshots', 'relay', 'profiles', 'log'],
  'src-main/app': ['backend', 'profiles', 'log'],
  // The renderer: engines, stores on them, panels on the stores. App.svelte and main.ts, at the
  // top, put it together.
  'src-renderer/ui': [],
  'src-renderer/backend': [],
  'src-renderer/debug': [],
  'src-renderer/console': [],
  'src-renderer/editor': [],
  // Quick open's matching of typed letters to file paths.
  'src-renderer/quick-open': [],
  'src-renderer/data-view': [],
  'src-renderer/stores': ['backend', 'debug', 'console', 'editor', 'quick-open', 'data-view'],
  'src-renderer/panels': [
    'stores',
    'ui',
    'backend',
    'debug',
    'console',
    'editor',
    'quick-open',
    'data-view',
  ],
};

/** Imports that may only be type-only: from a folder to another it sees only the types of. */
const typesOnly = {
  // A dial-in forward hands its channels to the tracer listener, which it knows by type.
  'src-main/forwards': ['tracer'],
};

/**
 * Inside a folder, its parts in order: a part may import parts of earlier ranks, never one of its
 * own rank or a later one. Names are sub-folders or files of that folder.
 */
const ranks = {
  'src-main/ssh': [['ssh-error.ts'], ['host-keys', 'exec'], ['connection'], ['forwards']],
  // containers/: running commands inside a container of the remote machine (issue 14), below the
  // probes and the launch that run theirs there.
  'src-main/remote': [['python'], ['containers'], ['tail', 'probes', 'snapshots'], ['launch']],
  'src-main/backend': [['clients'], ['sessions'], ['handlers'], ['backend.ts']],
};

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Path pattern of a folder (`src-main/ssh` → `^src-main/ssh/`) or a file. */
const under = (path) => `^${escape(path)}${/\.[a-z]+$/.test(path) ? '$' : '/'}`;
const sibling = (folder, name) => under(`${folder.split('/')[0]}/${name}`);

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const forbidden = [
  {
    name: 'no-circular',
    comment: 'An import cycle, type-only imports included. Move what both sides need below them.',
    severity: 'error',
    // A component that renders itself (VariableNode.svelte) imports itself: recursion, not a cycle.
    from: { path: '(.+)' },
    to: { circular: true, pathNot: '^$1$' },
  },
  {
    name: 'common-is-the-bottom',
    comment:
      'src-common/ runs in both processes: it imports neither of them, nor Node, nor electron.',
    severity: 'error',
    from: { path: '^src-common/' },
    to: { path: '^(src-main|src-renderer)/|^electron$' },
  },
  {
    name: 'common-has-no-node',
    comment: 'src-common/ runs in the browser too: no Node built-in modules.',
    severity: 'error',
    from: { path: '^src-common/' },
    to: { dependencyTypes: ['core'] },
  },
  {
    name: 'renderer-never-main',
    comment: 'The renderer imports src-common/, never src-main/.',
    severity: 'error',
    from: { path: '^src-renderer/' },
    to: { path: '^src-main/' },
  },
  {
    name: 'panels-apart',
    comment: 'A panel does not import another panel; what two panels share goes to ui/ or stores/.',
    severity: 'error',
    from: { path: '^src-renderer/panels/([^/]+)/' },
    to: { path: '^src-renderer/panels/', pathNot: '^src-renderer/panels/$1/' },
  },
  ...Object.entries(layers).map(([folder, allowed]) => ({
    name: `layer:${folder}`,
    comment: `${folder}/ may import only ${allowed.join(', ') || 'nothing else'} (and src-common/).`,
    severity: 'error',
    from: { path: under(folder) },
    to: {
      path: '^src-(main|renderer)/',
      pathNot: [under(folder), ...allowed.map((name) => sibling(folder, name))],
    },
  })),
  ...Object.entries(typesOnly).map(([folder, names]) => ({
    name: `types-only:${folder}`,
    comment: `${folder}/ may import only types from ${names.join(', ')}.`,
    severity: 'error',
    from: { path: under(folder) },
    to: {
      path: names.map((name) => sibling(folder, name)),
      dependencyTypesNot: ['type-only'],
    },
  })),
  ...Object.entries(ranks).flatMap(([folder, order]) =>
    order.map((rank, index) => ({
      name: `rank:${folder}/${rank.join('|')}`,
      comment: `Inside ${folder}/, ${rank.join(' and ')} may import only ${
        order.slice(0, index).flat().join(', ') || 'nothing else there'
      } of it.`,
      severity: 'error',
      from: { path: `^${escape(folder)}/(${rank.map(escape).join('|')})(/|$)` },
      to: {
        path: `^${escape(folder)}/(${order.slice(index).flat().map(escape).join('|')})(/|$)`,
        // A part's own files may import each other.
        pathNot: `^${escape(folder)}/$1(/|$)`,
      },
    })),
  ),
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden,
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.svelte', '.mjs', '.cjs', '.json'] },
  },
};
