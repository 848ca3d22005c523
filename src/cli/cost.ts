import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { projectPath } from '../core/index.js';
import {
  compareCosts,
  costChartSvg,
  dailyTrace,
  type FigureOverrides,
  loadCapacityFigures,
  readLoadTrace,
  traceSeries,
} from '../deploy/index.js';
import { loadRecipe } from '../recipes/index.js';
import { UsageError } from './errors.js';
import { defineVerb, numberFlag, type VerbValues } from './verb.js';

const usage = `usage: gourmetgram cost --recipe <file|name> --trace <file> [--results <dir>] [--out <prefix>]
       [--price-vcpu-hour <usd>] [--price-gib-hour <usd>]
       [--throughput-rps <n>] [--latency-target-ms <n>] [--p50-ms <n>] [--cold-start-s <n>] [--memory-mib <n>]
       [--cpu-cores <n>]
   or: gourmetgram cost --write-trace <file> [--seed <n>] [--peak-rps <n>]
Models a day of the trace under fixed peak provisioning, the recipe's HPA and scale-to-zero. Figures come from
results/<recipe>/*.json ("schema": "gourmetgram.capacity/1"), flags win; it refuses to run without them.
Writes <prefix>.json and <prefix>.svg (default results/<recipe>/cost).`;

const figureFlags = {
  'throughput-rps': 'throughputRps',
  'latency-target-ms': 'latencyTargetMs',
  'p50-ms': 'latencyP50Ms',
  'cold-start-s': 'coldStartS',
  'memory-mib': 'memoryMiB',
  'cpu-cores': 'cpuCoresAtThroughput',
} as const;

const options = {
  recipe: { type: 'string' },
  trace: { type: 'string' },
  results: { type: 'string', default: projectPath('results') },
  out: { type: 'string' },
  'price-vcpu-hour': { type: 'string', default: '0.04' },
  'price-gib-hour': { type: 'string', default: '0.005' },
  'write-trace': { type: 'string' },
  seed: { type: 'string', default: '11' },
  'peak-rps': { type: 'string', default: '300' },
  ...Object.fromEntries(Object.keys(figureFlags).map((flag) => [flag, { type: 'string' as const }])),
} as const;

export const run = defineVerb({
  usage,
  options,
  run: ({ values }) => cost(values),
});

async function cost(values: VerbValues<typeof options>): Promise<number> {
  const number = (flag: string, text: string | undefined): number | undefined =>
    text === undefined ? undefined : numberFlag(flag, text, { inclusive: true });
  if (values['write-trace']) {
    const seed = number('seed', values.seed)!;
    const peakRps = number('peak-rps', values['peak-rps'])!;
    const trace = dailyTrace({
      seed,
      peakRps,
      command: `gourmetgram cost --write-trace <file> --seed ${seed} --peak-rps ${peakRps}`,
    });
    await mkdir(dirname(resolve(values['write-trace'])), { recursive: true });
    await writeFile(values['write-trace'], `${JSON.stringify(trace)}\n`);
    const total = trace.rps.reduce((a, b) => a + b * trace.step_s, 0);
    process.stdout.write(
      `${values['write-trace']}: ${trace.rps.length} minutes, ${Math.round(total)} open-loop requests, ${trace.phases.length} phases\n`,
    );
    return 0;
  }
  if (!values.recipe || !values.trace)
    throw new UsageError('--recipe and --trace are required (or --write-trace)');
  const recipe = await loadRecipe(values.recipe);
  const overrides: Record<string, number | undefined> = {};
  for (const [flag, key] of Object.entries(figureFlags))
    overrides[key] = number(
      flag,
      (values as Record<string, string | boolean | undefined>)[flag] as string | undefined,
    );
  const figures = await loadCapacityFigures(
    recipe.name,
    values.results,
    overrides as FigureOverrides,
    recipe.autoscaling?.metric === 'cpu',
  );
  const prices = {
    vcpuHour: number('price-vcpu-hour', values['price-vcpu-hour'])!,
    gibHour: number('price-gib-hour', values['price-gib-hour'])!,
  };
  const trace = await readLoadTrace(values.trace);
  const report = compareCosts(recipe, traceSeries(trace), figures, prices, values.trace);
  const prefix = values.out ?? join(values.results, recipe.name, 'cost');
  await mkdir(dirname(resolve(prefix)), { recursive: true });
  await writeFile(`${prefix}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(`${prefix}.svg`, costChartSvg(report));

  const f = report.figures;
  process.stdout.write(
    `cost model for ${recipe.name} on ${values.trace} (a model fed with measured figures, not a measurement)\n` +
      `figures: ${f.throughputRps} req/s per replica at p99 <= ${f.latencyTargetMs} ms, p50 ${f.latencyP50Ms} ms, ` +
      `cold start ${f.coldStartS} s, ${f.memoryMiB} MiB${f.cpuCoresAtThroughput === undefined ? '' : `, ${f.cpuCoresAtThroughput} cores`}\n` +
      `sources: ${[...new Set(Object.values(f.sources))].join(', ')}\n` +
      `prices: $${prices.vcpuHour} per vCPU-hour, $${prices.gibHour} per GiB-hour; a replica requests ${report.request.cpu} vCPU, ${report.request.memoryGiB} GiB\n\n` +
      `${'policy'.padEnd(15)}${'peak'.padStart(6)}${'replica-h'.padStart(11)}${'cost $'.padStart(9)}${'over target'.padStart(13)}  description\n`,
  );
  for (const p of report.policies)
    process.stdout.write(
      `${p.name.padEnd(15)}${String(p.peakReplicas).padStart(6)}${p.replicaHours.toFixed(1).padStart(11)}${p.cost.toFixed(2).padStart(9)}` +
        `${`${(p.overTargetShare * 100).toFixed(2)}%`.padStart(13)}  ${p.description}\n`,
    );
  const [fixed, hpa] = report.policies;
  if (fixed && hpa)
    process.stdout.write(
      `\nhpa / fixed-peak replica-hours: ${(hpa.replicaHours / fixed.replicaHours).toFixed(2)}\n`,
    );
  for (const warning of report.warnings) process.stdout.write(`warning: ${warning}\n`);
  process.stdout.write(`wrote ${prefix}.json and ${prefix}.svg\n`);
  return 0;
}
