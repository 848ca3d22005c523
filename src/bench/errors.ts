import { codedErrorBase, type ErrorCatalogue } from '../core/index.js';

/** Codes of the benchmarks. */
export const benchErrorCodes = {
  GG_ERR_BENCH_SETUP: { status: 400, summary: 'a benchmark without what it needs (photos, a trained head)' },
  GG_ERR_BENCH_SERVER: { status: 500, summary: 'the server under test would not start or died' },
  GG_ERR_BENCH_SIEGE: { status: 500, summary: 'siege failed or printed no summary' },
} as const satisfies ErrorCatalogue;

/** A benchmark that cannot run as asked (no photos, the server would not start, a client tool failed). */
export class BenchError extends codedErrorBase(benchErrorCodes) {}
