import { performance } from 'node:perf_hooks';
import type { Classifier, ClassifierInfo, ClassifyOptions, Prediction } from './classifier.js';
import { ClassifierClosedError, RemoteInferenceError } from './errors.js';
import { encodeBytesElements, encodeInferBody, type InferResponse } from './oip-codec.js';
import { toPrediction } from './prediction.js';

export interface RemoteOptions {
  /** Class names by output index; read from the server's model metadata (`parameters.classes`) when absent. */
  readonly classes?: readonly string[];
  /** The BYTES input that carries the photo. */
  readonly inputName?: string;
  readonly timeoutMs?: number;
}

interface ModelMetadata {
  name: string;
  versions?: string[];
  parameters?: { classes?: string[]; version?: number };
}

/**
 * A {@link Classifier} that asks any Open Inference Protocol v2 server (our `gourmetgram serve`, Triton with a
 * decoding ensemble, KServe) over REST, sending the photo as one BYTES element with the binary extension.
 *
 * @example
 * const classifier = await createRemoteClassifier('http://models:8080', 'food11');
 * const { category } = await classifier.classify(jpegBytes);
 */
export async function createRemoteClassifier(
  url: string,
  model: string,
  options: RemoteOptions = {},
): Promise<Classifier> {
  const base = url.replace(/\/+$/, '');
  const modelUrl = `${base}/v2/models/${encodeURIComponent(model)}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const info = await readModelInfo(modelUrl, model, options.classes, timeoutMs);
  const inputName = options.inputName ?? 'image_bytes';
  let ready = true;
  let closed = false;

  return {
    info: () => info,
    ready: () => ready && !closed,
    close: async () => {
      closed = true;
    },
    async classify(image: Uint8Array, classifyOptions: ClassifyOptions = {}): Promise<Prediction> {
      if (closed) throw new ClassifierClosedError();
      const started = performance.now();
      const { body, headerLength } = encodeImageRequest(image, inputName);
      let response: Response;
      try {
        response = await request(`${modelUrl}/infer`, {
          method: 'POST',
          headers: {
            'content-type': 'application/octet-stream',
            'inference-header-content-length': String(headerLength),
          },
          body,
          signal: requestSignal(timeoutMs, classifyOptions),
        });
        ready = true;
      } catch (error) {
        if (error instanceof RemoteInferenceError && error.statusCode >= 500)
          ready = error.statusCode !== 503;
        throw error;
      }
      const { header, probabilities } = await readProbabilities(response, modelUrl);
      const elapsed = performance.now() - started;
      const timings = header.parameters?.timings ? JSON.parse(String(header.parameters.timings)) : undefined;
      const { classes } = info;
      return toPrediction(
        probabilities.subarray(0, classes.length),
        { name: info.model, version: Number(header.model_version ?? info.version), classes },
        timings ?? { decode_ms: 0, queue_ms: 0, infer_ms: elapsed },
      );
    },
  };
}

/** Name, version and classes from the server's model metadata; classes passed in the options win. */
async function readModelInfo(
  modelUrl: string,
  model: string,
  given: readonly string[] | undefined,
  timeoutMs: number,
): Promise<ClassifierInfo> {
  const metadata = (await request(modelUrl, { signal: AbortSignal.timeout(timeoutMs) }).then((r) =>
    r.json(),
  )) as ModelMetadata;
  const classes = given ?? metadata.parameters?.classes;
  if (!classes?.length)
    throw new RemoteInferenceError(
      502,
      `${modelUrl} lists no classes in its metadata; pass them in the options`,
    );
  const version = metadata.parameters?.version ?? Number(metadata.versions?.at(-1) ?? 1);
  return { model: metadata.name ?? model, version, classes };
}

/** The photo as one BYTES element in binary form, asking for the probabilities back in binary too. */
function encodeImageRequest(image: Uint8Array, inputName: string): { body: Buffer; headerLength: number } {
  const tensor = encodeBytesElements([image]);
  return encodeInferBody(
    {
      inputs: [
        {
          name: inputName,
          shape: [1],
          datatype: 'BYTES',
          parameters: { binary_data_size: tensor.length },
        },
      ],
      outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
    },
    [tensor],
  );
}

/** Aborts at the request's deadline or the client timeout, whichever comes first, or when the caller does. */
function requestSignal(timeoutMs: number, options: ClassifyOptions): AbortSignal {
  const remaining = options.deadline ? options.deadline - performance.now() : timeoutMs;
  const signals = [AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, remaining)))];
  if (options.signal) signals.push(options.signal);
  return AbortSignal.any(signals);
}

/**
 * The JSON header and the probabilities of an OIP response: from the binary section when the server used
 * the extension (tensors follow the header in output order), else from the output's JSON data.
 */
async function readProbabilities(
  response: Response,
  modelUrl: string,
): Promise<{ header: InferResponse; probabilities: Float32Array }> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const length = Number(response.headers.get('inference-header-content-length') ?? bytes.length);
  const header = JSON.parse(Buffer.from(bytes.subarray(0, length)).toString('utf8')) as InferResponse;
  const output = header.outputs.find((o) => o.name === 'probabilities');
  if (!output) throw new RemoteInferenceError(502, `${modelUrl} returned no probabilities output`);
  if (output.parameters?.binary_data_size === undefined)
    return { header, probabilities: Float32Array.from((output.data ?? []) as number[]) };
  let offset = length;
  for (const o of header.outputs) {
    if (o === output) break;
    offset += Number(o.parameters?.binary_data_size ?? 0);
  }
  const size = Number(output.parameters.binary_data_size);
  return { header, probabilities: new Float32Array(bytes.slice(offset, offset + size).buffer) };
}

async function request(url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (cause) {
    const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
    throw new RemoteInferenceError(
      timedOut ? 504 : 502,
      `${url}: ${cause instanceof Error ? cause.message : cause}`,
      {
        cause,
      },
    );
  }
  if (response.ok) return response;
  const text = await response.text();
  let message = text;
  try {
    message = (JSON.parse(text) as { error?: string }).error ?? text;
  } catch {
    // Not JSON: keep the text as it came.
  }
  const retryAfterSeconds = Number(response.headers.get('retry-after')) || undefined;
  throw new RemoteInferenceError(response.status, `${url}: ${message}`, { retryAfterSeconds });
}
