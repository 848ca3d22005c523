import ort from 'onnxruntime-node';
import { ModelGraphError } from './errors.js';

/** The ONNX Runtime adapter: the only file that touches onnxruntime-node. */
export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface SessionOptions {
  readonly intraOpThreads: number;
  readonly graphOptimizationLevel: GraphOptimizationLevel;
  /**
   * Stop the intra-op threads spinning when a run ends (ONNX Runtime's session.force_spinning_stop): they
   * spin between the graph's parallel sections, as they must to gain anything, but not between runs, where
   * they would take the core from the other workers.
   */
  readonly stopSpinningAfterRun?: boolean;
}

export const defaultSessionOptions: SessionOptions = Object.freeze({
  intraOpThreads: 1,
  graphOptimizationLevel: 'all',
});

export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs one batch: a float32 NCHW tensor in, named float32 outputs back with their dims. */
  run(
    input: Float32Array,
    dims: readonly number[],
  ): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>>;
  release(): Promise<void>;
}

export async function createOnnxSession(
  model: Uint8Array | string,
  options: SessionOptions = defaultSessionOptions,
): Promise<OnnxSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: options.graphOptimizationLevel,
    executionMode: 'sequential',
    ...(options.stopSpinningAfterRun ? { extra: { session: { force_spinning_stop: '1' } } } : {}),
  };
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model, sessionOptions)
      : await ort.InferenceSession.create(model, sessionOptions);
  const inputName = session.inputNames[0];
  if (!inputName || session.inputNames.length !== 1)
    throw new ModelGraphError(`expected one model input, found ${session.inputNames.join(', ')}`);
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(input, dims) {
      const feeds = { [inputName]: new ort.Tensor('float32', input, dims as number[]) };
      const results = await session.run(feeds);
      const out: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
      for (const [name, tensor] of Object.entries(results)) {
        out[name] = { data: tensor.data as Float32Array, dims: tensor.dims };
      }
      return out;
    },
    release: () => session.release(),
  };
}
