import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { seededRandom } from '../core/index.js';
import { TraceError } from './errors.js';

/**
 * A day of load: open-loop arrivals (requests per second, one value per step) plus closed-loop phases in which a
 * number of clients each send a request as soon as their previous one is answered.
 */
export const loadTraceSchema = z.strictObject({
  schema: z.literal('gourmetgram.load-trace/1'),
  description: z.string(),
  generator: z
    .strictObject({ command: z.string(), seed: z.number().int(), peak_rps: z.number().positive() })
    .optional(),
  step_s: z.number().int().positive(),
  rps: z.array(z.number().min(0)).nonempty(),
  phases: z.array(
    z.strictObject({
      start_s: z.number().int().min(0),
      duration_s: z.number().int().positive(),
      clients: z.number().int().positive(),
    }),
  ),
});
export type LoadTrace = z.infer<typeof loadTraceSchema>;

/** The trace at one-second resolution, as the cost model replays it. */
export interface LoadSeries {
  /** Open-loop arrivals per second, one value per second. */
  readonly openRps: Float64Array;
  /** Closed-loop clients active in each second. */
  readonly clients: Uint16Array;
}

export async function readLoadTrace(path: string): Promise<LoadTrace> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new TraceError(path, cause instanceof Error ? cause.message : String(cause), { cause });
  }
  const parsed = loadTraceSchema.safeParse(raw);
  if (!parsed.success) throw new TraceError(path, z.prettifyError(parsed.error));
  const duration = parsed.data.rps.length * parsed.data.step_s;
  const late = parsed.data.phases.find((p) => p.start_s + p.duration_s > duration);
  if (late)
    throw new TraceError(path, `a phase at ${late.start_s} s runs past the trace's end (${duration} s)`);
  return parsed.data;
}

/** Expands a trace to one value per second. */
export function traceSeries(trace: LoadTrace): LoadSeries {
  const seconds = trace.rps.length * trace.step_s;
  const openRps = new Float64Array(seconds);
  for (let t = 0; t < seconds; t++) openRps[t] = trace.rps[Math.floor(t / trace.step_s)] ?? 0;
  const clients = new Uint16Array(seconds);
  for (const phase of trace.phases)
    for (let t = phase.start_s; t < Math.min(seconds, phase.start_s + phase.duration_s); t++)
      clients[t]! += phase.clients;
  return { openRps, clients };
}

export interface DailyTraceOptions {
  readonly seed: number;
  /** Height of the evening peak in requests per second (the morning peak is about 0.55 of it). */
  readonly peakRps: number;
  readonly command: string;
}

// Hours and widths (hours) of the daily bumps and their heights relative to the evening peak. The trough
// (0.2 % of the peak, around 04:00) keeps a few requests a minute at night, as a photo community has.
const bumps = [
  { hour: 8.25, width: 0.9, height: 0.55 },
  { hour: 12.75, width: 0.7, height: 0.35 },
  { hour: 19.75, width: 1.4, height: 1 },
] as const;
const trough = 0.002;

/**
 * A 24 h trace at one-minute steps: a morning, a lunchtime and an evening peak with Poisson noise on each
 * minute's count, plus 30 one-minute phases of 20–30 concurrent clients at random minutes of the day.
 */
export function dailyTrace(options: DailyTraceOptions): LoadTrace {
  const random = seededRandom(options.seed);
  const rps: number[] = [];
  for (let minute = 0; minute < 24 * 60; minute++) {
    const hour = minute / 60;
    let shape = trough;
    for (const b of bumps) {
      // Distance around the clock, so the evening bump wraps into the small hours.
      const d = Math.min(Math.abs(hour - b.hour), 24 - Math.abs(hour - b.hour));
      shape += b.height * Math.exp(-0.5 * (d / b.width) ** 2);
    }
    rps.push(poisson(shape * options.peakRps * 60, random) / 60);
  }
  const minutes = new Set<number>();
  // Phases never touch one another, so each is one minute of its own client count.
  while (minutes.size < 30) {
    const m = Math.floor(random() * (24 * 60 - 1));
    if (!minutes.has(m - 1) && !minutes.has(m) && !minutes.has(m + 1)) minutes.add(m);
  }
  const phases = [...minutes]
    .sort((a, b) => a - b)
    .map((m) => ({ start_s: m * 60, duration_s: 60, clients: 20 + Math.floor(random() * 11) }));
  return {
    schema: 'gourmetgram.load-trace/1',
    description:
      'One day of photo uploads: requests per second for each minute (morning, lunchtime and evening peaks, ' +
      'Poisson noise), plus 30 one-minute phases of 20-30 closed-loop concurrent clients.',
    generator: { command: options.command, seed: options.seed, peak_rps: options.peakRps },
    step_s: 60,
    rps: rps as [number, ...number[]],
    phases,
  };
}

/** A Poisson draw: Knuth's method for small means, a rounded normal approximation for large ones. */
function poisson(mean: number, random: () => number): number {
  if (mean > 50) {
    const u = Math.max(random(), 1e-12);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}
