import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createHttpMetrics, secondsBuckets } from '../http/index.js';
import type { PoolObserver, PoolStats, Prediction } from '../inference/index.js';

const batchBuckets = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64];

/** The server's Prometheus metrics, in a registry of their own (so tests can build many servers). */
export interface ServerMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'route' | 'code'>;
  readonly e2e: Histogram<'route'>;
  readonly inFlight: Gauge;
  readonly observer: PoolObserver;
  observePrediction(prediction: Prediction): void;
  modelLoaded(version: number, seconds: number): void;
}

export function createMetrics(stats: () => PoolStats | undefined): ServerMetrics {
  const { registry, requests, e2e } = createHttpMetrics();
  const histogram = <Label extends string = never>(name: string, help: string, labelNames: Label[] = []) =>
    new Histogram<Label>({ name, help, labelNames, buckets: secondsBuckets, registers: [registry] });
  const queue = histogram(
    'gourmetgram_queue_duration_seconds',
    'Time a request waited in the batching queue',
  );
  const preprocess = histogram(
    'gourmetgram_preprocess_duration_seconds',
    'Decode and preprocess time of one image',
  );
  const inference = histogram(
    'gourmetgram_inference_duration_seconds',
    "ONNX Runtime time of one batch, by session: the recipe's, or the lone photo's wider one",
    ['session'],
  );
  const batchSize = new Histogram({
    name: 'gourmetgram_batch_size',
    help: 'Requests per computed batch',
    buckets: batchBuckets,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'gourmetgram_inflight_requests',
    help: 'Classification requests being handled',
    registers: [registry],
  });
  registerPoolGauges(registry, stats);
  const modelLoad = new Gauge({
    name: 'gourmetgram_model_load_seconds',
    help: 'Time the serving model version took to load and warm up',
    labelNames: ['version'] as const,
    registers: [registry],
  });
  const workerLoad = histogram(
    'gourmetgram_worker_start_seconds',
    'Time one worker took to load its session',
  );
  const workerExits = new Counter({
    name: 'gourmetgram_worker_exits_total',
    help: 'Worker threads ended, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return {
    registry,
    requests,
    e2e,
    inFlight,
    observer: {
      batch(size, inferMs, session) {
        batchSize.observe(size);
        inference.observe({ session }, inferMs / 1000);
      },
      workerStarted: (loadMs) => workerLoad.observe(loadMs / 1000),
      workerExited: (reason) => workerExits.inc({ reason }),
    },
    observePrediction(prediction) {
      queue.observe(prediction.timings.queue_ms / 1000);
      preprocess.observe(prediction.timings.decode_ms / 1000);
    },
    modelLoaded(version, seconds) {
      modelLoad.reset();
      modelLoad.set({ version: String(version) }, seconds);
    },
  };
}

/** Gauges read from the pool when scraped. */
function registerPoolGauges(registry: Registry, stats: () => PoolStats | undefined): void {
  new Gauge({
    name: 'gourmetgram_queue_depth',
    help: 'Requests waiting for a batch',
    registers: [registry],
    collect() {
      this.set(stats()?.queueDepth ?? 0);
    },
  });
  new Gauge({
    name: 'gourmetgram_workers',
    help: 'Inference worker threads running',
    registers: [registry],
    collect() {
      this.set(stats()?.instances ?? 0);
    },
  });
}
