/** How the Tunnels panel words a forward: bytes, route, ssh option, owner, what closing does. */
import { describe, expect, it } from 'vitest';
import type { ForwardInfo } from '../../../../../src-common/protocol/connections.js';
import {
  closeEffect,
  formatBytes,
  forwardRoute,
  ownerLabel,
  sshOption,
} from '../../../../../src-renderer/panels/tunnels/tunnel-view.js';

const local: ForwardInfo = {
  id: 's2/L43121',
  direction: 'local',
  profileId: 'p1',
  profileName: 'staging',
  owner: { kind: 'session', sessionId: 's2' },
  localHost: '127.0.0.1',
  localPort: 43121,
  remoteHost: '127.0.0.1',
  remotePort: 5678,
  state: 'up',
  bytesOut: 0,
  bytesIn: 0,
  connections: 1,
};
const remote: ForwardInfo = {
  ...local,
  id: 'dial-in/p1',
  direction: 'remote',
  owner: { kind: 'dial-in' },
  localPort: 45001,
  remotePort: 38211,
};

describe('tunnel view', () => {
  it('formats byte counts in SI units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.0 kB');
    expect(formatBytes(3000)).toBe('3.0 kB');
    expect(formatBytes(35_400)).toBe('35 kB');
    expect(formatBytes(4_100_000)).toBe('4.1 MB');
    expect(formatBytes(2e12)).toBe('2.0 TB');
  });

  it('shows the route laptop-first for -L and remote-first for -R, as ssh would write it', () => {
    expect(forwardRoute(local)).toBe(':43121 → 127.0.0.1:5678');
    expect(forwardRoute(remote)).toBe('127.0.0.1:38211 → :45001');
    expect(forwardRoute({ ...local, localPort: 0 })).toBe(':… → 127.0.0.1:5678');
    expect(forwardRoute({ ...remote, localHost: 'db.lan', localPort: 5432 })).toBe(
      '127.0.0.1:38211 → db.lan:5432',
    );
    expect(sshOption(local)).toBe('-L 127.0.0.1:43121:127.0.0.1:5678');
    expect(sshOption(remote)).toBe('-R 127.0.0.1:38211:127.0.0.1:45001');
  });

  it('names the owner and what closing does', () => {
    expect(ownerLabel(local)).toBe('session s2');
    expect(ownerLabel(remote)).toBe('dial-in');
    expect(ownerLabel({ ...local, owner: { kind: 'manual' } })).toBe('opened by hand');
    expect(closeEffect(local)).toContain('ends session s2');
    expect(closeEffect(remote)).toContain('keep running');
  });
});
