import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { MissingFiguresError } from './errors.js';

/**
 * The measured figures of one replica that the cost model needs. The benchmarks write them as
 * `results/<recipe>/<anything>.json` with `"schema": "gourmetgram.capacity/1"`; every field but the schema is
 * optional so that several benchmark files may each contribute what they measured (later files win).
 */
export const capacityFiguresSchema = z.object({
  schema: z.literal('gourmetgram.capacity/1'),
  recipe: z.string().optional(),
  /** Requests per second one replica sustains with its p99 at or under latency_target_ms. */
  throughput_rps_at_target: z.number().positive().optional(),
  latency_target_ms: z.number().positive().optional(),
  /** Median latency of one request on an idle replica. */
  latency_p50_ms: z.number().positive().optional(),
  /** Process start to ready (readiness endpoint true). */
  cold_start_s: z.number().min(0).optional(),
  /** Peak resident memory of one replica under load. */
  memory_mib: z.number().positive().optional(),
  /** CPU cores one replica uses at throughput_rps_at_target (needed when the recipe scales on CPU). */
  cpu_cores_at_throughput: z.number().positive().optional(),
});

export interface CapacityFigures {
  readonly throughputRps: number;
  readonly latencyTargetMs: number;
  readonly latencyP50Ms: number;
  readonly coldStartS: number;
  readonly memoryMiB: number;
  readonly cpuCoresAtThroughput: number | undefined;
  /** Where each figure came from: a results file or a flag. */
  readonly sources: Readonly<Record<string, string>>;
}

export type FigureOverrides = Partial<Omit<CapacityFigures, 'sources'>>;

const fields = [
  ['throughputRps', 'throughput_rps_at_target'],
  ['latencyTargetMs', 'latency_target_ms'],
  ['latencyP50Ms', 'latency_p50_ms'],
  ['coldStartS', 'cold_start_s'],
  ['memoryMiB', 'memory_mib'],
  ['cpuCoresAtThroughput', 'cpu_cores_at_throughput'],
] as const;

/**
 * Gathers a recipe's figures from its results folder, then from flags (which win). Throws
 * {@link MissingFiguresError} naming what is still missing; CPU is required only when `needCpu`.
 */
export async function loadCapacityFigures(
  recipe: string,
  resultsDir: string,
  overrides: FigureOverrides,
  needCpu: boolean,
): Promise<CapacityFigures> {
  const found: Record<string, number> = {};
  const sources: Record<string, string> = {};
  const dir = join(resultsDir, recipe);
  let names: string[] = [];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    // No results yet: the flags must carry every figure.
  }
  for (const name of names) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(join(dir, name), 'utf8'));
    } catch {
      continue;
    }
    const parsed = capacityFiguresSchema.safeParse(raw);
    if (!parsed.success) continue;
    for (const [key, json] of fields) {
      const value = parsed.data[json];
      if (value !== undefined) {
        found[key] = value;
        // Relative to the results folder, so a committed cost.json does not depend on where it was made.
        sources[json] = join(recipe, name);
      }
    }
  }
  for (const [key, json] of fields) {
    const value = overrides[key];
    if (value !== undefined) {
      found[key] = value;
      sources[json] = 'flag';
    }
  }
  const missing = fields
    .filter(([key]) => found[key] === undefined && (key !== 'cpuCoresAtThroughput' || needCpu))
    .map(([, json]) => json);
  if (missing.length)
    throw new MissingFiguresError(recipe, missing, `${dir}/*.json with "schema": "gourmetgram.capacity/1"`);
  return Object.freeze({
    throughputRps: found.throughputRps!,
    latencyTargetMs: found.latencyTargetMs!,
    latencyP50Ms: found.latencyP50Ms!,
    coldStartS: found.coldStartS!,
    memoryMiB: found.memoryMiB!,
    cpuCoresAtThroughput: found.cpuCoresAtThroughput,
    sources: Object.freeze(sources),
  });
}
