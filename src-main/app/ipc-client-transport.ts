/**
 * A {@link ClientTransport} over Electron IPC for one window's page: the renderer's preload bridge
 * sends on `periscope:client`, the relay answers on `periscope:relay`.
 *
 * Only messages from this transport's web contents, from its main frame, on the app's own origin,
 * are accepted (Electron security checklist, "Validate the sender of all IPC messages"); others are
 * ignored and logged. Electron types only, so it is unit-tested with fakes.
 */
import type { IpcMain, IpcMainEvent, WebContents } from 'electron';
import type { Logger } from '../log/logger.js';
import type { ClientTransport } from '../backend/clients/client-transport.js';
import { isAppUrl } from './app-url.js';
import { CLIENT_CHANNEL, RELAY_CHANNEL } from './ipc-channels.js';

/** See the module comment. */
export class IpcClientTransport implements ClientTransport {
  readonly label: string;
  private closed = false;
  private messageListener: ((message: string) => void) | undefined;
  private readonly closeListeners: (() => void)[] = [];
  private readonly onIpc = (event: IpcMainEvent, message: unknown): void =>
    this.receive(event, message);
  private readonly onGone = (): void => this.close('the window closed or its renderer went away');

  /**
   * Starts listening at once. Closes itself when the web contents is destroyed or its renderer
   * process is gone.
   */
  constructor(
    private readonly contents: WebContents,
    private readonly ipcMain: IpcMain,
    private readonly logger: Logger,
  ) {
    this.label = `window ${contents.id}`;
    ipcMain.on(CLIENT_CHANNEL, this.onIpc);
    contents.once('destroyed', this.onGone);
    contents.once('render-process-gone', this.onGone);
  }

  send(message: string): void {
    if (this.closed || this.contents.isDestroyed()) return;
    this.contents.send(RELAY_CHANNEL, message);
  }

  onMessage(listener: (message: string) => void): void {
    this.messageListener = listener;
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** Stops listening and tells the close listeners, once. The window itself stays open. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ipcMain.removeListener(CLIENT_CHANNEL, this.onIpc);
    this.contents.removeListener('destroyed', this.onGone);
    this.contents.removeListener('render-process-gone', this.onGone);
    this.logger.info('client transport closed', { client: this.label, reason });
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  private receive(event: IpcMainEvent, message: unknown): void {
    if (this.closed) return;
    // Another window's page: its own transport handles it.
    if (event.sender !== this.contents) return;
    const frame = event.senderFrame;
    if (frame === null || frame.parent !== null || !isAppUrl(frame.url)) {
      this.logger.warn('ignored IPC message not from the main frame of the app page', {
        client: this.label,
        frameUrl: frame?.url,
      });
      return;
    }
    if (typeof message !== 'string') {
      this.logger.warn('ignored IPC message that is not a string', {
        client: this.label,
        type: typeof message,
      });
      return;
    }
    this.messageListener?.(message);
  }
}
