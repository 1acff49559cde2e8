/** Launching Debian's Chromium for benchmarks, as the end-to-end tests do (never a download). */
import { chromium, type Browser } from 'playwright-core';

/** Flags for a headless Chromium on these machines (see ../shared/ENVIRONMENT.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts Chromium (`PERISCOPE_CHROMIUM` or /usr/lib/chromium/chromium) with extra flags. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.PERISCOPE_CHROMIUM ?? '/usr/lib/chromium/chromium',
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}
