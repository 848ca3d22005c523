import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Embeddings on disk, one small file per key. A key hashes everything that changes the numbers: the image
 * bytes, the embedding model, the preprocessing and the view, so a stale entry can never be read back.
 */
export class EmbeddingCache {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  static key(...parts: readonly unknown[]): string {
    const hash = createHash('sha256');
    for (const part of parts)
      hash.update(typeof part === 'string' ? part : JSON.stringify(part)).update('\0');
    return hash.digest('hex');
  }

  async get(key: string, width: number): Promise<Float32Array | undefined> {
    try {
      const bytes = await readFile(this.pathOf(key));
      if (bytes.length !== width * 4) return undefined;
      return new Float32Array(bytes.buffer, bytes.byteOffset, width);
    } catch {
      return undefined;
    }
  }

  async put(key: string, embedding: Float32Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    const partial = `${path}.${process.pid}.partial`;
    await writeFile(partial, new Uint8Array(embedding.buffer, embedding.byteOffset, embedding.byteLength));
    await rename(partial, path);
  }

  private pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.f32`);
  }
}
