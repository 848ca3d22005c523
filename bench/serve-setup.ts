/** What the serving benchmark needs before it measures: a model repository, photos, and a running server. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { LoadItem } from '../src/bench/load-generator.js';
import { food11Classes } from '../src/data/index.js';
import {
  buildHeadModel,
  encodeModel,
  loadBackboneSpec,
  loadHead,
  type ModelStoreOptions,
  preparePackagedModel,
  saveHead,
} from '../src/models/index.js';
import { projectPath, type Recipe } from '../src/recipes/index.js';
import { publishVersion } from '../src/server/index.js';

/**
 * Publishes the recipe's packaged model into a fresh repository. Without a trained head (not trained yet),
 * a zero-weight stand-in of the same shape is packaged instead: timings hold, predictions do not.
 */
export async function prepareRepository(
  recipe: Recipe,
  store: ModelStoreOptions,
): Promise<{ repository: string; standIn: boolean }> {
  const repository = await mkdtemp(join(tmpdir(), 'gg-bench-repo-'));
  let headsDir: string | undefined;
  let standIn = false;
  try {
    await loadHead(recipe.model.head);
  } catch {
    headsDir = await mkdtemp(join(tmpdir(), 'gg-bench-heads-'));
    await writeStandInHead(recipe, headsDir);
    standIn = true;
  }
  const packaged = await preparePackagedModel(recipe.model, { ...store, headsDir });
  await publishVersion(repository, { ...packaged, name: recipe.model.head });
  return { repository, standIn };
}

async function writeStandInHead(recipe: Recipe, headsDir: string): Promise<void> {
  const spec = await loadBackboneSpec(recipe.model.backbone);
  const width = spec.embedding.width;
  const model = buildHeadModel({
    layers: [
      { inputs: width, outputs: 11, weight: new Float32Array(11 * width), bias: new Float32Array(11) },
    ],
  });
  const bytes = encodeModel(model);
  await saveHead(
    model,
    {
      name: recipe.model.head,
      version: 1,
      created: new Date().toISOString(),
      backbone: { name: spec.name, sha256: spec.sha256, precision: recipe.model.precision },
      input_size: recipe.model.input_size,
      flip_tta: recipe.model.tta.flip,
      classes: [...food11Classes],
      preprocessing: {
        resize: 'stand-in',
        crop_fraction: spec.input.cropFraction,
        mean: [...spec.input.mean],
        std: [...spec.input.std],
        layout: 'NCHW',
      },
      hyper_parameters: {},
      search: [],
      data: { root: '', layout: '', fingerprint: '', counts: {}, unreadable: 0 },
      validation: { n: 0, top1: 0, macro_f1: 0 },
      training_seconds: 0,
      parameters: 11 * width + 11,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    },
    '# Stand-in head for timing only (zero weights)\n',
    headsDir,
  );
}

/** Up to `limit` test photos, spread over the classes, as upload bodies. */
export async function loadPhotos(dataDir: string, limit: number): Promise<LoadItem[]> {
  const root = join(dataDir, 'test');
  const classes = (await readdir(root)).sort();
  const lists = await Promise.all(
    classes.map(async (c) => (await readdir(join(root, c))).sort().map((f) => join(root, c, f))),
  );
  const picked: string[] = [];
  for (let i = 0; picked.length < limit && lists.some((l) => i < l.length); i++)
    for (const list of lists) if (i < list.length && picked.length < limit) picked.push(list[i]!);
  return Promise.all(picked.map(async (path) => ({ body: await readFile(path), contentType: 'image/jpeg' })));
}

/** 12-megapixel JPEGs (4000×3000) made by upscaling real photos, as a phone would send. */
export function upscale12mp(photos: readonly LoadItem[], count: number): Promise<LoadItem[]> {
  return Promise.all(
    photos.slice(0, count).map(async (photo) => ({
      body: await sharp(photo.body).resize(4000, 3000, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer(),
      contentType: 'image/jpeg',
    })),
  );
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** From spawn to the ready log line, measured outside the process. */
  readonly coldStartMs: number;
  stop(): Promise<number | null>;
}

/** Starts `gourmetgram serve` as a real process on a free port and waits for it to be ready. */
export async function startServeProcess(
  recipePath: string,
  repository: string,
  env: NodeJS.ProcessEnv,
): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      projectPath('dist', 'src', 'cli', 'main.js'),
      'serve',
      '--recipe',
      recipePath,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--model-repository',
      repository,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, GOURMETGRAM_LOG_LEVEL: 'warn' } },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', () => {
      const found = /ready on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (found) resolve(found);
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const coldStartMs = performance.now() - started;
  return {
    child,
    url,
    coldStartMs,
    stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function writeRecipeCopy(recipe: Recipe): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gg-bench-recipe-'));
  const path = join(dir, `${recipe.name}.yaml`);
  await writeFile(path, JSON.stringify(recipe));
  return path;
}
