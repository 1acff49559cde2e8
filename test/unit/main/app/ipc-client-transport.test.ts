import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CLIENT_CHANNEL, RELAY_CHANNEL } from '../../../../src-main/app/ipc-channels.js';
import { IpcClientTransport } from '../../../../src-main/app/ipc-client-transport.js';
import { connectPageClients } from '../../../../src-main/app/page-clients.js';
import { createLogger, type LogLevel } from '../../../../src-main/log/logger.js';
import type { ClientTransport } from '../../../../src-main/backend/clients/client-transport.js';

// Electron's types, named through the code under test (tests do not import electron).
type WebContents = ConstructorParameters<typeof IpcClientTransport>[0];
type IpcMain = ConstructorParameters<typeof IpcClientTransport>[1];

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly sent: [string, unknown][] = [];
  destroyed = false;
  readonly mainFrame: FakeFrame = { url: 'app://periscope/index.html', parent: null };
  send(channel: string, message: unknown): void {
    this.sent.push([channel, message]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

let ipcMain: EventEmitter;
let contents: FakeWebContents;
let logLines: { level: LogLevel; message: string }[];
let transport: IpcClientTransport;
let received: string[];

const logger = () =>
  createLogger('t', (level, _s, message) => logLines.push({ level, message }), 'debug');

function fromRenderer(
  message: unknown,
  sender: FakeWebContents = contents,
  frame: FakeFrame | null = sender.mainFrame,
) {
  ipcMain.emit(CLIENT_CHANNEL, { sender, senderFrame: frame }, message);
}

beforeEach(() => {
  ipcMain = new EventEmitter();
  contents = new FakeWebContents();
  logLines = [];
  received = [];
  transport = new IpcClientTransport(
    contents as unknown as WebContents,
    ipcMain as unknown as IpcMain,
    logger(),
  );
  transport.onMessage((m) => received.push(m));
});

describe('IpcClientTransport', () => {
  it('delivers string messages from its own main frame', () => {
    fromRenderer('{"type":"app"}');
    expect(received).toEqual(['{"type":"app"}']);
    expect(transport.label).toBe(`window ${contents.id}`);
  });

  it('ignores other web contents, subframes, foreign origins and non-strings, logging the suspicious ones', () => {
    const other = new FakeWebContents();
    fromRenderer('from another window', other);
    fromRenderer('from a subframe', contents, {
      url: 'app://periscope/x.html',
      parent: contents.mainFrame,
    });
    fromRenderer('from elsewhere', contents, { url: 'https://attacker.example/', parent: null });
    fromRenderer('no frame', contents, null);
    fromRenderer({ not: 'a string' });
    expect(received).toEqual([]);
    expect(logLines.filter((l) => l.level === 'warn')).toHaveLength(4);
  });

  it('sends on the relay channel, and drops sends once closed or destroyed', () => {
    transport.send('one');
    contents.destroyed = true;
    transport.send('two');
    expect(contents.sent).toEqual([[RELAY_CHANNEL, 'one']]);
  });

  it('closes once when the web contents is destroyed or its renderer is gone', () => {
    const closed = vi.fn();
    transport.onClose(closed);
    contents.emit('render-process-gone', {}, { reason: 'crashed' });
    contents.emit('destroyed');
    expect(closed).toHaveBeenCalledOnce();
    fromRenderer('late');
    expect(received).toEqual([]);
    expect(ipcMain.listenerCount(CLIENT_CHANNEL)).toBe(0);
    expect(contents.listenerCount('destroyed')).toBe(0);
  });

  it('close() stops delivery and calls late onClose listeners at once', () => {
    transport.close('relay shutting down');
    fromRenderer('after close');
    transport.send('after close');
    expect(received).toEqual([]);
    expect(contents.sent).toEqual([]);
    const late = vi.fn();
    transport.onClose(late);
    expect(late).toHaveBeenCalledOnce();
  });
});

describe('connectPageClients', () => {
  it('connects a fresh client on every main-frame page load and closes the previous one', () => {
    const page = new FakeWebContents();
    const bus = new EventEmitter();
    const clients: ClientTransport[] = [];
    const closes: number[] = [];
    connectPageClients(
      page as unknown as WebContents,
      bus as unknown as IpcMain,
      {
        connectClient: (t) => {
          const index = clients.push(t) - 1;
          t.onClose(() => closes.push(index));
        },
      },
      logger(),
    );

    page.emit('did-start-navigation', {
      isMainFrame: true,
      isSameDocument: false,
      url: 'app://periscope/index.html',
    });
    expect(clients).toHaveLength(1);
    page.emit('did-start-navigation', {
      isMainFrame: false,
      isSameDocument: false,
      url: 'app://periscope/f.html',
    });
    page.emit('did-start-navigation', {
      isMainFrame: true,
      isSameDocument: true,
      url: 'app://periscope/index.html#x',
    });
    expect(clients).toHaveLength(1);

    page.emit('did-start-navigation', {
      isMainFrame: true,
      isSameDocument: false,
      url: 'app://periscope/index.html',
    });
    expect(clients).toHaveLength(2);
    expect(closes).toEqual([0]);
    expect(bus.listenerCount(CLIENT_CHANNEL)).toBe(1);

    const got: string[] = [];
    clients[1]!.onMessage((m) => got.push(m));
    bus.emit(CLIENT_CHANNEL, { sender: page, senderFrame: page.mainFrame }, 'hello');
    expect(got).toEqual(['hello']);
  });
});
