import { describe, expect, it } from 'vitest';
import { linkFileReader } from '../../../../src-main/tracer/link-file-reader.js';
import type { ReconnectingSsh } from '../../../../src-main/ssh/connection/reconnecting-ssh.js';

const link = (state: string, reason?: string): ReconnectingSsh =>
  ({ current: undefined, state: { state, reason } }) as unknown as ReconnectingSsh;

describe('linkFileReader without a connection', () => {
  it('says "reconnecting" only while the link is, and what it is otherwise', async () => {
    await expect(linkFileReader(link('reconnecting'), 'box')('/a.py', 10)).rejects.toThrow(
      'the SSH connection to box is reconnecting',
    );
    await expect(linkFileReader(link('closed'), 'box')('/a.py', 10)).rejects.toThrow(
      'the SSH connection to box is closed',
    );
    await expect(linkFileReader(link('failed', 'auth failed'), 'box')('/a.py', 10)).rejects.toThrow(
      'the SSH connection to box failed (auth failed)',
    );
  });
});
