/** A benchmark that cannot run as asked (no photos, the server would not start, a client tool failed). */
export class BenchError extends Error {
  readonly code: string;
  constructor(
    code: 'GG_ERR_BENCH_SETUP' | 'GG_ERR_BENCH_SERVER' | 'GG_ERR_BENCH_SIEGE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BenchError';
    this.code = code;
  }
}
