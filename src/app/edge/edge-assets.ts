import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlibConstants } from 'node:zlib';
import type { ModelSource } from '../../inference/index.js';
import type { PreprocessSpec } from '../../vision/index.js';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** One file the browser downloads to classify on its own: content-addressed, so it can be cached for good. */
export interface EdgeFile {
  /** What the page does with it: the ONNX model, ONNX Runtime's JavaScript, or its WebAssembly. */
  readonly role: 'model' | 'runtime' | 'wasm';
  readonly name: string;
  readonly url: string;
  readonly type: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly body: Buffer;
  /** Compressed once, on first use (a 14 MB .wasm costs ~1 s of brotli): brotli and gzip bodies. */
  encoded?: Promise<{ br: Buffer; gzip: Buffer }>;
}

/** `GET /edge/manifest.json`: the model, how to feed it, and the files with their sizes and hashes. */
export interface EdgeManifest {
  readonly model: {
    readonly name: string;
    readonly version: number;
    readonly classes: readonly string[];
    readonly input: string;
    readonly preprocess: PreprocessSpec;
  };
  readonly files: readonly { role: EdgeFile['role']; url: string; bytes: number; sha256: string }[];
}

export interface EdgeAssets {
  readonly manifest: EdgeManifest;
  readonly files: ReadonlyMap<string, EdgeFile>;
}

/**
 * The packaged model plus onnxruntime-web's plain SIMD WebAssembly build (not the WebGPU/JSEP ones), read once
 * and served from our own origin, never a CDN. The bundle build carries its Emscripten glue inside, so the
 * browser needs three files.
 */
export async function loadEdgeAssets(model: ModelSource): Promise<EdgeAssets> {
  const sources: [EdgeFile['role'], string, string, string][] = [
    ['model', model.path, 'model.onnx', 'application/octet-stream'],
    ['runtime', resolvePackageFile('onnxruntime-web/wasm'), 'ort.wasm.mjs', 'text/javascript; charset=utf-8'],
    [
      'wasm',
      resolvePackageFile('onnxruntime-web/ort-wasm-simd-threaded.wasm'),
      'ort-wasm-simd-threaded.wasm',
      'application/wasm',
    ],
  ];
  const files = new Map<string, EdgeFile>();
  for (const [role, path, name, type] of sources) {
    const body = await readFile(path);
    const sha256 = createHash('sha256').update(body).digest('hex');
    const url = `/edge/${sha256.slice(0, 16)}/${name}`;
    files.set(url, { role, name, url, type, bytes: body.length, sha256, body });
  }
  return {
    files,
    manifest: {
      model: {
        name: model.name,
        version: model.version,
        classes: model.classes,
        input: 'image',
        preprocess: model.preprocess,
      },
      files: [...files.values()].map(({ role, url, bytes, sha256 }) => ({ role, url, bytes, sha256 })),
    },
  };
}

/** Brotli (quality 6: within ~3 % of 11 at a fraction of the time) and gzip bodies, made once per file. */
export function encodedBodies(file: EdgeFile): Promise<{ br: Buffer; gzip: Buffer }> {
  file.encoded ??= Promise.all([
    brotli(file.body, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 6,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: file.body.length,
      },
    }),
    gzipAsync(file.body, { level: 9 }),
  ]).then(([br, gz]) => ({ br, gzip: gz }));
  return file.encoded;
}

function resolvePackageFile(specifier: string): string {
  return fileURLToPath(import.meta.resolve(specifier));
}
