/**
 * The not-responding rule on a stub connection: a request waiting 5 s with nothing from the
 * tracer meanwhile; the relay's own probe after 2 s of silence; withdrawn when it speaks again.
 */
import { describe, expect, it } from 'vitest';
import type { DapConnection } from '../../../../src-main/dap/dap-connection.js';
import { livenessNotice, TracerLiveness } from '../../../../src-main/relay/tracer-liveness.js';
import type { TracerLink } from '../../../../src-main/relay/tracer-link.js';

/** A connection whose clock and traffic the test sets. */
function stub(): {
  connection: {
    lastReceivedAt: number;
    oldestPendingSentAt: number | undefined;
    isClosed: boolean;
  };
  sent: string[];
  link: TracerLink;
} {
  const sent: string[] = [];
  const connection = {
    lastReceivedAt: 0,
    oldestPendingSentAt: undefined as number | undefined,
    isClosed: false,
    sendRequest(command: string) {
      sent.push(command);
      return new Promise(() => undefined);
    },
  };
  const link = {
    connection: connection as unknown as DapConnection,
    dispose: () => Promise.resolve(),
  };
  return { connection, sent, link };
}

describe('TracerLiveness', () => {
  it('reports a request unanswered for 5 s with the tracer silent, and withdraws it when it speaks', () => {
    const { connection, link } = stub();
    const changes: (number | undefined)[] = [];
    const liveness = new TracerLiveness(
      link,
      () => true,
      (s) => changes.push(s),
      { tickMs: 1e9 },
    );
    connection.lastReceivedAt = 1000;
    connection.oldestPendingSentAt = 1500;
    liveness.check(6000);
    expect(liveness.notRespondingSince).toBeUndefined();
    liveness.check(6500);
    expect(liveness.notRespondingSince).toBe(1000);
    liveness.check(9000);
    expect(changes).toEqual([1000]);
    connection.lastReceivedAt = 9100;
    liveness.check(9200);
    expect(liveness.notRespondingSince).toBeUndefined();
    expect(changes).toEqual([1000, undefined]);
    liveness.stop();
  });

  it('is not fooled by a slow answer while the tracer keeps talking', () => {
    const { connection, link } = stub();
    const liveness = new TracerLiveness(
      link,
      () => true,
      () => undefined,
      { tickMs: 1e9 },
    );
    connection.oldestPendingSentAt = 0;
    connection.lastReceivedAt = 9000;
    liveness.check(10_000);
    expect(liveness.notRespondingSince).toBeUndefined();
    liveness.stop();
  });

  it('asks the tracer itself after 2 s of silence, once at a time', () => {
    const { connection, sent, link } = stub();
    const liveness = new TracerLiveness(
      link,
      () => true,
      () => undefined,
      { tickMs: 1e9 },
    );
    connection.lastReceivedAt = 0;
    liveness.check(1500);
    expect(sent).toEqual([]);
    liveness.check(2000);
    liveness.check(3000);
    expect(sent).toEqual(['threads']);
    liveness.stop();
  });

  it('watches nothing while the session is not attached, or the link reconnects', () => {
    const { connection, sent, link } = stub();
    let attached = false;
    const liveness = new TracerLiveness(
      link,
      () => attached,
      () => undefined,
      { tickMs: 1e9 },
    );
    connection.oldestPendingSentAt = 0;
    liveness.check(60_000);
    expect(liveness.notRespondingSince).toBeUndefined();
    expect(sent).toEqual([]);
    attached = true;
    const reconnecting = new TracerLiveness(
      { ...link, reconnecting: () => true },
      () => attached,
      () => undefined,
      { tickMs: 1e9 },
    );
    reconnecting.check(60_000);
    expect(reconnecting.notRespondingSince).toBeUndefined();
    liveness.stop();
    reconnecting.stop();
  });

  it('clears without saying the tracer answered when the session is no longer watched', () => {
    const { connection, link } = stub();
    let attached = true;
    const changes: [number | undefined, boolean][] = [];
    const liveness = new TracerLiveness(
      link,
      () => attached,
      (since, answered) => changes.push([since, answered]),
      { tickMs: 1e9 },
    );
    connection.oldestPendingSentAt = 0;
    liveness.check(6000);
    attached = false;
    liveness.check(7000);
    expect(changes).toEqual([
      [0, false],
      [undefined, false],
    ]);
    liveness.stop();
  });

  it('tells the console what happened', () => {
    expect(livenessNotice(1000, 8000)).toMatch(/^Periscope: the program is not responding: .* 7 s/);
    expect(livenessNotice(undefined)).toBe('Periscope: the program is responding again.\n');
  });
});
