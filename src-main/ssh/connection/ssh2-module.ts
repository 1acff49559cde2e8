/**
 * The ssh2 package, loaded on first use instead of at start-up: it costs ~70 ms of module
 * evaluation (its protocol tables and crypto bindings), and web mode or the headless relay
 * often starts without ever opening an SSH connection. Types come from `import type`, which
 * costs nothing at run time.
 */
import type * as Ssh2 from 'ssh2';

let loading: Promise<typeof Ssh2> | undefined;

/**
 * ssh2's exports (`Client`, `utils`, …), imported once and shared.
 * @throws Error when the package cannot be loaded (not installed beside the app).
 */
export function loadSsh2(): Promise<typeof Ssh2> {
  // ssh2 is CommonJS: its exports object is the module's default export.
  loading ??= import('ssh2').then(
    (module) => (module as { default?: typeof Ssh2 }).default ?? module,
  );
  return loading;
}
