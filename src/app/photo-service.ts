import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Classifier, Prediction } from '../inference/index.js';
import {
  measureImage,
  type PredictionRecord,
  ProjectionRegistry,
  predictionRecord,
} from '../monitoring/index.js';
import { type DecodeLimits, inspectImage, requireImageFormat } from '../vision/index.js';
import type { BlobStore } from './blob-store.js';
import { shownCategory } from './correction-votes.js';
import { isStorageFull } from './error-mapping.js';
import { PhotoNotFoundError, UnknownCategoryError } from './errors.js';
import { type ImageSizes, prepareStoredImages } from './photo-image.js';
import type { Page, Photo, PhotoRepository } from './photo-repository.js';

export interface UploadInput {
  readonly bytes: Uint8Array;
  readonly caption: string | undefined;
  readonly ownerHash: string;
  readonly signal?: AbortSignal;
}

export interface PhotoServiceOptions {
  readonly decodeLimits: DecodeLimits;
  readonly imageSizes: ImageSizes;
  /** Names this app's pending blob rows (see PendingBlobTable); one per data folder. */
  readonly instance: string;
  /** Agreeing votes that move a photo to another category for everyone (see shownCategory). */
  readonly correctionQuorum: number;
  readonly now?: () => Date;
  /** Projects embeddings for the prediction log with each model version's seed. */
  readonly projections?: ProjectionRegistry;
  /** Told of every prediction-log record once it is stored, with the photo (metrics, shadow mode). */
  readonly onLogged?: (record: PredictionRecord, bytes: Uint8Array) => void;
}

/**
 * The upload path and everything else that changes photos. An upload is classified and re-encoded first; only
 * a photo that got both is written (blobs, then rows), and a failed row write removes its blobs, so a failure
 * leaves neither an orphan file nor a dangling row.
 */
export class PhotoService {
  private readonly now: () => Date;
  private readonly projections: ProjectionRegistry;

  constructor(
    readonly classifier: Classifier,
    readonly photos: PhotoRepository,
    readonly blobs: BlobStore,
    private readonly options: PhotoServiceOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.projections = options.projections ?? new ProjectionRegistry();
  }

  get categories(): readonly string[] {
    return this.classifier.info().classes;
  }

  async upload(input: UploadInput): Promise<Photo> {
    // Header checks first: the wrong type (415) or a decompression bomb (422) costs no decoding at all.
    const format = requireImageFormat(input.bytes);
    await inspectImage(input.bytes, this.options.decodeLimits);
    const started = performance.now();
    const classified = this.classifier
      .classify(input.bytes, input.signal ? { signal: input.signal } : {})
      .then((prediction) => ({ prediction, latencyMs: performance.now() - started }));
    const [{ prediction, latencyMs }, images, imageStats] = await Promise.all([
      classified,
      prepareStoredImages(input.bytes, format, this.options.decodeLimits, this.options.imageSizes),
      // Monitoring's numbers (no bytes kept); a photo it cannot measure still uploads, just without them.
      measureImage(input.bytes).catch(() => null),
    ]);
    const id = randomBytes(10).toString('hex');
    const stamp = this.now();
    const day = stamp.toISOString().slice(0, 10).replaceAll('-', '/');
    const photo = toPhoto(id, prediction, {
      createdAt: stamp.toISOString(),
      caption: cleanCaption(input.caption),
      ownerHash: input.ownerHash,
      imageKey: `photos/${day}/${id}.${images.extension}`,
      thumbKey: `thumbs/${day}/${id}.jpg`,
      mime: images.mime,
      width: images.width,
      height: images.height,
      bytes: images.image.length,
      latencyMs,
    });
    const keys = [photo.imageKey, photo.thumbKey];
    // Recorded before the first byte is written: a process killed anywhere below leaves a row that start-up
    // recovery (recoverBlobs) follows to delete the blobs, so no orphan outlives a restart.
    await this.photos.reserveBlobs(keys, this.options.instance, stamp.toISOString());
    try {
      await this.blobs.put(photo.imageKey, images.image, images.mime);
      await this.blobs.put(photo.thumbKey, images.thumb, 'image/jpeg');
      const record = predictionRecord(prediction, {
        time: stamp,
        source: 'app',
        photoId: id,
        latencyMs,
        image: imageStats,
        projection: prediction.embedding
          ? this.projections.for(prediction.model, prediction.version, prediction.embedding.length)
          : undefined,
      });
      await this.photos.insert(photo, record);
      this.options.onLogged?.(record, input.bytes);
    } catch (error) {
      await Promise.allSettled(keys.map((key) => this.blobs.delete(key)));
      await this.photos.releaseBlobs(keys).catch(() => undefined);
      throw error;
    }
    return photo;
  }

  async get(id: string): Promise<Photo> {
    const photo = await this.photos.get(id);
    if (!photo) throw new PhotoNotFoundError(id);
    return photo;
  }

  list(category: string | undefined, page: number, pageSize: number): Promise<Page<Photo>> {
    return this.photos.list({ category, page, pageSize });
  }

  /** A visitor's vote for a photo's category; returns the photo with the category it now shows. */
  async vote(id: string, voterHash: string, category: string): Promise<Photo> {
    if (!this.categories.includes(category)) throw new UnknownCategoryError(category);
    const photo = await this.get(id);
    const quorum = this.options.correctionQuorum;
    const shown = await this.photos.vote(photo, voterHash, category, this.now().toISOString(), (votes) =>
      shownCategory(photo.predictedCategory, photo.ownerHash, votes, quorum),
    );
    return { ...photo, category: shown };
  }

  /**
   * Rows first, with the blob keys recorded as pending in the same transaction: a crash between the steps
   * leaves neither a row pointing at nothing nor an orphan after recovery. On a full disk the transaction
   * cannot be written, so the bytes go first: deleting is how an operator frees space, and must not fail then.
   */
  async delete(photo: Photo): Promise<void> {
    const keys = [photo.imageKey, photo.thumbKey];
    try {
      await this.photos.delete(photo.id, {
        keys,
        instance: this.options.instance,
        at: this.now().toISOString(),
      });
    } catch (error) {
      if (!isStorageFull(error)) throw error;
      await Promise.all(keys.map((key) => this.blobs.delete(key)));
      await this.photos.delete(photo.id);
      return;
    }
    await Promise.all(keys.map((key) => this.blobs.delete(key)));
    await this.photos.releaseBlobs(keys);
  }
}

const maxCaption = 280;

/** Captions are stored as typed (escaping happens when they are shown), minus control characters. */
export function cleanCaption(caption: string | undefined): string | null {
  if (caption === undefined) return null;
  // Control characters and bidi overrides (which can disguise text) become spaces; emoji joiners stay.
  const cleaned = caption
    .replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxCaption);
  return cleaned.length > 0 ? cleaned : null;
}

function toPhoto(
  id: string,
  prediction: Prediction,
  rest: Omit<
    Photo,
    'id' | 'category' | 'predictedCategory' | 'confidence' | 'top' | 'model' | 'modelVersion'
  >,
): Photo {
  return {
    id,
    category: prediction.category,
    predictedCategory: prediction.category,
    confidence: prediction.confidence,
    top: prediction.top.map((s) => ({ category: s.category, confidence: s.confidence })),
    model: prediction.model,
    modelVersion: prediction.version,
    ...rest,
  };
}
