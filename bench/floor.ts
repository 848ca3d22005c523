/**
 * `npm run bench:floor [-- --recipe latency --photos 100 --rounds 5]`: what each stage of serving a photo
 * costs alone on this machine (header, decode, the served sharp pipeline, normalisation, the model at batch 1
 * and 8 on one and two threads, its backbone and head apart, an empty HTTP round trip, and the served path
 * back to back as a worker runs it), and the floor they imply: CPU per photo, photos/s on every core, a lone photo's latency. Writes results/floor.json, which
 * `gourmetgram bench` and `bench:serve` print their figures against.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { measureFloor } from '../src/bench/floor.js';
import { loadTestPhotos } from '../src/bench/serve-process.js';
import { ConfigurationError, projectPath, readEnvironment } from '../src/core/index.js';
import { loadRecipe } from '../src/recipes/index.js';

const { values } = parseArgs({
  options: {
    recipe: { type: 'string', default: 'latency' },
    photos: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '5' },
  },
});
const environment = readEnvironment(process.env, (line) => process.stderr.write(`${line}\n`));
const dataDir = environment.data;
if (!dataDir)
  throw new ConfigurationError('set GOURMETGRAM_DATA to a Food-11 folder (with test/<Class>/*.jpg)');
const recipe = await loadRecipe(values.recipe);
const photos = await loadTestPhotos(dataDir, Number(values.photos));
const f = (n: number, digits = 2) => n.toFixed(digits);
process.stdout.write(
  `floor of recipe ${recipe.name}: ${photos.length} test photos, ${values.rounds} rounds\n`,
);
process.stdout.write(
  `${'stage'.padEnd(58)} ${'median'.padStart(7)} ${'best'.padStart(7)} ${'CPU'.padStart(7)}  spread\n`,
);
const result = await measureFloor({
  recipe,
  store: {
    mirrorDir: environment.modelMirror,
    cacheDir: environment.cacheDir,
  },
  photos,
  rounds: Number(values.rounds),
  onStage: (s) =>
    process.stdout.write(
      `${s.stage.padEnd(58)} ${f(s.ms).padStart(7)} ${f(s.min_ms).padStart(7)} ${f(s.cpu_ms ?? Number.NaN).padStart(7)}  ${Math.round(100 * s.spread)}%\n`,
    ),
});
process.stdout.write(
  `floor: ${f(result.cpu_ms_per_photo)} ms CPU per photo (pipeline + model at batch 8 + HTTP server) → ` +
    `${f(result.photos_per_second, 0)} photos/s on ${result.machine.cores} cores; ` +
    `lone photo ${f(result.lone_latency_ms)} ms (pipeline + model at batch 1 on 2 threads + round trip); ` +
    `by CPU time ${f(result.cpu_time_ms_per_photo ?? Number.NaN)} ms per photo → ` +
    `${f((result.machine.cores * 1000) / (result.cpu_time_ms_per_photo ?? Number.NaN), 0)} photos/s; load ${result.machine.load_average.map((l) => f(l, 1)).join(' ')}\n`,
);
await mkdir(projectPath('results'), { recursive: true });
await writeFile(projectPath('results', 'floor.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`wrote ${projectPath('results', 'floor.json')}\n`);
