/**
 * The logger's bounds against input from outside: a kind of line repeated too often is summed up
 * in one line, long fields and messages are cut, and junk from a peer yields a log far smaller
 * than the junk (issue 17: 52 MB of junk frames had made 89 MB of log).
 */
import { describe, expect, it } from 'vitest';
import { DapConnection } from '../../../../src-main/dap/dap-connection.js';
import { encodeDapMessage } from '../../../../src-main/dap/framing.js';
import {
  LOG_LINES_PER_WINDOW,
  LineLimiter,
  MAX_LOG_KINDS,
} from '../../../../src-main/log/line-limiter.js';
import { MAX_LOG_FIELD_CHARS, boundFields } from '../../../../src-main/log/log-fields.js';
import { createLogger, type LogLevel } from '../../../../src-main/log/logger.js';
import { createDuplexPair } from '../../../fixtures/fake-tracer.js';

interface Line {
  level: LogLevel;
  scope: string;
  message: string;
  fields?: Record<string, unknown>;
}

/** A logger writing to an array, on a clock the test moves. */
function recording(): {
  lines: Line[];
  clock: { now: number };
  log: ReturnType<typeof createLogger>;
} {
  const lines: Line[] = [];
  const clock = { now: 1_000_000 };
  const log = createLogger(
    'relay',
    (level, scope, message, fields) =>
      lines.push({ level, scope, message, ...(fields && { fields }) }),
    'debug',
    { now: () => clock.now },
  );
  return { lines, clock, log };
}

describe('logger rate limit', () => {
  it('writes 20 lines of a kind per 10 s, then one summary when the window is over', () => {
    const { lines, clock, log } = recording();
    for (let i = 0; i < 1000; i++) log.warn('dropped invalid message from peer', { n: i });
    expect(lines).toHaveLength(LOG_LINES_PER_WINDOW);
    clock.now += 10_000;
    log.warn('dropped invalid message from peer', { n: 1000 });
    expect(lines).toHaveLength(LOG_LINES_PER_WINDOW + 2);
    expect(lines[LOG_LINES_PER_WINDOW]).toEqual({
      level: 'warn',
      scope: 'relay',
      message:
        '980 similar messages suppressed (more than 20 in 10 s): dropped invalid message from peer',
    });
  });

  it('takes every connection of one kind of peer as one source, other kinds apart', () => {
    const { lines, log } = recording();
    for (let i = 0; i < 200; i++) {
      log.child(`dap:tracer-${i} 127.0.0.1:${40000 + i}`).warn('framing error from peer; closing');
      log.child('web').info('request served');
    }
    const framing = lines.filter((l) => l.message.startsWith('framing error'));
    const served = lines.filter((l) => l.message === 'request served');
    expect(framing).toHaveLength(LOG_LINES_PER_WINDOW);
    expect(served).toHaveLength(LOG_LINES_PER_WINDOW);
  });

  it('writes the summary on its own when the flood stops', async () => {
    const lines: string[] = [];
    const limiter = new LineLimiter((_level, _scope, message) => lines.push(message), {
      windowMs: 50,
      linesPerWindow: 2,
    });
    for (let i = 0; i < 10; i++) limiter.admit('warn', 's', 'same');
    await new Promise((r) => setTimeout(r, 200));
    expect(lines).toEqual(['8 similar messages suppressed (more than 2 in 0 s): same']);
  });

  it('tracks a bounded number of kinds', () => {
    const limiter = new LineLimiter(() => undefined);
    for (let i = 0; i < MAX_LOG_KINDS * 3; i++)
      limiter.admit('info', `s`, `message ${'x'.repeat(i % 50)} ${i}`);
    expect(limiter.size).toBeLessThanOrEqual(MAX_LOG_KINDS);
  });

  it('passes everything with the limit off', () => {
    const lines: string[] = [];
    const log = createLogger('x', (_l, _s, m) => lines.push(m), 'debug', false);
    for (let i = 0; i < 100; i++) log.info('same');
    expect(lines).toHaveLength(100);
  });
});

describe('log fields', () => {
  it('cuts long strings and long JSON, and notes what cannot be JSON', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bounded = boundFields({
      command: 'c'.repeat(100_000),
      body: { deep: 'd'.repeat(10_000) },
      cyclic,
      big: 10n,
      small: { ok: 1 },
      n: 3,
    });
    expect(bounded?.command).toBe(`${'c'.repeat(MAX_LOG_FIELD_CHARS)}… (99500 more chars)`);
    expect(String(bounded?.body).length).toBeLessThan(MAX_LOG_FIELD_CHARS + 30);
    expect(bounded?.cyclic).toBe('[not writable as JSON]');
    expect(bounded?.big).toBe('10');
    expect(bounded?.small).toEqual({ ok: 1 });
    expect(bounded?.n).toBe(3);
  });

  it('keeps a line with many fields to a bounded number', () => {
    const many = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, i]));
    const bounded = boundFields(many) ?? {};
    expect(Object.keys(bounded).length).toBeLessThanOrEqual(25);
    expect(bounded.moreFields).toBe(976);
  });

  it('cuts a long message', () => {
    const { lines, log } = recording();
    log.info('m'.repeat(1_000_000));
    expect(lines[0]?.message.length).toBeLessThan(2100);
  });
});

describe('a junk-sending peer', () => {
  it('makes a log far smaller than its junk', async () => {
    let logBytes = 0;
    const log = createLogger(
      'relay',
      (level, scope, message, fields) => {
        const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
        logBytes += `${new Date().toISOString()} ${level} [${scope}] ${message}${extra}\n`.length;
      },
      'info',
    );
    const [ours, theirs] = createDuplexPair();
    const connection = new DapConnection(ours, { name: 'tracer-1 127.0.0.1:5000', logger: log });
    let junkBytes = 0;
    for (let i = 0; i < 2000; i++) {
      // Well framed, valid JSON, each one logged: responses to no request and requests with
      // nobody to answer them, carrying a long command name.
      const frame = encodeDapMessage(
        i % 2
          ? {
              seq: i,
              type: 'response',
              request_seq: 9999,
              success: true,
              command: 'r'.repeat(10_000),
            }
          : { seq: i, type: 'request', command: 'q'.repeat(10_000) },
      );
      junkBytes += frame.length;
      theirs.write(frame);
    }
    for (let i = 0; i < 4000; i++) await new Promise((r) => setImmediate(r));
    connection.close('test over');
    expect(junkBytes).toBeGreaterThan(20_000_000);
    expect(logBytes).toBeLessThan(100_000);
  });
});
