import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { DeckError } from './deck/errors.js';

const chromiumCandidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * Headless and quiet: no sandbox (containers run as root), no GPU, and none of the background traffic
 * (updates, sync, first-run pages) that would make a measurement or a print depend on the network.
 */
const launchFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's Chromium, or GOURMETGRAM_CHROMIUM; a clear error naming the package when none is there. */
export function findChromium(configured: string | undefined): string {
  const found = [configured, ...chromiumCandidates].find((p) => p !== undefined && p !== '' && existsSync(p));
  if (!found)
    throw new DeckError(
      'GG_ERR_DECK_NO_CHROMIUM',
      `no Chromium found (looked at ${[configured, ...chromiumCandidates].filter(Boolean).join(', ')}); install it with 'apt-get install chromium' or set GOURMETGRAM_CHROMIUM`,
    );
  return found;
}

/**
 * The one way the project starts Chromium (deck printing, browser tests, in-browser benchmarks).
 *
 * @example
 * const browser = await launchChromium(readEnvironment(process.env).chromium);
 */
export async function launchChromium(configured: string | undefined): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(configured), args: launchFlags });
}
