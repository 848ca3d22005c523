/**
 * The classification worker: downloads the model and ONNX Runtime's WebAssembly from our own origin, checks
 * every byte against the manifest's SHA-256 before use, and classifies photos off the page's thread. Anything
 * missing (WebAssembly SIMD, SubtleCrypto, a file, a hash) answers `unavailable` and the page quietly relies
 * on the server.
 */
import { centreCropPixels, type EdgeInputType, edgeInputTensor } from '../src/vision/edge-input.js';
import type { EdgeManifest, FromEdgeWorker, ToEdgeWorker } from './edge-messages.js';

type Ort = typeof import('onnxruntime-web');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ToEdgeWorker>) => void) | null;
  postMessage(message: FromEdgeWorker): void;
  crossOriginIsolated?: boolean;
};

// The smallest module using a v128 instruction: validates only where WebAssembly SIMD is supported.
const simdProbe = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

interface Loaded {
  readonly ort: Ort;
  readonly session: Session;
  readonly manifest: EdgeManifest;
  readonly inputType: EdgeInputType;
}

let loading: Promise<Loaded> | undefined;

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'load') {
    loading ??= load(message.manifestUrl);
    loading.catch((error: unknown) => scope.postMessage({ type: 'unavailable', reason: describe(error) }));
  } else if (message.type === 'classify') {
    if (!loading) {
      scope.postMessage({ type: 'failed', id: message.id, reason: 'model not loaded' });
      return;
    }
    loading
      .then((loaded) => classify(loaded, message.id, message.photo))
      .catch((error: unknown) =>
        scope.postMessage({ type: 'failed', id: message.id, reason: describe(error) }),
      );
  }
};

async function load(manifestUrl: string): Promise<Loaded> {
  const started = performance.now();
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(simdProbe))
    throw new Error('no WebAssembly SIMD');
  if (!crypto.subtle) throw new Error('no SubtleCrypto (not a secure context)');
  const response = await fetch(manifestUrl, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`manifest: HTTP ${response.status}`);
  const manifest = (await response.json()) as EdgeManifest;
  const fileOf = (role: string) => {
    const file = manifest.files.find((f) => f.role === role);
    if (!file) throw new Error(`manifest lists no ${role}`);
    return file;
  };
  const [model, wasm] = await Promise.all([verified(fileOf('model')), verified(fileOf('wasm'))]);
  // The runtime's JavaScript is checked too; importing its URL again is then served from the HTTP cache.
  await verified(fileOf('runtime'));
  const ort = (await import(fileOf('runtime').url)) as Ort;
  const threads = scope.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = wasm;
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const input = session.inputMetadata.find((m) => m.name === manifest.model.input);
  const inputType: EdgeInputType = input?.isTensor && input.type === 'uint8' ? 'uint8' : 'float32';
  scope.postMessage({
    type: 'ready',
    model: manifest.model.name,
    version: manifest.model.version,
    loadMs: performance.now() - started,
    downloadedBytes: manifest.files.reduce((sum, f) => sum + f.bytes, 0),
    threads,
  });
  return { ort, session, manifest, inputType };
}

async function verified(file: { url: string; bytes: number; sha256: string }): Promise<Uint8Array> {
  const response = await fetch(file.url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${file.url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  if (bytes.length !== file.bytes || hex !== file.sha256) throw new Error(`${file.url}: hash mismatch`);
  return bytes;
}

async function classify(loaded: Loaded, id: number, photo: Blob): Promise<void> {
  const started = performance.now();
  const format = sniff(new Uint8Array(await photo.slice(0, 12).arrayBuffer()));
  // WebP is decoded at a reduced scale by the server's libwebp, which no browser step reproduces.
  if (format !== 'jpeg' && format !== 'png') throw new Error(`not classified in the browser: ${format}`);
  const bitmap = await createImageBitmap(photo, {
    imageOrientation: 'from-image',
    premultiplyAlpha: 'none',
    colorSpaceConversion: 'default',
  });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('no 2D canvas');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  const spec = loaded.manifest.model.preprocess;
  const crop = centreCropPixels(
    { rgba: pixels.data, width: pixels.width, height: pixels.height, format },
    spec,
  );
  const data = edgeInputTensor(crop, spec, loaded.inputType);
  const tensor = new loaded.ort.Tensor(loaded.inputType, data, [1, 3, spec.size, spec.size]);
  const inferStarted = performance.now();
  const outputs = await loaded.session.run({ [loaded.manifest.model.input]: tensor }, ['probabilities']);
  const inferMs = performance.now() - inferStarted;
  const probabilities = Array.from(outputs.probabilities!.data as Float32Array);
  tensor.dispose();
  const top = probabilities
    .map((confidence, i) => ({ category: loaded.manifest.model.classes[i] ?? String(i), confidence }))
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, 3);
  scope.postMessage({
    type: 'result',
    id,
    top,
    probabilities,
    elapsedMs: performance.now() - started,
    inferMs,
  });
}

function sniff(head: Uint8Array): 'jpeg' | 'png' | 'webp' | 'unknown' {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'png';
  if (String.fromCharCode(...head.subarray(8, 12)) === 'WEBP') return 'webp';
  return 'unknown';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
