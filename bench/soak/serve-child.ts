import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { SoakContext } from './registry.js';

export interface ServeChild {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  /** SIGTERM, then SIGKILL if it has not exited within 15 s. */
  stop(): Promise<void>;
  /** kill -9, as the out-of-memory killer would. */
  kill9(): Promise<void>;
}

/**
 * Starts the build's `gourmetgram serve --recipe latency` (or `args`, a script that prints the same ready
 * line) on a free loopback port, from the prepared model repository; the recipe is the build's own, so an
 * older build runs with the settings it shipped with.
 */
export async function startServe(context: SoakContext, args?: string[]): Promise<ServeChild> {
  const serve = [
    join(context.dist, 'src', 'cli', 'main.js'),
    'serve',
    '--recipe',
    'latency',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--model-repository',
    context.repository,
  ];
  const child = spawn(process.execPath, args ?? serve, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...context.env, GOURMETGRAM_LOG_LEVEL: 'warn' },
  });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk).slice(-20_000);
      const found = /ready on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (found) resolve(found);
    });
    void exited.then(() => reject(new Error(`serve exited before ready: ${stderr.slice(-2000)}`)));
  });
  const signal = async (name: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(name);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    child,
    pid: child.pid!,
    url,
    stop: () => signal('SIGTERM', 15_000),
    kill9: () => signal('SIGKILL', 0),
  };
}

/** Whether a process with this id still exists (litter after a scenario). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POSTs `body` every 100 ms until one answer is 200; the ms that took from now, or null past `limitMs`.
 * Each try is given at most 2 s, so a server that hangs counts as not recovered rather than stalling the soak.
 */
export async function timeToFirstOk(
  url: string,
  body: Uint8Array,
  type: string,
  limitMs: number,
): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': type },
        signal: AbortSignal.timeout(2000),
      });
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - started;
    } catch {
      // Refused or reset while the server restarts: try again.
    }
    await sleep(100);
  }
  return null;
}
