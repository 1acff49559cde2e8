/**
 * Import and export of VS Code configurations (`.vscode/launch.json`, JSON with comments and
 * trailing commas, read and edited with Microsoft's `jsonc-parser`, the one VS Code uses) for
 * debugpy: `connect` (`host`, `port`; the legacy top-level `host`/`port` too), `pathMappings`,
 * `justMyCode` and the debug options of `LaunchJsonOptions` (`stopOnEntry`, `pythonArgs`,
 * `envFile`, `showReturnValue`, `gevent`, `pyramid`, `sudo`, `console`, `subProcess`, `django`, `jinja`). Entries of type `debugpy` or
 * `python` are read: `"request": "attach"` ones need a `connect.port`; `"request": "launch"`
 * ones give their options and mappings (no port). `${workspaceFolder}` in a `localRoot` becomes
 * the given folder; in an `envFile` (a laptop path for VS Code, a remote one for Periscope) it
 * becomes the remote root mapped to that folder, or else the path is taken as relative to the
 * launch's remote working directory. What an entry leaves out gets VS Code's default
 * ({@link VS_CODE_DEFAULTS}). Export writes an `attach` entry with every option.
 *
 * `connect` is where VS Code finds debugpy from the laptop. For a remote machine that is usually
 * `localhost:<port>` through `ssh -L <port>:localhost:<port>`, the port being the one debugpy
 * `--listen`s on remotely: a profile keeps that port (`attachPort`) and exports
 * `localhost:<attachPort>`. Writing the file is `launch-json-file.ts`'s.
 */
import {
  applyEdits,
  findNodeAtLocation,
  format,
  modify,
  parse,
  parseTree,
  printParseErrorCode,
  type ParseError,
} from 'jsonc-parser';
import type { LaunchJsonAttach, LaunchJsonOptions } from '../../src-common/protocol/connections.js';
import type { ConsoleMode, PathMapping } from '../../src-common/protocol/profile.js';
import { DEFAULT_ATTACH_PORT } from './profile-schema.js';

/**
 * What VS Code's Python debugger does when an entry leaves an option out: `subProcess` on (debugpy's
 * default), `showReturnValue` on (the Python extension sets it on every configuration that does
 * not say), `console` `integratedTerminal` (its default for a launch entry; an attach entry has
 * no console in VS Code and keeps Periscope's `internalConsole`), the rest off or empty.
 */
export const VS_CODE_DEFAULTS: Readonly<LaunchJsonOptions> = {
  stopOnEntry: false,
  pythonArgs: [],
  envFile: '',
  showReturnValue: true,
  gevent: false,
  pyramid: false,
  sudo: false,
  console: 'integratedTerminal',
  subProcess: true,
  django: false,
  jinja: false,
};

/** One attach configuration as Periscope uses it (the client protocol's type). */
export type AttachConfiguration = LaunchJsonAttach;

/** A launch.json that could not be read. */
export class LaunchJsonError extends Error {
  override readonly name = 'LaunchJsonError';
}

const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false } as const;

/** How new text is laid out (VS Code's default for launch.json: two spaces). */
const FORMATTING = { insertSpaces: true, tabSize: 2, eol: '\n' } as const;

/**
 * Parses JSON with comments and trailing commas (VS Code's `jsonc`) with `jsonc-parser`.
 * @throws LaunchJsonError naming the first syntax error and its line.
 */
function parseJsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, PARSE_OPTIONS);
  const first = errors[0];
  if (first !== undefined) {
    const line = text.slice(0, first.offset).split('\n').length;
    throw new LaunchJsonError(
      `launch.json is not valid JSON with comments: ${printParseErrorCode(first.error)} at line ${line}`,
    );
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the attach configurations of a launch.json.
 * @param workspaceFolder replaces `${workspaceFolder}` in local roots.
 * @returns the configurations, and one sentence per entry skipped and why.
 * @throws LaunchJsonError when the text is not JSON with comments or has no `configurations` list.
 */
export function importLaunchJson(
  text: string,
  workspaceFolder: string,
): { configurations: AttachConfiguration[]; skipped: string[] } {
  const parsed = parseJsonc(text);
  if (!isRecord(parsed) || !Array.isArray(parsed.configurations)) {
    throw new LaunchJsonError('launch.json has no "configurations" list');
  }
  const configurations: AttachConfiguration[] = [];
  const skipped: string[] = [];
  for (const [index, entry] of parsed.configurations.entries()) {
    const label = isRecord(entry) && typeof entry.name === 'string' ? entry.name : `#${index + 1}`;
    if (!isRecord(entry) || (entry.request !== 'attach' && entry.request !== 'launch')) continue;
    if (entry.type !== 'debugpy' && entry.type !== 'python') {
      skipped.push(`${label}: type "${String(entry.type)}" is not debugpy`);
      continue;
    }
    const pathMappings = readPathMappings(entry.pathMappings, workspaceFolder);
    const common = {
      name: label,
      pathMappings,
      justMyCode: typeof entry.justMyCode === 'boolean' ? entry.justMyCode : true,
      options: readOptions(entry, workspaceFolder, pathMappings),
    };
    if (entry.request === 'launch') {
      configurations.push(common);
      continue;
    }
    const connect = isRecord(entry.connect) ? entry.connect : entry; // legacy top-level host/port
    const port = typeof connect.port === 'string' ? Number(connect.port.trim()) : connect.port;
    if (connect.port === undefined) {
      skipped.push(`${label}: no connect.port (attach by process id is not imported)`);
      continue;
    }
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      skipped.push(
        `${label}: connect.port ${JSON.stringify(connect.port)} is not a port number (1–65535)`,
      );
      continue;
    }
    const host = typeof connect.host === 'string' ? connect.host : '127.0.0.1';
    configurations.push({ ...common, connect: { host, port } });
  }
  return { configurations, skipped };
}

function readPathMappings(raw: unknown, workspaceFolder: string): PathMapping[] {
  const mappings = Array.isArray(raw) ? raw : [];
  return mappings.flatMap((m): PathMapping[] =>
    isRecord(m) && typeof m.localRoot === 'string' && typeof m.remoteRoot === 'string'
      ? [
          {
            localRoot: m.localRoot.replaceAll('${workspaceFolder}', workspaceFolder),
            remoteRoot: m.remoteRoot,
          },
        ]
      : [],
  );
}

/** The debug options of one entry, VS Code's defaults for what it leaves out or gets wrong. */
function readOptions(
  entry: Record<string, unknown>,
  workspaceFolder: string,
  pathMappings: PathMapping[],
): LaunchJsonOptions {
  const flag = (key: keyof LaunchJsonOptions): boolean => {
    const value = entry[key];
    return typeof value === 'boolean' ? value : (VS_CODE_DEFAULTS[key] as boolean);
  };
  const pythonArgs = Array.isArray(entry.pythonArgs)
    ? entry.pythonArgs.filter((a): a is string => typeof a === 'string' && a !== '')
    : [];
  return {
    stopOnEntry: flag('stopOnEntry'),
    pythonArgs,
    envFile:
      typeof entry.envFile === 'string'
        ? remoteEnvFile(entry.envFile, workspaceFolder, pathMappings)
        : '',
    showReturnValue: flag('showReturnValue'),
    gevent: flag('gevent'),
    pyramid: flag('pyramid'),
    sudo: flag('sudo'),
    console: readConsole(entry),
    subProcess: flag('subProcess'),
    django: flag('django'),
    jinja: flag('jinja'),
  };
}

/** VS Code's console values; anything else (a typo, another debugger's) reads as left out. */
const CONSOLE_MODES: readonly ConsoleMode[] = [
  'internalConsole',
  'integratedTerminal',
  'externalTerminal',
];

/**
 * An entry's `console`: its value, else VS Code's default for a launch entry
 * (`integratedTerminal`), and for an attach entry (where VS Code has none) `internalConsole`.
 */
function readConsole(entry: Record<string, unknown>): ConsoleMode {
  const value = entry.console;
  if (CONSOLE_MODES.includes(value as ConsoleMode)) return value as ConsoleMode;
  return entry.request === 'launch' ? VS_CODE_DEFAULTS.console : 'internalConsole';
}

/**
 * Where VS Code's `envFile` (a path on the laptop, usually `${workspaceFolder}/.env`) is on the
 * remote machine: through the path mapping of the workspace folder, or else relative to the
 * launch's working directory there.
 */
function remoteEnvFile(envFile: string, workspaceFolder: string, mappings: PathMapping[]): string {
  const prefix = '${workspaceFolder}';
  if (!envFile.startsWith(prefix)) return envFile;
  const rest = envFile.slice(prefix.length).replace(/^\/+/, '');
  const folder = workspaceFolder.replace(/\/+$/, '');
  const mapping = mappings.find((m) => m.localRoot.replace(/\/+$/, '') === folder);
  return mapping ? `${mapping.remoteRoot.replace(/\/+$/, '')}/${rest}` : rest;
}

/**
 * The launch.json entry for `config` (type `debugpy`, request `attach`, every debug option
 * written out); a `localRoot` inside `workspaceFolder` is written as `${workspaceFolder}/…`.
 * Launch-only options (`stopOnEntry`, `pythonArgs`, `envFile`, `console`, …) are what
 * Periscope's launches use; debugpy ignores them for an attach, as VS Code does.
 */
export function attachConfigurationEntry(
  config: AttachConfiguration,
  workspaceFolder: string,
): Record<string, unknown> {
  const folder = workspaceFolder.replace(/\/+$/, '');
  return {
    name: config.name,
    type: 'debugpy',
    request: 'attach',
    connect: {
      host: config.connect?.host ?? 'localhost',
      port: config.connect?.port ?? DEFAULT_ATTACH_PORT,
    },
    pathMappings: config.pathMappings.map((m) => ({
      localRoot:
        m.localRoot === folder || m.localRoot.startsWith(`${folder}/`)
          ? `\${workspaceFolder}${m.localRoot.slice(folder.length)}`
          : m.localRoot,
      remoteRoot: m.remoteRoot,
    })),
    justMyCode: config.justMyCode,
    ...config.options,
  };
}

/**
 * Adds `config` to a launch.json text (or a new one when `existing` is empty), replacing an entry
 * of the same name, by editing the text in place (`jsonc-parser` `modify` + `applyEdits`): the
 * user's comments, order and layout elsewhere in the file survive.
 * @throws LaunchJsonError when `existing` is not a readable launch.json.
 */
export function exportToLaunchJson(
  existing: string,
  config: AttachConfiguration,
  workspaceFolder: string,
): string {
  let text =
    existing.trim() === '' ? '{\n  "version": "0.2.0",\n  "configurations": []\n}\n' : existing;
  const parsed = parseJsonc(text);
  if (!isRecord(parsed)) throw new LaunchJsonError('launch.json is not a JSON object');
  const entry = attachConfigurationEntry(config, workspaceFolder);
  // Edit unformatted, then lay out only the new value, so neighbouring entries keep their layout.
  const edit = (path: (string | number)[], value: unknown, isArrayInsertion = false): void => {
    text = applyEdits(text, modify(text, path, value, { isArrayInsertion }));
    const node = findNodeAtLocation(parseTree(text, [], PARSE_OPTIONS)!, path);
    if (node === undefined) return;
    // From the end of the previous item, so the new one also gets its own line.
    const siblings = node.parent?.type === 'array' ? (node.parent.children ?? []) : [];
    const before = siblings[siblings.indexOf(node) - 1];
    const start = before === undefined ? node.offset : before.offset + before.length;
    const range = { offset: start, length: node.offset + node.length - start };
    text = applyEdits(text, format(text, range, FORMATTING));
  };
  if (!Array.isArray(parsed.configurations)) {
    edit(['configurations'], [entry]);
    return text;
  }
  const index = parsed.configurations.findIndex((c) => isRecord(c) && c.name === config.name);
  if (index >= 0) edit(['configurations', index], entry);
  else edit(['configurations', parsed.configurations.length], entry, true);
  return text;
}
