import { type ChildProcess, spawn } from 'node:child_process';

const thisBuild = new URL('../../src/cli/main.js', import.meta.url).pathname;

/** `gourmetgram app` as a real child process on a free loopback port (to kill -9 it, or stop its database). */
export interface AppProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The last few kB the app wrote to stderr. */
  stderr(): string;
  /** SIGTERM, then wait for the exit code. */
  stop(): Promise<number | null>;
}

/** `main`: the CLI of another build (a soak's before/after); this build's by default. */
export async function startAppProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  main = thisBuild,
): Promise<AppProcess> {
  const child = spawn(process.execPath, [main, 'app', '--host', '127.0.0.1', '--port', '0', ...args], {
    env: { ...process.env, GOURMETGRAM_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the app did not open within 180 s:\n${stderr}`));
    }, 180_000);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
      const open = /GourmetGram is open on \S+ \((http:\/\/[^)]+)\)/.exec(stderr);
      if (open?.[1]) {
        clearTimeout(timer);
        resolve(open[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the app exited (${code}) before it opened:\n${stderr}`));
    });
  });
  // Kept after start-up, so a scenario can say why the app died.
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  return {
    child,
    url,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

/** Opens the home page over HTTP like a browser: its cookies and the form's CSRF token. */
export async function openSession(url: string): Promise<Session> {
  const res = await fetch(`${url}/`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1];
  if (!csrf || !cookie) throw new Error('the home page gave no cookie or CSRF token');
  return { cookie, csrf };
}

export function uploadOverHttp(url: string, session: Session, bytes: Uint8Array): Promise<Response> {
  const form = new FormData();
  form.set('_csrf', session.csrf);
  form.set('photo', new Blob([bytes], { type: 'image/jpeg' }), 'dish.jpg');
  return fetch(`${url}/upload`, {
    method: 'POST',
    body: form,
    headers: { cookie: session.cookie, accept: 'application/json' },
  });
}
