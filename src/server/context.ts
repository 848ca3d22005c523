import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { admitBody } from '../http/index.js';
import type { Prediction } from '../inference/index.js';
import {
  type JsonLinesPredictionLog,
  measureImage,
  type ProjectionRegistry,
  predictionRecord,
} from '../monitoring/index.js';
import type { Recipe } from '../recipes/index.js';
import { ServerError } from './errors.js';
import type { ServerMetrics } from './metrics.js';
import type { ModelManager } from './model-manager.js';

/** What every route plugin shares: the recipe, the serving model, the metrics and the drain flag. */
export interface ServerContext {
  readonly recipe: Recipe;
  readonly manager: ModelManager;
  readonly metrics: ServerMetrics;
  readonly adminToken: string | undefined;
  readonly state: { draining: boolean };
  /** Where every classification is logged for monitoring (JSON lines); none = not logged. */
  readonly predictionLog?: { readonly log: JsonLinesPredictionLog; readonly projections: ProjectionRegistry };
}

export type ClassifyInput =
  | { readonly kind: 'image'; readonly bytes: Uint8Array }
  | { readonly kind: 'tensor'; readonly data: Float32Array };

/**
 * An `onRequest` hook that admits the request into the serving pool before its body is read
 * ({@link admitBody}): when the pool is overloaded the client gets 429 at once.
 */
export function admitBeforeBody(context: ServerContext) {
  const limit = context.recipe.serving.max_body_bytes;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const classifier = context.manager.current;
    if (!classifier || context.state.draining)
      throw new ServerError('GG_ERR_NOT_READY', 'model is not ready (loading or draining)', {
        retryAfterSeconds: 1,
      });
    admitBody(request, reply, (bytes) => classifier.admit?.(bytes), limit);
  };
}

/** Classifies one input with the serving model, keeping the in-flight gauge and stage histograms. */
export async function classifyOne(
  context: ServerContext,
  input: ClassifyInput,
  request: FastifyRequest,
): Promise<Prediction> {
  const classifier = context.manager.current;
  if (!classifier || context.state.draining)
    throw new ServerError('GG_ERR_NOT_READY', 'model is not ready (loading or draining)', {
      retryAfterSeconds: 1,
    });
  const controller = new AbortController();
  const options = { signal: controller.signal };
  // A client that hangs up frees its queue slot instead of being computed for nobody.
  const onClose = () => {
    if (!request.raw.complete || !request.socket.writable) controller.abort();
  };
  request.socket.once('close', onClose);
  context.metrics.inFlight.inc();
  const started = performance.now();
  try {
    let prediction: Prediction;
    if (input.kind === 'image') prediction = await classifier.classify(input.bytes, options);
    else if (classifier.classifyTensor) prediction = await classifier.classifyTensor(input.data, options);
    else throw new ServerError('GG_ERR_NO_TENSOR_INPUT', 'this serving mode takes photos only (BYTES input)');
    context.metrics.observePrediction(prediction);
    if (context.predictionLog)
      logPrediction(context.predictionLog, input, prediction, performance.now() - started);
    return prediction;
  } finally {
    context.metrics.inFlight.dec();
    request.socket.off('close', onClose);
  }
}

/**
 * Logged after the answer is on its way: the image statistics cost one more (shrink-on-load) decode, which
 * must not sit on the request's latency.
 */
function logPrediction(
  target: NonNullable<ServerContext['predictionLog']>,
  input: ClassifyInput,
  prediction: Prediction,
  latencyMs: number,
): void {
  const time = new Date();
  const measured =
    input.kind === 'image' ? measureImage(input.bytes).catch(() => null) : Promise.resolve(null);
  target.log.append(
    measured.then((image) =>
      predictionRecord(prediction, {
        time,
        source: 'server',
        latencyMs,
        image,
        projection: prediction.embedding
          ? target.projections.for(prediction.model, prediction.version, prediction.embedding.length)
          : undefined,
      }),
    ),
  );
}
