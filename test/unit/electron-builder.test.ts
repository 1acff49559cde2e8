// Checks electron-builder.yml with electron-builder's own schema validation (app-builder-lib,
// the version installed) and pins the settings that matter for security and packaging.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration: (config: unknown, debugLogger: unknown) => Promise<void>;
};
const { DebugLogger } = require('builder-util') as {
  DebugLogger: new (enabled: boolean) => unknown;
};

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; category: string; icon: string };
  mac: { target: string[]; category: string; hardenedRuntime: boolean };
  win: { target: string[] };
}

const text = readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8');
const config = yaml.load(text) as BuilderConfig;

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema validation", async () => {
    await expect(
      validateConfiguration(structuredClone(config), new DebugLogger(false)),
    ).resolves.toBeUndefined();
  });

  it('the validation really rejects a misspelt fuse (the check can fail)', async () => {
    const bad = structuredClone(config);
    bad.electronFuses.runAsNodee = false;
    await expect(validateConfiguration(bad, new DebugLogger(false))).rejects.toThrow(
      /electronFuses/,
    );
  });

  it('names the app', () => {
    expect(config.appId).toBe('dev.periscope.app');
    expect(config.productName).toBe('Periscope');
    expect(config.directories).toEqual({ output: 'release', buildResources: 'assets' });
  });

  it('packs the build into an asar, native addons unpacked, no source maps', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'package.json', '!**/*.map']));
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('targets AppImage and deb, dmg, and nsis', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Development');
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.mac.category).toBe('public.app-category.developer-tools');
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('has a 512×512 PNG icon', () => {
    const png = readFileSync(new URL(`../../${config.linux.icon}`, import.meta.url));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(512);
    expect(png.readUInt32BE(20)).toBe(512);
  });
});
