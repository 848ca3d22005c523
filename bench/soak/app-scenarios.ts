/**
 * The web app's soak scenarios (issue 10): each runs the build's `gourmetgram app` as a child process on
 * loopback and drives one fault into it: its PostgreSQL stopped and started under load, kill -9 during an
 * upload burst then a restart, and a flood of anonymous and cross-site corrections.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { startResourceSampler } from '../../src/bench/index.js';
import { type AppProcess, openSession, startAppProcess, uploadOverHttp } from '../../test/app/app-process.js';
import { foodPhoto } from '../../test/app/fixtures.js';
import { listFiles } from '../../test/app/harness.js';
import { PrivatePostgres } from '../../test/app/private-postgres.js';
import { registerScenario, type SoakCheck, type SoakContext, StatusTally } from './registry.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const check = (name: string, ok: boolean, detail: string): SoakCheck => ({ name, ok, detail });
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const alive = (app: AppProcess) => app.child.exitCode === null && app.child.signalCode === null;

function start(context: SoakContext, args: string[]): Promise<AppProcess> {
  // Settings by environment, which older builds ignore rather than refuse (their flags differ).
  return startAppProcess(
    args,
    { ...context.env, GOURMETGRAM_UPLOADS_PER_MINUTE: '100000' },
    join(context.dist, 'src', 'cli', 'main.js'),
  );
}

async function tallied(tally: StatusTally, request: () => Promise<Response>): Promise<number | 'error'> {
  try {
    const response = await request();
    await response.arrayBuffer();
    tally.add(response.status);
    return response.status;
  } catch {
    tally.add('error');
    return 'error';
  }
}

/**
 * One query on the app's SQLite file, read-only and without migrating it: an older build must be able to
 * open the same file again afterwards.
 */
function query<T>(dataDir: string, statement: string): T[] {
  const db = new Database(join(dataDir, 'gourmetgram.db'), { readonly: true });
  try {
    return db.prepare(statement).all() as T[];
  } finally {
    db.close();
  }
}

/** Blob files the database does not refer to, and `.partial` files: what a crash left behind. */
async function litter(dataDir: string): Promise<number> {
  const root = join(dataDir, 'blobs');
  const files = (await listFiles(root)).map((f) => relative(root, f));
  const rows = query<{ image_key: string; thumb_key: string }>(
    dataDir,
    'select image_key, thumb_key from photos',
  );
  const keys = new Set(rows.flatMap((r) => [r.image_key, r.thumb_key]));
  return files.filter((f) => f.endsWith('.partial') || !keys.has(f)).length;
}

registerScenario({
  name: 'app-postgres-restart',
  description:
    'PostgreSQL stopped and started under browsing and uploads; the app must answer 503 meanwhile and recover by itself',
  async run(context) {
    const pg = await PrivatePostgres.create();
    const dataDir = await mkdtemp(join(tmpdir(), 'gg-soak-pg-'));
    const app = await start(context, ['--data-dir', dataDir, '--database-url', pg.url]);
    const sampler = startResourceSampler(app.child.pid!);
    const tally = new StatusTally();
    const photo = await foodPhoto(0);
    let stop = false;
    const clients = Array.from({ length: context.short ? 3 : 8 }, async (_, i) => {
      const session = await openSession(app.url);
      while (!stop) {
        if (i % 3 === 0) await tallied(tally, () => uploadOverHttp(app.url, session, photo));
        else await tallied(tally, () => fetch(`${app.url}/api/photos`));
        await sleep(50);
      }
    });
    await sleep(context.short ? 2000 : 5000);
    await pg.stop();
    const outage = context.short ? 3000 : 10_000;
    await sleep(outage);
    await pg.start();
    const back = performance.now();
    let recovery: number | null = null;
    while (performance.now() - back < 30_000 && alive(app)) {
      if (
        (await fetch(`${app.url}/health`).then(
          (r) => r.status,
          () => 0,
        )) === 200
      ) {
        recovery = performance.now() - back;
        break;
      }
      await sleep(100);
    }
    await sleep(1000);
    stop = true;
    await Promise.race([Promise.all(clients), sleep(10_000)]);
    const survived = alive(app);
    const rss = await sampler.stop();
    await app.stop();
    await pg.destroy();
    await rm(dataDir, { recursive: true, force: true });
    const fives = tally.counts['500'] ?? 0;
    return {
      scenario: 'app-postgres-restart',
      requests: tally.requests,
      statuses: tally.counts,
      recovery_ms: recovery === null ? null : Math.round(recovery),
      peak_rss_mb: mb(rss.peakRssBytes),
      rss_limit_mb: null,
      litter: 0,
      checks: [
        check(
          'app survived',
          survived,
          survived
            ? 'still running'
            : `exited (${app.child.exitCode ?? app.child.signalCode}): ${app.stderr().slice(-1500)}`,
        ),
        check(
          '503 not 500 during the outage',
          fives === 0 && (tally.counts['503'] ?? 0) > 0,
          `503×${tally.counts['503'] ?? 0}, 500×${fives}`,
        ),
        check(
          'recovered by itself',
          recovery !== null,
          recovery === null ? 'never healthy again' : `${Math.round(recovery)} ms`,
        ),
      ],
    };
  },
});

registerScenario({
  name: 'app-kill9-uploads',
  description:
    'kill -9 of the app during an upload burst, then a restart: no orphan blob or partial file may remain',
  async run(context) {
    const dataDir = await mkdtemp(join(tmpdir(), 'gg-soak-kill-'));
    const tally = new StatusTally();
    const photos = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => foodPhoto(i * 5)));
    let found = 0;
    let litterBefore = 0;
    const rounds = context.short ? 1 : 3;
    let recovery: number | null = null;
    let peak = 0;
    for (let round = 0; round < rounds; round++) {
      const app = await start(context, ['--data-dir', dataDir]);
      const sampler = startResourceSampler(app.child.pid!);
      let stored = 0;
      let killed = false;
      await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const session = await openSession(app.url).catch(() => undefined);
          for (let n = 0; session && n < 20 && !killed; n++) {
            const status = await tallied(tally, () =>
              uploadOverHttp(app.url, session, photos[(i + n) % photos.length]!),
            );
            if (status === 201) stored++;
            if (stored >= 6 && !killed) {
              killed = true;
              app.child.kill('SIGKILL');
            }
          }
        }),
      );
      if (!killed) app.child.kill('SIGKILL');
      await app.stop();
      peak = Math.max(peak, (await sampler.stop()).peakRssBytes);
      litterBefore += await litter(dataDir);
    }
    const restarted = performance.now();
    const app = await start(context, ['--data-dir', dataDir]);
    if (
      (await fetch(`${app.url}/health`).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      recovery = performance.now() - restarted;
    await app.stop();
    found = await litter(dataDir);
    await rm(dataDir, { recursive: true, force: true });
    return {
      scenario: 'app-kill9-uploads',
      requests: tally.requests,
      statuses: tally.counts,
      recovery_ms: recovery === null ? null : Math.round(recovery),
      peak_rss_mb: mb(peak),
      rss_limit_mb: null,
      litter: found,
      checks: [
        check(
          'no litter after restart',
          found === 0,
          `${found} left (${litterBefore} before recovery, over ${rounds} kills)`,
        ),
      ],
    };
  },
});

registerScenario({
  name: 'app-correction-flood',
  description:
    'one client floods corrections with no cookie, then with a cookie but no token, then from one session: the photo must not move',
  async run(context) {
    const dataDir = await mkdtemp(join(tmpdir(), 'gg-soak-flood-'));
    const app = await start(context, ['--data-dir', dataDir]);
    const sampler = startResourceSampler(app.child.pid!);
    const owner = await openSession(app.url);
    const uploaded = (await (await uploadOverHttp(app.url, owner, await foodPhoto(3))).json()) as {
      id: string;
      category: string;
    };
    const target = uploaded.category === 'Soup' ? 'Rice' : 'Soup';
    const tally = new StatusTally();
    const seconds = context.short ? 3 : 10;
    const end = performance.now() + seconds * 1000;
    const voter = await openSession(app.url);
    const kinds: ((n: number) => RequestInit)[] = [
      () => ({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ category: target }),
      }),
      () => ({
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: voter.cookie },
        body: JSON.stringify({ category: target }),
      }),
      () => ({
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: voter.cookie, 'x-csrf-token': voter.csrf },
        body: JSON.stringify({ category: target }),
      }),
    ];
    await Promise.all(
      Array.from({ length: context.short ? 4 : 16 }, async (_, i) => {
        for (let n = 0; performance.now() < end; n++)
          await tallied(tally, () =>
            fetch(`${app.url}/api/photos/${uploaded.id}/corrections`, kinds[(i + n) % kinds.length]!(n)),
          );
      }),
    );
    const rss = await sampler.stop();
    const after = (await (await fetch(`${app.url}/api/photos/${uploaded.id}`)).json()) as {
      category: string;
    };
    await app.stop();
    const votes = Number(query<{ n: number }>(dataDir, 'select count(*) as n from corrections')[0]?.n ?? 0);
    await rm(dataDir, { recursive: true, force: true });
    const applied = tally.counts['200'] ?? 0;
    return {
      scenario: 'app-correction-flood',
      requests: tally.requests,
      statuses: tally.counts,
      recovery_ms: 0,
      peak_rss_mb: mb(rss.peakRssBytes),
      rss_limit_mb: null,
      litter: 0,
      checks: [
        check(
          'the photo did not move',
          after.category === uploaded.category,
          `${uploaded.category} → ${after.category}`,
        ),
        check('at most one vote stored', votes <= 1, `${votes} correction rows, ${applied} answered 200`),
      ],
    };
  },
});
