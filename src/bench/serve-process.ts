import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectPath } from '../core/index.js';
import { type ModelStoreOptions, preparePackagedModel } from '../models/index.js';
import type { Recipe } from '../recipes/index.js';
import { publishVersion } from '../server/index.js';
import { BenchError } from './errors.js';
import type { LoadItem } from './load-generator.js';

/** A photo the benchmarks send: its path (for siege) and its bytes. */
export interface BenchPhoto extends LoadItem {
  readonly path: string;
}

/** Up to `limit` test photos, taken round-robin over the classes so every class is in the mix. */
export async function loadTestPhotos(dataDir: string, limit: number): Promise<BenchPhoto[]> {
  const root = join(dataDir, 'test');
  let classes: string[];
  try {
    classes = (await readdir(root)).sort();
  } catch (cause) {
    throw new BenchError('GG_ERR_BENCH_SETUP', `no test photos under ${root}`, { cause });
  }
  const lists = await Promise.all(
    classes.map(async (c) =>
      (await readdir(join(root, c)))
        .filter((f) => /\.jpe?g$/i.test(f))
        .sort()
        .map((f) => join(root, c, f)),
    ),
  );
  const picked: string[] = [];
  for (let i = 0; picked.length < limit && lists.some((l) => i < l.length); i++)
    for (const list of lists) if (i < list.length && picked.length < limit) picked.push(list[i]!);
  if (picked.length === 0) throw new BenchError('GG_ERR_BENCH_SETUP', `no JPEG photos under ${root}`);
  return Promise.all(
    picked.map(async (path) => ({ path, body: await readFile(path), contentType: 'image/jpeg' })),
  );
}

/**
 * Packages the recipe's model (it must have a trained head) and publishes it into a fresh model repository,
 * so the server process starts from the repository without packaging inside its cold start.
 */
export async function prepareServeRepository(recipe: Recipe, store: ModelStoreOptions): Promise<string> {
  const repository = await mkdtemp(join(tmpdir(), 'gg-bench-repo-'));
  const packaged = await preparePackagedModel(recipe.model, store);
  await publishVersion(repository, { ...packaged, name: recipe.model.head });
  const recipePath = join(repository, `${recipe.name}.yaml`);
  // JSON is YAML: the server reads the same recipe the benchmark holds, whatever file it came from.
  await writeFile(recipePath, JSON.stringify(recipe));
  return repository;
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  /** Spawn to the ready line, measured outside the process. */
  readonly coldStartMs: number;
  stop(): Promise<number | null>;
}

/** Starts `gourmetgram serve` as a real process on a free loopback port and waits until it says it is ready. */
export async function startServeProcess(
  recipe: Recipe,
  repository: string,
  env: NodeJS.ProcessEnv,
): Promise<ServeProcess> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      projectPath('dist', 'src', 'cli', 'main.js'),
      'serve',
      '--recipe',
      join(repository, `${recipe.name}.yaml`),
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--model-repository',
      repository,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...env, GOURMETGRAM_LOG_LEVEL: 'warn' } },
  );
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk;
      const found = /ready on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (found) resolve(found);
    });
    void exited.then((code) =>
      reject(new BenchError('GG_ERR_BENCH_SERVER', `serve exited with ${code}: ${stderr.slice(-2000)}`)),
    );
  });
  const coldStartMs = performance.now() - started;
  return {
    child,
    pid: child.pid!,
    url,
    coldStartMs,
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Times three spawns to ready (two probes stopped at once, then the server the runs use): three samples, not one. */
export async function startAfterColdStarts(
  recipe: Recipe,
  repository: string,
  env: NodeJS.ProcessEnv,
): Promise<{ server: ServeProcess; colds: number[] }> {
  const colds: number[] = [];
  for (let i = 0; i < 2; i++) {
    const probe = await startServeProcess(recipe, repository, env);
    colds.push(probe.coldStartMs);
    await probe.stop();
  }
  const server = await startServeProcess(recipe, repository, env);
  colds.push(server.coldStartMs);
  return { server, colds };
}
