/**
 * `npm run bench:edge [-- --photos 200 --big 12]`: in-browser classification measured in real Chromium. Starts the
 * app with the latency recipe's model, opens the upload page and drives the page's own worker: bytes to
 * download (raw and as sent, brotli), time to the first classification cold (empty cache) and cached (a new page,
 * files from the HTTP cache), per-photo time, and agreement with the server's classifier on test photos and on
 * 12-MP upscales (where the server's JPEG decoder shrinks on load). Writes results/<recipe>/edge.json. Figures,
 * not assertions: the machine is shared and noisy.
 */

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { encodedBodies } from '../src/app/edge/edge-assets.js';
import { loadEdgeAssets } from '../src/app/edge/index.js';
import { buildApp, FolderBlobStore, openDatabase } from '../src/app/index.js';
import { loadTestPhotos } from '../src/bench/serve-process.js';
import { projectPath, readEnvironment } from '../src/core/index.js';
import { createClassifier } from '../src/inference/index.js';
import { loadRecipe } from '../src/recipes/index.js';
import { launchChromium } from '../src/report/index.js';
import { upscale12mp } from './twelve-megapixel.js';

const { values } = parseArgs({
  options: {
    recipe: { type: 'string', default: 'latency' },
    photos: { type: 'string', default: '200' },
    big: { type: 'string', default: '12' },
  },
});
const env = readEnvironment(process.env);
const dataDir = env.data;
if (!dataDir) throw new Error('set GOURMETGRAM_DATA to a Food-11 folder (with test/<Class>/*.jpg)');
const recipe = await loadRecipe(values.recipe);
const classifier = await createClassifier(recipe, {
  cacheDir: env.cacheDir,
  mirrorDir: env.modelMirror,
});
const dir = await mkdtemp(join(tmpdir(), 'gg-bench-edge-'));
const database = await openDatabase({ url: join(dir, 'app.db') });
const app = await buildApp({
  classifier,
  database,
  blobs: new FolderBlobStore(join(dir, 'blobs')),
  edgeModel: classifier.model,
});
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium(env.chromium);

interface PageGuess {
  readonly top: { category: string; confidence: number }[];
  readonly probabilities: number[];
  readonly elapsedMs: number;
  readonly inferMs: number;
  readonly wallMs: number;
}

/** Opens the upload page with a fresh client (and so a fresh worker) of the page's own module. */
async function openClient(page: Page): Promise<void> {
  await page.goto(`${base}/`);
  await page.evaluate(
    "import('/static/app/web/edge-client.js').then((m) => { globalThis.edge = new m.EdgeClient('/static/app/web/edge-worker.js', '/edge/manifest.json'); })",
  );
}

async function classifyInPage(page: Page, bytes: Uint8Array): Promise<PageGuess> {
  const guess = await page.evaluate(async (b64) => {
    const client = (globalThis as unknown as { edge: { classify(photo: Blob): Promise<unknown> } }).edge;
    const photo = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))]);
    const started = performance.now();
    const result = (await client.classify(photo)) as object | undefined;
    return result && { ...result, wallMs: performance.now() - started };
  }, Buffer.from(bytes).toString('base64'));
  if (!guess) throw new Error('the browser did not classify the photo (model unavailable?)');
  return guess as PageGuess;
}

function stats(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return {
    n: values.length,
    mean: round(mean),
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    max: round(at(1)),
  };
}

function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits));
}

async function agreement(page: Page, photos: readonly { body: Uint8Array }[]) {
  let agree = 0;
  const diffs: number[] = [];
  const wall: number[] = [];
  const worker: number[] = [];
  const infer: number[] = [];
  for (const photo of photos) {
    const server = await classifier.classify(photo.body);
    const edge = await classifyInPage(page, photo.body);
    if (edge.top[0]?.category === server.category) agree++;
    diffs.push(
      Math.max(...edge.probabilities.map((p, i) => Math.abs(p - (server.probabilities?.[i] ?? Number.NaN)))),
    );
    wall.push(edge.wallMs);
    worker.push(edge.elapsedMs);
    infer.push(edge.inferMs);
  }
  const sorted = [...diffs].sort((a, b) => a - b);
  return {
    photos: photos.length,
    top1_agree: agree,
    top1_agreement: round(agree / photos.length, 4),
    max_probability_difference: round(sorted.at(-1) ?? 0, 5),
    p98_probability_difference: round(sorted[Math.floor(0.98 * (sorted.length - 1))] ?? 0, 5),
    within_0_02: diffs.filter((d) => d <= 0.02).length,
    per_photo_ms: { page: stats(wall), worker: stats(worker), inference: stats(infer) },
  };
}

try {
  const assets = await loadEdgeAssets(classifier.model);
  const download = await Promise.all(
    [...assets.files.values()].map(async (file) => {
      const { br, gzip } = await encodedBodies(file);
      return { role: file.role, bytes: file.bytes, brotli_bytes: br.length, gzip_bytes: gzip.length };
    }),
  );

  // Cold: a fresh context has an empty HTTP cache, so the first classification pays download + compile.
  const context = await browser.newContext();
  const page = await context.newPage();
  const photos = await loadTestPhotos(dataDir, Number(values.photos));
  await openClient(page);
  const coldStart = performance.now();
  await classifyInPage(page, photos[0]!.body);
  const coldMs = performance.now() - coldStart;
  // Cached: a new page in the same context; the files come from the HTTP cache, the WebAssembly is compiled again.
  const page2 = await context.newPage();
  await openClient(page2);
  const warmStart = performance.now();
  await classifyInPage(page2, photos[0]!.body);
  const cachedMs = performance.now() - warmStart;
  await page.close();

  const test = await agreement(page2, photos);
  const big = await agreement(page2, await upscale12mp(photos, Number(values.big)));
  const result = {
    recipe: recipe.name,
    model: `${classifier.model.name} v${classifier.model.version}`,
    measured_at: new Date().toISOString(),
    browser: browser.version(),
    threads: 1,
    download,
    download_total: {
      bytes: download.reduce((s, d) => s + d.bytes, 0),
      brotli_bytes: download.reduce((s, d) => s + d.brotli_bytes, 0),
    },
    first_classification_ms: { cold: round(coldMs), cached: round(cachedMs) },
    test_photos: test,
    twelve_megapixel: big,
  };
  const out = projectPath('results', recipe.name, 'edge.json');
  await mkdir(join(out, '..'), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
  console.log(`in-browser classification (${result.model}, Chromium ${result.browser}, one thread)`);
  for (const d of download)
    console.log(
      `  ${d.role.padEnd(8)} ${mb(d.bytes).padStart(9)} raw, ${mb(d.brotli_bytes).padStart(9)} brotli`,
    );
  console.log(
    `  total    ${mb(result.download_total.bytes).padStart(9)} raw, ${mb(result.download_total.brotli_bytes).padStart(9)} brotli`,
  );
  console.log(`first classification: cold ${round(coldMs)} ms, cached ${round(cachedMs)} ms`);
  for (const [label, r] of [
    ['test photos', test],
    ['12-MP upscales', big],
  ] as const)
    console.log(
      `${label}: top-1 agrees ${r.top1_agree}/${r.photos} (${(r.top1_agreement * 100).toFixed(1)} %), ` +
        `max |Δp| ${r.max_probability_difference}, ${r.within_0_02}/${r.photos} within 0.02; ` +
        `per photo p50 ${r.per_photo_ms.page.p50} ms (inference ${r.per_photo_ms.inference.p50} ms)`,
    );
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await app.close();
  await classifier.close();
  await database.close();
  await rm(dir, { recursive: true, force: true });
}
