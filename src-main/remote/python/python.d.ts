/**
 * The helper programs Periscope runs on the remote machine are real `.py` files in this folder.
 * esbuild (`scripts/build-main.mjs`, `loader: { '.py': 'text' }`) and vitest (`vitest.config.ts`)
 * turn an import of one into its source text, so the built app carries them inside its bundle
 * and needs nothing beside it.
 */
declare module '*.py' {
  /** The file's source, as UTF-8 text. */
  const source: string;
  export default source;
}
