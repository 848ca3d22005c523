import { type RecipeName, recipeNames } from './format.js';
import type { ResultsSource } from './results-source.js';

/** What the deck knows of one recipe, each figure read (and recorded) from its results file. */
export interface RecipeFigures {
  readonly name: RecipeName;
  readonly top1?: number;
  readonly macroF1?: number;
  readonly n?: number;
  readonly idleP50Ms?: number;
  readonly loadedP99Ms?: number;
  readonly sustainableRps?: number;
  readonly peakRssMiB?: number;
  readonly modelMiB?: number;
  readonly costPerDay: Readonly<Record<string, number | undefined>>;
  readonly requestsPerDay: Readonly<Record<string, number | undefined>>;
  readonly overTarget: Readonly<Record<string, number | undefined>>;
  readonly policyIndex: Readonly<Record<string, number>>;
}

export const policies = ['fixed-peak', 'hpa', 'scale-to-zero'] as const;
export const policyLabel: Record<(typeof policies)[number], string> = {
  'fixed-peak': 'Fixed for the peak',
  hpa: 'Autoscaled (HPA)',
  'scale-to-zero': 'Scale to zero',
};

/** Reads one recipe's figures: accuracy from its evaluation (else the benchmark's offline pass), speed and cost. */
export function recipeFigures(source: ResultsSource, name: RecipeName): RecipeFigures {
  const evalFile = `results/${name}/eval-test.json`;
  const bench = `results/${name}/bench.json`;
  const hasEval = source.has(evalFile);
  const accuracyFile = hasEval ? evalFile : bench;
  const prefix = hasEval ? '' : 'offline.';
  const cost = `results/${name}/cost.json`;
  const policyIndex: Record<string, number> = {};
  const list = source.raw(cost, 'policies');
  if (Array.isArray(list))
    for (const [i, policy] of list.entries())
      if (typeof policy?.name === 'string') policyIndex[policy.name] = i;
  const byPolicy = (field: string, label: string) =>
    Object.fromEntries(
      policies.map((p) => [
        p,
        policyIndex[p] === undefined
          ? undefined
          : source.figure(cost, `policies.${policyIndex[p]}.${field}`, `${name} ${p} ${label}`),
      ]),
    );
  const rss = source.figure(bench, 'closed_loop.resources.peakRssBytes', `${name} peak RSS bytes`);
  const modelBytes = source.figure(bench, 'offline.model_bytes', `${name} model bytes`);
  return {
    name,
    top1: source.figure(accuracyFile, `${prefix}top1`, `${name} test top-1`),
    macroF1: source.figure(accuracyFile, `${prefix}macro_f1`, `${name} test macro-F1`),
    n: source.figure(accuracyFile, `${prefix}n`, `${name} test photos`),
    idleP50Ms: source.figure(bench, 'idle.load.latency.p50', `${name} p50 one client ms`),
    loadedP99Ms: source.figure(bench, 'closed_loop.load.latency.p99', `${name} p99 10 clients ms`),
    sustainableRps: source.figure(bench, 'sustainable.throughput_rps', `${name} sustainable photos/s`),
    peakRssMiB: rss === undefined ? undefined : rss / 2 ** 20,
    modelMiB: modelBytes === undefined ? undefined : modelBytes / 2 ** 20,
    costPerDay: byPolicy('cost', 'cost per day $'),
    requestsPerDay: byPolicy('requests', 'requests per day'),
    overTarget: byPolicy('overTargetShare', 'share over target'),
    policyIndex,
  };
}

/** Predecessor, accuracy-first, latency-first, in that order. */
export function allRecipeFigures(source: ResultsSource): [RecipeFigures, RecipeFigures, RecipeFigures] {
  const [predecessor, accuracy, latency] = recipeNames;
  return [
    recipeFigures(source, predecessor),
    recipeFigures(source, accuracy),
    recipeFigures(source, latency),
  ];
}

/** Cost of a million photos under a policy, from the day's cost and requests. */
export function costPerMillion(figures: RecipeFigures, policy: string): number | undefined {
  const cost = figures.costPerDay[policy];
  const requests = figures.requestsPerDay[policy];
  return cost === undefined || !requests ? undefined : (cost / requests) * 1e6;
}

/**
 * The recommendation rule, stated on the slides: among our recipes within 2 points of the best top-1, the one
 * with the lowest autoscaled cost per million photos; ties go to the more accurate.
 */
export function recommend(all: readonly RecipeFigures[]): RecipeFigures | undefined {
  const ours = all.filter((r) => r.name !== 'predecessor' && r.top1 !== undefined);
  if (ours.length === 0) return undefined;
  const best = Math.max(...ours.map((r) => r.top1 ?? 0));
  const near = ours.filter((r) => (r.top1 ?? 0) >= best - 0.02);
  return near.sort(
    (a, b) =>
      (costPerMillion(a, 'hpa') ?? Number.POSITIVE_INFINITY) -
        (costPerMillion(b, 'hpa') ?? Number.POSITIVE_INFINITY) || (b.top1 ?? 0) - (a.top1 ?? 0),
  )[0];
}
