import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Where photo bytes live. Keys are chosen by the app (random, path-safe); the database holds only keys, so a
 * folder on one machine and an S3-compatible bucket behind many replicas are interchangeable.
 */
export interface BlobStore {
  readonly kind: string;
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Returns undefined when there is no such blob. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Deleting a missing blob is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Start-up recovery of the store's own half-written files, for stores one process owns (a folder). Called
   * before the app serves; returns how many it removed.
   */
  recover?(): Promise<number>;
}

const keyPattern = /^[a-z0-9][a-z0-9/_.-]{0,200}$/;

export function assertBlobKey(key: string): void {
  if (!keyPattern.test(key) || key.includes('..') || key.includes('//'))
    throw new Error(`bug: blob key '${key}' is not a safe key`);
}

/** Blobs as files under one folder, each written to a temporary name then renamed, so readers never see half a file. */
export class FolderBlobStore implements BlobStore {
  readonly kind = 'folder';
  constructor(private readonly root: string) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    assertBlobKey(key);
    const target = join(this.root, key);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await writeFile(temp, bytes, { flag: 'wx' });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    assertBlobKey(key);
    try {
      return await readFile(join(this.root, key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    await rm(join(this.root, key), { force: true });
  }

  /** A `.partial` file at start-up is a write a killed process never finished: nobody will rename it. */
  async recover(): Promise<number> {
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch(() => []);
    const partial = entries.filter((e) => e.isFile() && e.name.endsWith('.partial'));
    await Promise.all(partial.map((e) => rm(join(e.parentPath, e.name), { force: true })));
    return partial.length;
  }
}
