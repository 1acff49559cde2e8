/**
 * Memory of another Node process through its inspector (Chrome DevTools Protocol over the
 * WebSocket that `node --inspect=127.0.0.1:0` prints on stderr): a full garbage collection
 * (`HeapProfiler.collectGarbage`), then `process.memoryUsage()` read inside it
 * (`Runtime.evaluate`). For benchmarks of the relay process only.
 */
import WebSocket from 'ws';

/** `process.memoryUsage()` of the inspected process, bytes. */
export interface ProcessMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** A connection to one process's inspector. */
export class ProcessInspector {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    (reply: { result?: unknown; error?: unknown }) => void
  >();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const reply = JSON.parse(data.toString('utf8')) as {
        id?: number;
        result?: unknown;
        error?: unknown;
      };
      if (reply.id === undefined) return;
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  /**
   * Connects to the inspector whose URL the process printed in `stderr`
   * ("Debugger listening on ws://…"). @throws Error when there is none.
   */
  static async fromLog(stderr: string): Promise<ProcessInspector> {
    const url = /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
    if (!url) throw new Error('the process printed no inspector URL (start it with --inspect)');
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new ProcessInspector(socket);
  }

  /** Collects garbage (a full, non-incremental collection), then reads the process's memory. */
  async memoryAfterGc(): Promise<ProcessMemory> {
    await this.call('HeapProfiler.collectGarbage');
    const reply = (await this.call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result: { value: string } };
    return JSON.parse(reply.result.value) as ProcessMemory;
  }

  /** Closes the connection. */
  close(): void {
    this.socket.close();
  }

  private call(method: string, params?: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) =>
        reply.error ? reject(new Error(JSON.stringify(reply.error))) : resolve(reply.result),
      );
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }
}
