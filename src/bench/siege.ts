import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BenchError } from './errors.js';

const run = promisify(execFile);

/** siege's JSON summary (`siege -j`): times in seconds. */
export interface SiegeSummary {
  readonly transactions: number;
  readonly availability: number;
  readonly elapsed_time: number;
  readonly response_time: number;
  readonly transaction_rate: number;
  readonly failed_transactions: number;
  readonly longest_transaction: number;
}

/** True when a `siege` binary answers on the PATH. */
export async function siegeAvailable(): Promise<boolean> {
  try {
    await run('siege', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** Reads the JSON siege prints with -j; it may be preceded by warnings. */
export function parseSiegeJson(stdout: string): SiegeSummary {
  const start = stdout.indexOf('{');
  const end = stdout.lastIndexOf('}');
  if (start < 0 || end < start)
    throw new BenchError('GG_ERR_BENCH_SIEGE', `siege printed no JSON summary: ${stdout.slice(0, 500)}`);
  const raw = JSON.parse(stdout.slice(start, end + 1)) as Record<string, unknown>;
  const num = (key: string) => {
    const v = raw[key];
    if (typeof v !== 'number')
      throw new BenchError('GG_ERR_BENCH_SIEGE', `siege's summary has no number '${key}'`);
    return v;
  };
  return {
    transactions: num('transactions'),
    availability: num('availability'),
    elapsed_time: num('elapsed_time'),
    response_time: num('response_time'),
    transaction_rate: num('transaction_rate'),
    failed_transactions: num('failed_transactions'),
    longest_transaction: num('longest_transaction'),
  };
}

/**
 * Runs `siege -c <clients> -t <seconds>S` POSTing the photos (each client walks the URL file) with siege's
 * defaults otherwise (no delay between requests, as `siege -C` prints here), and returns its summary.
 */
export async function runSiege(options: {
  readonly url: string;
  readonly photoPaths: readonly string[];
  readonly clients: number;
  readonly seconds: number;
}): Promise<{ command: string; summary: SiegeSummary }> {
  const dir = await mkdtemp(join(tmpdir(), 'gg-siege-'));
  try {
    const urls = join(dir, 'urls.txt');
    await writeFile(urls, `${options.photoPaths.map((p) => `${options.url} POST <${p}`).join('\n')}\n`);
    const args = [
      '-c',
      String(options.clients),
      '-t',
      `${options.seconds}S`,
      '-j',
      '-q',
      '--content-type=image/jpeg',
      '-f',
      urls,
    ];
    const { stdout } = await run('siege', args, {
      timeout: (options.seconds + 60) * 1000,
      maxBuffer: 16 * 2 ** 20,
    });
    return { command: `siege ${args.join(' ')}`, summary: parseSiegeJson(stdout) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
