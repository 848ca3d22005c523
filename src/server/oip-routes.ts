import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { addBufferBodyParser } from '../http/index.js';
import {
  encodeInferBody,
  float32Bytes,
  type InferOutput,
  type ModelIo,
  type ModelSource,
  OipRequestError,
  type Prediction,
  parseInferBody,
  readInputs,
  tritonConfig,
} from '../inference/index.js';
import { admitBeforeBody, type ClassifyInput, classifyOne, type ServerContext } from './context.js';
import { ModelNotFoundError } from './errors.js';

/** Input names: the encoded photo (decoded by the server) and the ready tensor the ONNX graph takes. */
export const photoInput = 'image_bytes';
export const tensorInput = 'image';

const modelParams = {
  type: 'object',
  properties: { name: { type: 'string' }, version: { type: 'string', pattern: '^[0-9]+$' } },
  required: ['name'],
} as const;

interface ModelParams {
  name: string;
  version?: string;
}

type ModelRequest = FastifyRequest<{ Params: ModelParams }>;
type InferRequest = ReturnType<typeof parseInferBody>['request'];

/**
 * Open Inference Protocol v2 REST: server and model health and metadata, a Triton-style model config, and
 * inference with JSON tensors or the binary tensor extension.
 */
export function oipRoutes(context: ServerContext): FastifyPluginAsync {
  return async (app) => {
    healthRoutes(app, context);
    modelRoutes(app, context);
    inferRoutes(app, context);
  };
}

function healthRoutes(app: FastifyInstance, { manager, state }: ServerContext): void {
  app.get('/v2', async () => ({
    name: 'gourmetgram',
    version: '0.1.0',
    extensions: ['binary_tensor_data', 'model_repository'],
  }));
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_request, reply) => {
    const ready = manager.ready() && !state.draining;
    return reply.code(ready ? 200 : 503).send({ ready });
  });
}

/** The model a request names, or a 404. */
function resolveModel({ manager }: ServerContext, params: ModelParams): ModelSource {
  const classifier = manager.current;
  if (params.name !== manager.name || !classifier) throw new ModelNotFoundError(`model '${params.name}'`);
  if (params.version !== undefined && Number(params.version) !== classifier.model.version)
    throw new ModelNotFoundError(
      `version ${params.version} of model '${params.name}' (serving ${classifier.model.version})`,
    );
  return classifier.model;
}

/** The tensors this server takes and gives: the encoded photo beside the graph's own input. */
function servedIo(model: ModelSource): ModelIo {
  const { size } = model.preprocess;
  return {
    inputs: [
      { name: photoInput, dataType: 'TYPE_STRING', dims: ['batch', 1] },
      { name: tensorInput, dataType: 'TYPE_FP32', dims: ['batch', 3, size, size] },
    ],
    outputs: [
      { name: 'probabilities', dataType: 'TYPE_FP32', dims: ['batch', model.classes.length] },
      { name: 'embedding', dataType: 'TYPE_FP32', dims: ['batch', -1] },
    ],
  };
}

function modelRoutes(app: FastifyInstance, context: ServerContext): void {
  const { manager, recipe, state } = context;
  const metadata = async (request: ModelRequest) => {
    const model = resolveModel(context, request.params);
    const { size } = model.preprocess;
    return {
      name: manager.name,
      versions: (await manager.versions()).map(String),
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: photoInput, datatype: 'BYTES', shape: [-1] },
        { name: tensorInput, datatype: 'FP32', shape: [-1, 3, size, size] },
      ],
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [-1, model.classes.length] },
        { name: 'embedding', datatype: 'FP32', shape: [-1, -1] },
      ],
      parameters: { classes: model.classes, version: model.version },
    };
  };
  const ready = async (request: ModelRequest, reply: FastifyReply) => {
    resolveModel(context, request.params);
    const isReady = manager.ready() && !state.draining;
    return reply.code(isReady ? 200 : 503).send({ name: manager.name, ready: isReady });
  };
  const config = async (request: ModelRequest) =>
    tritonConfig(recipe, manager.name, servedIo(resolveModel(context, request.params)));
  for (const prefix of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    app.get<{ Params: ModelParams }>(prefix, { schema: { params: modelParams } }, metadata);
    app.get<{ Params: ModelParams }>(`${prefix}/ready`, { schema: { params: modelParams } }, ready);
    app.get<{ Params: ModelParams }>(`${prefix}/config`, { schema: { params: modelParams } }, config);
  }
}

function inferRoutes(app: FastifyInstance, context: ServerContext): void {
  const serving = context.recipe.serving;
  // The body is read as bytes whatever its type: a JSON header may be followed by binary tensors.
  app.removeAllContentTypeParsers();
  addBufferBodyParser(app, '*', serving.max_body_bytes);
  const infer = async (request: ModelRequest, reply: FastifyReply) => {
    const model = resolveModel(context, request.params);
    if (!Buffer.isBuffer(request.body) || request.body.length === 0)
      throw new OipRequestError('empty body: send an inference request');
    const lengthHeader = request.headers['inference-header-content-length'];
    const { request: body, binary } = parseInferBody(
      request.body,
      lengthHeader === undefined ? undefined : Number(lengthHeader),
    );
    const inputs = classifyInputs(body, readInputs(body, binary), model);
    if (inputs.length > serving.max_batch_size)
      throw new OipRequestError(`${inputs.length} elements exceed max_batch_size ${serving.max_batch_size}`);
    const predictions = await Promise.all(inputs.map((input) => classifyOne(context, input, request)));
    return sendInferResponse(reply, body, predictions, model.classes.length);
  };
  const inferOptions = { onRequest: admitBeforeBody(context), schema: { params: modelParams } };
  app.post<{ Params: ModelParams }>('/v2/models/:name/infer', inferOptions, infer);
  app.post<{ Params: ModelParams }>('/v2/models/:name/versions/:version/infer', inferOptions, infer);
}

/** The request's one input as photos or ready tensors, each element one classification. */
function classifyInputs(
  body: InferRequest,
  values: ReturnType<typeof readInputs>,
  model: ModelSource,
): ClassifyInput[] {
  if (values.size !== 1)
    throw new OipRequestError(`send exactly one input: '${photoInput}' (BYTES) or '${tensorInput}' (FP32)`);
  const [name, value] = [...values][0]!;
  const inputs: ClassifyInput[] = [];
  if (name === photoInput && value.datatype === 'BYTES')
    inputs.push(...value.elements.map((bytes: Uint8Array) => ({ kind: 'image' as const, bytes })));
  else if (name === tensorInput && value.datatype === 'FP32') {
    const shape = body.inputs[0]!.shape;
    const { size } = model.preprocess;
    const per = 3 * size * size;
    if (shape.length !== 4 || shape.slice(1).join() !== [3, size, size].join())
      throw new OipRequestError(`input ${tensorInput} must have shape [N,3,${size},${size}], got [${shape}]`);
    for (let i = 0; i < shape[0]!; i++)
      inputs.push({ kind: 'tensor', data: value.values.subarray(i * per, (i + 1) * per) });
  } else
    throw new OipRequestError(
      `unknown input '${name}' of type ${value.datatype}: send '${photoInput}' (BYTES) or '${tensorInput}' (FP32)`,
    );
  if (inputs.length === 0) throw new OipRequestError('the input holds no elements');
  return inputs;
}

function sendInferResponse(
  reply: FastifyReply,
  request: InferRequest,
  predictions: Prediction[],
  classes: number,
) {
  const first = predictions[0]!;
  const rows = predictions.length;
  const wanted = request.outputs?.map((o) => o.name) ?? ['probabilities', 'embedding'];
  const binaryAll = request.parameters?.binary_data_output === true;
  const tensors: { name: string; values: Float32Array; shape: number[]; binary: boolean }[] = [];
  for (const name of wanted) {
    const binary =
      binaryAll || request.outputs?.find((o) => o.name === name)?.parameters?.binary_data === true;
    if (name === 'probabilities') {
      const values = new Float32Array(rows * classes);
      predictions.forEach((p, row) => {
        if (!p.probabilities) throw new Error('bug: the serving classifier returned no probabilities');
        values.set(p.probabilities, row * classes);
      });
      tensors.push({ name, values, shape: [rows, classes], binary });
    } else if (name === 'embedding') {
      const width = first.embedding?.length ?? 0;
      const values = new Float32Array(rows * width);
      predictions.forEach((p, row) => {
        if (p.embedding) values.set(p.embedding, row * width);
      });
      tensors.push({ name, values, shape: [rows, width], binary });
    } else throw new OipRequestError(`unknown output '${name}': probabilities or embedding`);
  }
  const outputs: InferOutput[] = tensors.map((t) => ({
    name: t.name,
    datatype: 'FP32',
    shape: t.shape,
    ...(t.binary
      ? { parameters: { binary_data_size: t.values.byteLength } }
      : { data: Array.from(t.values) }),
  }));
  const header = {
    model_name: first.model,
    model_version: String(first.version),
    ...(request.id !== undefined ? { id: request.id } : {}),
    ...(rows === 1 ? { parameters: { timings: JSON.stringify(first.timings) } } : {}),
    outputs,
  };
  const binaries = tensors.filter((t) => t.binary).map((t) => float32Bytes(t.values));
  if (binaries.length === 0) return reply.type('application/json').send(header);
  const { body, headerLength } = encodeInferBody(header, binaries);
  return reply
    .type('application/octet-stream')
    .header('inference-header-content-length', headerLength)
    .send(body);
}
