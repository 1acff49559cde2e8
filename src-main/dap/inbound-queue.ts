/**
 * Ordered delivery of messages received from a DAP peer, with task boundaries between them.
 *
 * Follows VS Code's `AbstractDebugAdapter` message queue: a promise-based consumer awaiting a
 * response must finish reacting to it (its microtasks must drain) before the next message is
 * delivered; otherwise a `stopped` event that followed a `continue` response on the wire would be
 * seen first. So each delivery runs in its own `setImmediate` task, except that consecutive events
 * are delivered in one task (no promise waits on an event). A final close item runs after every
 * message queued before it.
 */

type InboundItem = { kind: 'message'; message: unknown } | { kind: 'close'; reason: string };

/** FIFO of received messages and one optional trailing close, drained one task at a time. */
export class InboundQueue {
  private items: InboundItem[] = [];
  private head = 0;
  private scheduled = false;

  constructor(
    /** Delivers one message; must not throw (exceptions are caught and passed to `onError`). */
    private readonly deliver: (message: unknown) => void,
    /** Called once when the close item is reached. */
    private readonly onClose: (reason: string) => void,
    /** Receives an exception thrown by `deliver` or `onClose` instead of crashing the process. */
    private readonly onError: (error: unknown) => void,
    /** Called after each drain step with the number of items still waiting. */
    private readonly onProgress: (waiting: number) => void = () => undefined,
  ) {}

  /** Number of items (messages and a close) waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Queues a received message. */
  push(message: unknown): void {
    this.items.push({ kind: 'message', message });
    this.schedule();
  }

  /** Queues the close; it runs after every message queued before it. */
  pushClose(reason: string): void {
    this.items.push({ kind: 'close', reason });
    this.schedule();
  }

  /** Drops everything waiting; returns how many messages were dropped. */
  clear(): number {
    const dropped = this.items.slice(this.head).filter((item) => item.kind === 'message').length;
    this.items = [];
    this.head = 0;
    return dropped;
  }

  /** Frees delivered slots once they are the bulk of the array. */
  private compact(): void {
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    let previousWasEvent: boolean | undefined;
    while (this.head < this.items.length) {
      const item = this.items[this.head] as InboundItem;
      const isEvent = item.kind === 'message' && isEventMessage(item.message);
      if (previousWasEvent !== undefined && !(previousWasEvent && isEvent)) {
        this.schedule();
        this.onProgress(this.length);
        return;
      }
      this.head++;
      this.compact();
      try {
        if (item.kind === 'close') {
          this.clear();
          this.onClose(item.reason);
          return;
        }
        this.deliver(item.message);
      } catch (error) {
        this.onError(error);
      }
      previousWasEvent = isEvent;
    }
    this.items = [];
    this.head = 0;
    this.onProgress(0);
  }
}

function isEventMessage(message: unknown): boolean {
  return (
    typeof message === 'object' && message !== null && 'type' in message && message.type === 'event'
  );
}
