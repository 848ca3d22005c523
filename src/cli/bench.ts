import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BenchResult,
  benchRecipe,
  checkGoals,
  formatSummary,
  loadTestPhotos,
  racePeers,
  readFloor,
  shareOfFloor,
  summariseResults,
} from '../bench/index.js';
import { type Environment, projectPath } from '../core/index.js';
import { loadRecipe, shippedRecipes } from '../recipes/index.js';
import { UsageError } from './errors.js';
import { progressReporter } from './progress.js';
import { dataDirFrom, storeOptions } from './store-options.js';
import { defineVerb, numberFlag, type VerbValues } from './verb.js';

const usage = `usage: gourmetgram bench (--recipe <file|name> | --all) [--seconds <n>] [--clients <n>] [--step-seconds <n>]
                         [--target-ms <n>] [--photos <n>] [--no-siege] [--data <dir>] [--results <dir>]
   or: gourmetgram bench --summary   (the side-by-side table from saved results, measuring nothing)
   or: gourmetgram bench --peers [--recipe latency] [--peer-seconds <n>] [--python /usr/bin/python3]
Measures each recipe: offline (test accuracy, model size, load time, inference latency batch 1 and throughput
batch 8/32), then one real 'gourmetgram serve' replica: <clients> closed-loop clients for <seconds> s (our
generator, then siege when installed), and open-loop fixed arrival rates up to saturation. Writes
results/<recipe>/bench.json and capacity.json (read by 'gourmetgram cost'), then prints a side-by-side summary
with ratios to the predecessor (results/bench-summary.json). Defaults: 60 s, 10 clients, p99 target 100 ms.
--peers: the recipe's server and the tuned PyTorch peer (scripts/peer/torch_peer.py, set up once with
scripts/peer/setup-python-peer.sh) driven by one client with the same photos, closed loop at 1, 2, 4, 8 and
16 clients for <peer-seconds> s each (default 15), alternating; prints photos/s at equal p99 and the lone
photo's p50 as ratios, and writes results/peers.json. Serving figures are printed as shares of the floor
(results/floor.json, from npm run bench:floor).`;

const options = {
  recipe: { type: 'string', multiple: true },
  all: { type: 'boolean', default: false },
  seconds: { type: 'string', default: '60' },
  clients: { type: 'string', default: '10' },
  'step-seconds': { type: 'string' },
  'target-ms': { type: 'string', default: '100' },
  photos: { type: 'string', default: '200' },
  'no-siege': { type: 'boolean', default: false },
  summary: { type: 'boolean', default: false },
  peers: { type: 'boolean', default: false },
  'peer-seconds': { type: 'string', default: '15' },
  python: { type: 'string', default: '/usr/bin/python3' },
  data: { type: 'string' },
  results: { type: 'string', default: projectPath('results') },
} as const;

export const run = defineVerb({ usage, options, run: ({ values }, env) => bench(values, env) });

async function bench(values: VerbValues<typeof options>, env: Environment): Promise<number> {
  if (values.peers) return peers(values, env);
  if (!values.all && !values.recipe?.length && !values.summary)
    throw new UsageError('one of --recipe, --all or --summary is required');
  const positive = (flag: string, text: string) => numberFlag(flag, text);
  const seconds = positive('seconds', values.seconds);
  const stepSeconds = values['step-seconds']
    ? positive('step-seconds', values['step-seconds'])
    : Math.max(5, Math.round(seconds / 4));
  const names = values.summary ? [] : values.all ? [...shippedRecipes] : values.recipe!;
  const recipes = await Promise.all(names.map((n) => loadRecipe(n)));
  const dataDir = values.summary ? '' : dataDirFrom(values.data, env);
  const childEnv: NodeJS.ProcessEnv = {
    GOURMETGRAM_CACHE: env.cacheDir,
    GOURMETGRAM_LOG_LEVEL: env.logLevel,
    ...(env.modelMirror ? { GOURMETGRAM_MODEL_MIRROR: env.modelMirror } : {}),
  };
  const settings = {
    recipes: names,
    seconds,
    clients: positive('clients', values.clients),
    step_seconds: stepSeconds,
    latency_target_ms: positive('target-ms', values['target-ms']),
    photos: positive('photos', values.photos),
    siege: !values['no-siege'],
    data: dataDir,
    results: values.results,
  };
  process.stderr.write(`${JSON.stringify({ msg: 'effective configuration', ...settings })}\n`);
  const bars = new Map<string, (done: number, total: number) => void>();
  const results: BenchResult[] = [];
  const floor = await readFloor();
  for (const recipe of recipes)
    results.push(
      await benchRecipe({
        recipe,
        dataDir,
        store: storeOptions(env),
        env: childEnv,
        seconds,
        clients: settings.clients,
        stepSeconds,
        latencyTargetMs: settings.latency_target_ms,
        photos: settings.photos,
        useSiege: settings.siege,
        outDir: join(values.results, recipe.name),
        log: (line) => process.stderr.write(`${line}\n`),
        floor,
        onProgress: (stage, done, total) => {
          if (!bars.has(stage)) bars.set(stage, progressReporter(stage));
          bars.get(stage)!(done, total);
        },
      }),
    );
  // Recipes not measured in this run are compared from their last saved results, in the shipped order.
  const measured = new Map(results.map((r) => [r.recipe, r]));
  const table: BenchResult[] = [];
  for (const name of [...shippedRecipes, ...results.map((r) => r.recipe)]) {
    if (table.some((r) => r.recipe === name)) continue;
    const saved = measured.get(name) ?? (await readSaved(values.results, name));
    if (saved) table.push(saved);
  }
  const summary = summariseResults(table);
  const goals = checkGoals(table);
  await writeFile(
    join(values.results, 'bench-summary.json'),
    // No timestamp: the summary is a function of the saved bench.json files, so `--summary` leaves it unchanged.
    `${JSON.stringify({ schema: 'gourmetgram.bench-summary/1', summary, goals }, null, 2)}\n`,
  );
  const mark = (met: boolean | null) => (met === null ? '?' : met ? 'met' : 'NOT met');
  process.stdout.write(
    `${formatSummary(summary)}\n\ngoals (issue 5):\n${goals.map((g) => `  [${mark(g.met)}] ${g.goal}: ${g.measured}`).join('\n')}\n` +
      `wrote ${join(values.results, 'bench-summary.json')}\n`,
  );
  return 0;
}

async function readSaved(resultsDir: string, recipe: string): Promise<BenchResult | undefined> {
  const text = await readFile(join(resultsDir, recipe, 'bench.json'), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const parsed = JSON.parse(text) as BenchResult;
  return parsed.schema === 'gourmetgram.bench/1' ? parsed : undefined;
}

async function peers(values: VerbValues<typeof options>, env: Environment): Promise<number> {
  const recipe = await loadRecipe(values.recipe?.[0] ?? 'latency');
  const seconds = numberFlag('peer-seconds', values['peer-seconds']);
  const floor = await readFloor();
  const race = await racePeers({
    recipe,
    store: storeOptions(env),
    env: {
      GOURMETGRAM_CACHE: env.cacheDir,
      ...(env.modelMirror ? { GOURMETGRAM_MODEL_MIRROR: env.modelMirror } : {}),
    },
    photos: await loadTestPhotos(dataDirFrom(values.data, env), numberFlag('photos', values.photos)),
    concurrencies: [1, 2, 4, 8, 16],
    seconds,
    python: values.python,
    floor,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const r = race.ratios;
  const best = Math.max(...race.ours.points.map((p) => p.photos_per_second));
  process.stdout.write(
    `${recipe.name} vs ${race.peer.name}, ${race.photos} test photos, ${seconds} s per run, load ${race.machine.load_average.map((l) => l.toFixed(1)).join(' ')}\n` +
      `  at equal p99 (<= ${r.p99_target_ms.toFixed(1)} ms, the peer's at its best): ours ${r.ours_photos_per_second.toFixed(1)} photos/s, ` +
      `peer ${r.peer_photos_per_second.toFixed(1)} photos/s -> x${r.throughput_at_equal_p99.toFixed(2)}\n` +
      `  lone photo p50: x${r.p50_speedup_at_concurrency_1.toFixed(2)} faster; photos per CPU-second at the highest concurrency: ` +
      `x${r.cpu_efficiency_at_highest_concurrency.toFixed(2)}; our best ${best.toFixed(1)} photos/s ${shareOfFloor(floor, best)}\n`,
  );
  await mkdir(values.results, { recursive: true });
  await writeFile(join(values.results, 'peers.json'), `${JSON.stringify(race, null, 2)}\n`);
  process.stdout.write(`wrote ${join(values.results, 'peers.json')}\n`);
  return 0;
}
