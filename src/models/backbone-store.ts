import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BackboneSpec } from './backbone-spec.js';
import { BackboneIntegrityError, BackboneUnavailableError } from './errors.js';

export interface BackboneStoreOptions {
  /** A folder holding the backbone files, for machines without internet (GOURMETGRAM_MODEL_MIRROR). */
  readonly mirrorDir?: string | undefined;
  /** Where downloads are kept. */
  readonly cacheDir: string;
  /** Injected for tests against a local server; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
  readonly onProgress?: (received: number, total: number) => void;
}

export interface ResolvedBackbone {
  readonly path: string;
  readonly source: 'mirror' | 'cache' | 'download';
}

/**
 * Finds a backbone file: the mirror folder first, then the cache, else downloads it from upstream. Every file
 * is checked against the pinned SHA-256 before use; a download is written to a temporary name and renamed only
 * once its hash matches, so the cache never holds a half-written file.
 */
export async function resolveBackbone(
  spec: BackboneSpec,
  options: BackboneStoreOptions,
): Promise<ResolvedBackbone> {
  if (options.mirrorDir) {
    const path = join(options.mirrorDir, spec.file);
    if (await exists(path)) {
      await verifyFile(path, spec);
      return { path, source: 'mirror' };
    }
  }
  const cached = join(options.cacheDir, spec.file);
  if (await exists(cached)) {
    try {
      await verifyFile(cached, spec);
      return { path: cached, source: 'cache' };
    } catch (error) {
      // A damaged cache entry is ours to replace; a damaged mirror is the operator's and is reported above.
      if (!(error instanceof BackboneIntegrityError)) throw error;
      await rm(cached, { force: true });
    }
  }
  await download(spec, cached, options);
  return { path: cached, source: 'download' };
}

async function download(spec: BackboneSpec, target: string, options: BackboneStoreOptions): Promise<void> {
  await mkdir(options.cacheDir, { recursive: true });
  const partial = `${target}.${process.pid}.${Date.now()}.partial`;
  const fetchImpl = options.fetch ?? fetch;
  try {
    let response: Response;
    try {
      response = await fetchImpl(spec.url, { redirect: 'follow', signal: AbortSignal.timeout(120_000) });
    } catch (cause) {
      throw new BackboneUnavailableError(spec.name, spec.url, spec.file, cause);
    }
    if (!response.ok || !response.body)
      throw new BackboneUnavailableError(
        spec.name,
        spec.url,
        spec.file,
        new Error(`HTTP ${response.status}`),
      );
    const hash = createHash('sha256');
    let received = 0;
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      received += chunk.length;
      options.onProgress?.(received, spec.bytes);
    });
    try {
      await pipeline(body, createWriteStream(partial));
    } catch (cause) {
      throw new BackboneUnavailableError(spec.name, spec.url, spec.file, cause);
    }
    const actual = hash.digest('hex');
    if (actual !== spec.sha256 || received !== spec.bytes)
      throw new BackboneIntegrityError(spec.url, spec.sha256, actual, received, spec.bytes);
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
}

/** Throws {@link BackboneIntegrityError} unless the file's size and SHA-256 match the description. */
export async function verifyFile(path: string, spec: BackboneSpec): Promise<void> {
  const { size } = await stat(path);
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  const actual = hash.digest('hex');
  if (actual !== spec.sha256 || size !== spec.bytes)
    throw new BackboneIntegrityError(path, spec.sha256, actual, size, spec.bytes);
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
