import type { BlobStore } from './blob-store.js';
import type { DatabaseHandle } from './database.js';
import { PhotoRepository } from './photo-repository.js';

export interface RecoveryReport {
  /** Blobs deleted because a write or delete was pending when an earlier process died. */
  readonly pendingBlobs: number;
  /** Half-written files removed by the store itself (a folder's `.partial` files). */
  readonly partialFiles: number;
}

/**
 * Start-up recovery, run before the app serves: finishes what a killed process left half-done. Pending keys of
 * this instance are certainly abandoned (the instance is starting); another instance's are only once older than
 * `graceMs`, since with a shared database and bucket that instance may still be writing them.
 */
export async function recoverStorage(
  database: DatabaseHandle,
  blobs: BlobStore,
  instance: string,
  graceMs: number,
  now: Date = new Date(),
): Promise<RecoveryReport> {
  const photos = new PhotoRepository(database);
  const keys = await photos.pendingBlobs(instance, new Date(now.getTime() - graceMs).toISOString());
  for (const key of keys) {
    await blobs.delete(key);
    await photos.releaseBlobs([key]);
  }
  return { pendingBlobs: keys.length, partialFiles: (await blobs.recover?.()) ?? 0 };
}
