/**
 * A server that offers only weak algorithms (OpenSSH configured as an old appliance would be):
 * the connection is refused with a named diagnosis that lists what the server offers and what to
 * change, instead of ssh2's bare "Handshake failed: no matching …".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../harness/sshd.js';
import { connectTo, policyIn, tempDir } from './ssh-test-kit.js';

describe('servers offering only weak algorithms', () => {
  let sshd: TestSshd | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await sshd?.stop();
    await cleanup?.();
  });

  it.each([
    [
      'SHA-1 key exchange only',
      'KexAlgorithms diffie-hellman-group14-sha1',
      'no key exchange algorithms in common: it offers only diffie-hellman-group14-sha1',
    ],
    ['CBC ciphers only', 'Ciphers aes128-cbc', 'no ciphers in common: it offers only aes128-cbc'],
  ])('%s: refused, naming what the server offers', async (_name, line, expected) => {
    sshd = await startSshd({ overrides: [line] });
    const tmp = await tempDir('periscope-weak-');
    cleanup = () => tmp.remove();
    const error = await connectTo(sshd, policyIn(tmp.dir, true)).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(error?.code).toBe('ssh-failed');
    expect(error?.message).toContain(`127.0.0.1:${sshd.port} and Periscope have ${expected}.`);
    expect(error?.message).toContain('ask the server');
  });
});
