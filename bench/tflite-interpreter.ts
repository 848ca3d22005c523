import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { ByteBuffer } from 'flatbuffers';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../src/report/index.js';

interface PageTensor {
  data(): Promise<ArrayLike<number>>;
  dispose(): void;
}
/** The globals the tfjs scripts define in the page (typed here only as far as we use them). */
interface PageGlobals {
  tflite: {
    setWasmPath(path: string): void;
    loadTFLiteModel(url: string, options: { numThreads: number }): Promise<PageModel>;
  };
  tf: { tensor(values: number[], shape: number[], dtype: 'int32'): PageTensor };
  models: Record<string, PageModel>;
}
interface PageModel {
  predict(x: PageTensor): PageTensor;
}

/**
 * TensorFlow Lite's own interpreter, as an independent reference for the converter: the TFLite C++ runtime
 * compiled to WebAssembly (@tensorflow/tfjs-tflite, from the npm registry), run in headless Chromium, since
 * that package only runs in a browser. Models and the runtime are served from a loopback server on port 0.
 */
export class TfliteInterpreter {
  private constructor(
    private readonly browser: Browser,
    private readonly server: Server,
    private readonly page: import('playwright-core').Page,
  ) {}

  /** Starts Chromium and loads each model (key → .tflite bytes) into the interpreter, on one thread. */
  static async start(
    models: Record<string, Uint8Array>,
    executablePath: string | undefined,
  ): Promise<TfliteInterpreter> {
    const require = createRequire(import.meta.url);
    const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
    const files: Record<string, () => Promise<Uint8Array>> = {
      '/': async () => new TextEncoder().encode('<!doctype html><title>tflite</title>'),
      '/tf-core.js': () => readFile(join(packageDir('@tensorflow/tfjs-core'), 'dist/tf-core.min.js')),
      '/tf-backend-cpu.js': () =>
        readFile(join(packageDir('@tensorflow/tfjs-backend-cpu'), 'dist/tf-backend-cpu.min.js')),
      '/tf-tflite.js': () => readFile(join(packageDir('@tensorflow/tfjs-tflite'), 'dist/tf-tflite.min.js')),
    };
    for (const [key, bytes] of Object.entries(models)) files[`/models/${key}.tflite`] = async () => bytes;
    const wasmDir = join(packageDir('@tensorflow/tfjs-tflite'), 'wasm');
    const server = createServer(async (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      const load = path.startsWith('/wasm/') ? () => readFile(join(wasmDir, path.slice(6))) : files[path];
      try {
        if (!load || path.includes('..')) throw new Error('not found');
        const body = await load();
        const type = path.endsWith('.js')
          ? 'text/javascript'
          : path.endsWith('.wasm')
            ? 'application/wasm'
            : '';
        res.writeHead(200, {
          'content-type': type || (path === '/' ? 'text/html' : 'application/octet-stream'),
        });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await launchChromium(executablePath);
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      for (const url of ['/tf-core.js', '/tf-backend-cpu.js', '/tf-tflite.js'])
        await page.addScriptTag({ url });
      await page.evaluate(async (keys) => {
        const g = globalThis as unknown as PageGlobals;
        g.tflite.setWasmPath('/wasm/');
        g.models = {};
        for (const key of keys)
          g.models[key] = await g.tflite.loadTFLiteModel(`/models/${key}.tflite`, { numThreads: 1 });
      }, Object.keys(models));
      return new TfliteInterpreter(browser, server, page);
    } catch (error) {
      await browser.close();
      server.close();
      throw error;
    }
  }

  /**
   * Runs every loaded model on one uint8 NHWC input; returns each model's single output (quantised codes as
   * numbers) by key. One page round trip per input: moving the pixels into the page is the slow part.
   */
  async run(input: Uint8Array, shape: readonly number[]): Promise<Record<string, number[]>> {
    return this.page.evaluate(
      async ({ base64, shape }) => {
        const g = globalThis as unknown as PageGlobals;
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const x = g.tf.tensor(Array.from(bytes), shape, 'int32');
        const out: Record<string, number[]> = {};
        for (const [key, model] of Object.entries(g.models)) {
          const y = model.predict(x);
          out[key] = Array.from(await y.data());
          y.dispose();
        }
        x.dispose();
        return out;
      },
      { base64: Buffer.from(input).toString('base64'), shape: [...shape] },
    );
  }

  async close(): Promise<void> {
    await this.browser.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A copy of a .tflite file whose (single) model output is another tensor: the interpreter only hands out
 * outputs, and the reference must be read at the embedding and the logits. Only the int32 index in the
 * subgraph's `outputs` vector changes, so the arithmetic up to that tensor is untouched.
 */
export function retargetOutput(model: Uint8Array, tensorIndex: number): Uint8Array {
  const bytes = Uint8Array.from(model);
  const bb = new ByteBuffer(bytes);
  const field = (table: number, id: number) => {
    const offset = bb.__offset(table, 4 + 2 * id);
    if (!offset) throw new Error(`field ${id} missing`);
    return table + offset;
  };
  const root = bb.readUint32(0);
  const subgraphs = bb.__vector(field(root, 2)); // Model.subgraphs
  const subgraph = subgraphs + bb.readUint32(subgraphs);
  const outputsField = field(subgraph, 2); // SubGraph.outputs
  if (bb.__vector_len(outputsField) !== 1) throw new Error('expected a model with one output');
  new DataView(bytes.buffer).setInt32(bb.__vector(outputsField), tensorIndex, true);
  return bytes;
}

/** The uint8 NHWC input a quantised TFLite model sees for a float NCHW tensor x: q = round(x / s) + z. */
export function quantiseNchwToNhwc(
  tensor: Float32Array,
  channels: number,
  scale: number,
  zeroPoint: number,
): Uint8Array {
  const plane = tensor.length / channels;
  const out = new Uint8Array(tensor.length);
  for (let c = 0; c < channels; c++)
    for (let i = 0; i < plane; i++)
      out[i * channels + c] = Math.min(
        255,
        Math.max(0, Math.round(tensor[c * plane + i]! / scale) + zeroPoint),
      );
  return out;
}

export interface Agreement {
  readonly maxAbs: number;
  readonly meanAbs: number;
  /** Share of values equal to the reference (same quantised code). */
  readonly exactShare: number;
  readonly cosine: { readonly min: number; readonly mean: number };
  /** Rows whose arg-max matches the reference's. */
  readonly top1Agreement: number;
  readonly rows: number;
}

/** How closely rows of `ours` follow rows of `reference` (each a vector of the same width). */
export function agreement(reference: readonly Float32Array[], ours: readonly Float32Array[]): Agreement {
  let maxAbs = 0;
  let sumAbs = 0;
  let exact = 0;
  let count = 0;
  let top1 = 0;
  const cosines: number[] = [];
  const argmax = (v: Float32Array) => v.reduce((best, x, i) => (x > v[best]! ? i : best), 0);
  for (const [row, ref] of reference.entries()) {
    const mine = ours[row]!;
    let dot = 0;
    let normRef = 0;
    let normMine = 0;
    for (let i = 0; i < ref.length; i++) {
      const d = Math.abs(ref[i]! - mine[i]!);
      maxAbs = Math.max(maxAbs, d);
      sumAbs += d;
      if (d === 0) exact++;
      dot += ref[i]! * mine[i]!;
      normRef += ref[i]! ** 2;
      normMine += mine[i]! ** 2;
    }
    count += ref.length;
    cosines.push(dot / Math.sqrt(normRef * normMine));
    if (argmax(ref) === argmax(mine)) top1++;
  }
  return {
    maxAbs,
    meanAbs: sumAbs / count,
    exactShare: exact / count,
    cosine: { min: Math.min(...cosines), mean: cosines.reduce((a, b) => a + b, 0) / cosines.length },
    top1Agreement: top1,
    rows: reference.length,
  };
}
