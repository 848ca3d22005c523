import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectPath } from '../core/index.js';
import type { ModelStoreOptions } from '../models/index.js';
import type { Recipe } from '../recipes/index.js';
import { BenchError } from './errors.js';
import type { FloorResult } from './floor.js';
import { generateLoad, type LoadItem } from './load-generator.js';
import { prepareServeRepository, startServeProcess } from './serve-process.js';

/** One closed-loop run against one contestant. */
export interface PeerPoint {
  readonly concurrency: number;
  readonly photos_per_second: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly errors: number;
  /**
   * CPU time the contestant (every process and thread of it) spent per answered photo: the figure other
   * programs on the shared cores inflate least.
   */
  readonly cpu_ms_per_photo: number;
  /** Load average (1 min) when the run ended: the machine is shared, so every figure carries it. */
  readonly load_average: number;
}

/** results/peers.json: our recipe and a tuned Python peer, driven by one client with the same photos. */
export interface PeerRace {
  readonly schema: 'gourmetgram.bench.peers/1';
  readonly created: string;
  readonly machine: { readonly cores: number; readonly node: string; readonly load_average: number[] };
  readonly photos: number;
  readonly seconds: number;
  readonly ours: { readonly recipe: string; readonly points: readonly PeerPoint[] };
  readonly peer: { readonly name: string; readonly command: string; readonly points: readonly PeerPoint[] };
  readonly ratios: PeerRatios;
  /** Our best photos/s as a share of the measured floor (results/floor.json), when one was measured. */
  readonly floor_share: number | null;
}

export interface PeerRatios {
  /** The peer's p99 at its best throughput: the latency both are held to. */
  readonly p99_target_ms: number;
  readonly ours_photos_per_second: number;
  readonly peer_photos_per_second: number;
  /** Ours / peer photos/s at equal p99 (ours: the best run whose p99 is within the peer's). */
  readonly throughput_at_equal_p99: number;
  /** Peer p50 / ours p50 at concurrency 1: how many times faster a lone photo is answered. */
  readonly p50_speedup_at_concurrency_1: number;
  /** Peer / ours CPU per photo at the highest concurrency: photos per core-second, ours over the peer's. */
  readonly cpu_efficiency_at_highest_concurrency: number;
}

export interface PeerRaceOptions {
  readonly recipe: Recipe;
  readonly store: ModelStoreOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly photos: readonly LoadItem[];
  readonly concurrencies: readonly number[];
  readonly seconds: number;
  /** Debian's interpreter, which sees the apt-installed torch (scripts/peer/setup-python-peer.sh). */
  readonly python: string;
  readonly floor: FloorResult | undefined;
  readonly log: (line: string) => void;
}

/**
 * Races our server (the recipe, as `gourmetgram serve` runs it) against the tuned PyTorch peer
 * (scripts/peer/torch_peer.py, one uvicorn worker per core) with the same client and photos. Both run for
 * the whole race; each concurrency measures both back to back, the order alternating, so the shared
 * machine's load falls on both alike.
 */
export async function racePeers(options: PeerRaceOptions): Promise<PeerRace> {
  const { log } = options;
  const repository = await prepareServeRepository(options.recipe, options.store);
  const ours = await startServeProcess(options.recipe, repository, options.env);
  const peer = await startPeer(options.python, cpus().length);
  try {
    const urls = { ours: `${ours.url}/predict`, peer: `${peer.url}/predict` };
    const pids = { ours: ours.pid, peer: peer.pid };
    for (const url of Object.values(urls))
      await generateLoad({ url, items: options.photos, concurrency: 4, requests: 120 });
    const points: Record<'ours' | 'peer', PeerPoint[]> = { ours: [], peer: [] };
    for (const [i, concurrency] of options.concurrencies.entries()) {
      const order: ('ours' | 'peer')[] = i % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours'];
      for (const who of order) {
        const cpuBefore = await treeCpuMs(pids[who]);
        const load = await generateLoad({
          url: urls[who],
          items: options.photos,
          concurrency,
          durationMs: options.seconds * 1000,
          timeoutMs: 30_000,
        });
        const point: PeerPoint = {
          concurrency,
          photos_per_second: load.throughput,
          p50_ms: load.latency.p50,
          p99_ms: load.latency.p99,
          errors: load.sent - load.ok,
          cpu_ms_per_photo: ((await treeCpuMs(pids[who])) - cpuBefore) / Math.max(1, load.ok),
          load_average: loadavg()[0]!,
        };
        points[who].push(point);
        log(
          `${who.padEnd(4)} c=${String(concurrency).padStart(2)}: ${point.photos_per_second.toFixed(1)} photos/s, ` +
            `p50 ${point.p50_ms.toFixed(1)} ms, p99 ${point.p99_ms.toFixed(1)} ms, ${point.cpu_ms_per_photo.toFixed(1)} CPU ms/photo, errors ${point.errors}, load ${point.load_average.toFixed(1)}`,
        );
      }
    }
    const ratios = peerRatios(points.ours, points.peer);
    const best = Math.max(...points.ours.map((p) => p.photos_per_second));
    return {
      schema: 'gourmetgram.bench.peers/1',
      created: new Date().toISOString(),
      machine: { cores: cpus().length, node: process.version, load_average: loadavg() },
      photos: options.photos.length,
      seconds: options.seconds,
      ours: { recipe: options.recipe.name, points: points.ours },
      peer: {
        name: 'torchvision MobileNetV2 fp32, FastAPI + uvicorn',
        command: peer.command,
        points: points.peer,
      },
      ratios,
      floor_share: options.floor ? best / options.floor.photos_per_second : null,
    };
  } finally {
    await ours.stop();
    await peer.stop();
  }
}

/**
 * The ratios the issue asks for, from both sides' runs: photos/s at equal p99 (the peer at its best
 * throughput sets the p99; ours is the best run within it) and the lone-photo p50.
 */
export function peerRatios(ours: readonly PeerPoint[], peer: readonly PeerPoint[]): PeerRatios {
  const clean = (points: readonly PeerPoint[]) => points.filter((p) => p.errors === 0);
  const peerBest = clean(peer).reduce<PeerPoint | undefined>(
    (best, p) => (!best || p.photos_per_second > best.photos_per_second ? p : best),
    undefined,
  );
  if (!peerBest) throw new BenchError('GG_ERR_BENCH_SERVER', 'the peer answered no run without errors');
  const within = clean(ours).filter((p) => p.p99_ms <= peerBest.p99_ms);
  const oursBest = Math.max(0, ...within.map((p) => p.photos_per_second));
  const lone = (points: readonly PeerPoint[]) =>
    points.find((p) => p.concurrency === 1)?.p50_ms ?? Number.NaN;
  const busiest = (points: readonly PeerPoint[]) =>
    points.reduce((a, b) => (b.concurrency > a.concurrency ? b : a)).cpu_ms_per_photo;
  return {
    p99_target_ms: peerBest.p99_ms,
    ours_photos_per_second: oursBest,
    peer_photos_per_second: peerBest.photos_per_second,
    throughput_at_equal_p99: oursBest / peerBest.photos_per_second,
    p50_speedup_at_concurrency_1: lone(peer) / lone(ours),
    cpu_efficiency_at_highest_concurrency: busiest(peer) / busiest(ours),
  };
}

/** CPU time (user + system) of a process, its threads and its live children (uvicorn's workers), in ms. */
async function treeCpuMs(pid: number): Promise<number> {
  const read = (path: string) => readFile(path, 'utf8').catch(() => '');
  const ticks = async (p: number) => {
    const stat = await read(`/proc/${p}/stat`);
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return stat ? Number(fields[11]) + Number(fields[12]) : 0;
  };
  const children = (await read(`/proc/${pid}/task/${pid}/children`)).split(' ').filter(Boolean).map(Number);
  const all = await Promise.all([pid, ...children].map(ticks));
  // USER_HZ is 100 on Linux: one tick is 10 ms.
  return all.reduce((a, b) => a + b, 0) * 10;
}

interface PeerProcess {
  readonly pid: number;
  readonly url: string;
  readonly command: string;
  stop(): Promise<void>;
}

async function startPeer(python: string, workers: number): Promise<PeerProcess> {
  const port = await freePort();
  const args = [
    '-m',
    'uvicorn',
    'torch_peer:app',
    '--app-dir',
    projectPath('scripts', 'peer'),
    '--workers',
    String(workers),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--loop',
    'uvloop',
    '--http',
    'httptools',
    '--no-access-log',
    '--log-level',
    'warning',
  ];
  const child: ChildProcess = spawn(python, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PEER_THREADS: '1', OMP_NUM_THREADS: '1' },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  };
  // Every worker loads torch and freezes the model; polled until one answers, then warmed by the caller.
  for (let waited = 0; waited < 120_000; waited += 250) {
    if (child.exitCode !== null)
      throw new BenchError(
        'GG_ERR_BENCH_SETUP',
        `the Python peer exited (${child.exitCode}); run scripts/peer/setup-python-peer.sh: ${stderr}`,
      );
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { pid: child.pid!, url, command: `${python} ${args.join(' ')}`, stop };
    await sleep(250);
  }
  await stop();
  throw new BenchError('GG_ERR_BENCH_SERVER', `the Python peer did not answer within 120 s: ${stderr}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('bug: no port from a TCP listen');
  return address.port;
}
