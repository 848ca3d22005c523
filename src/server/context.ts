import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdmissionTicket, Prediction } from '../inference/index.js';
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
}

export type ClassifyInput =
  | { readonly kind: 'image'; readonly bytes: Uint8Array }
  | { readonly kind: 'tensor'; readonly data: Float32Array };

const tickets = new WeakMap<FastifyRequest, AdmissionTicket>();

/**
 * An `onRequest` hook that reserves the request's place in the serving pool before its body is read: when
 * the queue is full the client gets 429 at once and its body is discarded unread, so memory is bounded by
 * the queue, not by how many clients are uploading. The place is given back when the response ends.
 */
export function admitBeforeBody(context: ServerContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const classifier = context.manager.current;
    if (!classifier || context.state.draining)
      throw new ServerError('GG_ERR_NOT_READY', 503, 'model is not ready (loading or draining)');
    const ticket = classifier.admit?.();
    if (!ticket) return;
    tickets.set(request, ticket);
    reply.raw.once('close', () => ticket.release());
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
    throw new ServerError('GG_ERR_NOT_READY', 503, 'model is not ready (loading or draining)');
  const controller = new AbortController();
  const options = { signal: controller.signal, admission: tickets.get(request) };
  // A client that hangs up frees its queue slot instead of being computed for nobody.
  const onClose = () => {
    if (!request.raw.complete || !request.socket.writable) controller.abort();
  };
  request.socket.once('close', onClose);
  context.metrics.inFlight.inc();
  try {
    let prediction: Prediction;
    if (input.kind === 'image') prediction = await classifier.classify(input.bytes, options);
    else if (classifier.classifyTensor) prediction = await classifier.classifyTensor(input.data, options);
    else
      throw new ServerError(
        'GG_ERR_NO_TENSOR_INPUT',
        400,
        'this serving mode takes photos only (BYTES input)',
      );
    context.metrics.observePrediction(prediction);
    return prediction;
  } finally {
    context.metrics.inFlight.dec();
    request.socket.off('close', onClose);
  }
}
