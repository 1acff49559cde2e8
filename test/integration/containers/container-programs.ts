/**
 * The Python programs the container tests run inside containers (the same for Docker and
 * Podman), with the lines they break on.
 */

/**
 * Reads pid 1's command line (the container's own, when it runs inside one), adds, and prints
 * what it found: the target of a launch inside.
 */
export const INSIDE = [
  'import os', // 1
  'def main():', // 2
  '    where = open("/proc/1/cmdline", "rb").read().replace(b"\\0", b" ").decode()', // 3
  '    total = 40', // 4
  '    total += 2', // 5
  '    print("in the container; pid 1 is", where, "total", total, flush=True)', // 6
  'main()', // 7
  '',
].join('\n');
/** `total = 40` in {@link INSIDE}. */
export const INSIDE_LINE = 4;

/** Counts forever, a step every 50 ms: the target of an attach by PID. */
export const WORKER = [
  'import time', // 1
  'count = 0', // 2
  'while True:', // 3
  '    count += 1', // 4
  '    time.sleep(0.05)', // 5
  '',
].join('\n');
/** `count += 1` in {@link WORKER}. */
export const WORKER_LINE = 4;

/** The port {@link SERVICE} listens on inside its container. */
export const SERVICE_PORT = 5678;
/**
 * Listens with `debugpy.listen` on the container's loopback, then counts forever, writing the
 * count to `/app/count.txt` (so a test on the machine sees it run): the target of an attach to
 * a port.
 */
export const SERVICE = [
  'import time', // 1
  'import debugpy', // 2
  `debugpy.listen(("127.0.0.1", ${SERVICE_PORT}))`, // 3
  'count = 0', // 4
  'while True:', // 5
  '    count += 1', // 6
  '    open("/app/count.txt", "w").write(str(count))', // 7
  '    time.sleep(0.05)', // 8
  '',
].join('\n');
/** `count += 1` in {@link SERVICE}. */
export const SERVICE_LINE = 6;
