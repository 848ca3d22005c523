export { buildApp } from './app.js';
export { type AppOptions, appDefaults } from './app-context.js';
export { type BlobStore, FolderBlobStore } from './blob-store.js';
export { adminVoter, shownCategory, type Vote } from './correction-votes.js';
export { correctionsCsv, exportCorrectionsFolder } from './corrections-export.js';
export { type DatabaseHandle, type DatabaseOptions, openDatabase } from './database.js';
export { isDatabaseUnavailable, isStorageFull, toAppError } from './error-mapping.js';
export {
  AppError,
  appErrorCodes,
  BadUploadError,
  CategoryNotFoundError,
  CsrfError,
  DatabaseUnavailableError,
  NotAllowedError,
  PhotoNotFoundError,
  RateLimitedError,
  StorageFullError,
  UnknownCategoryError,
  UploadTooLargeError,
} from './errors.js';
export { html, raw, SafeHtml } from './html.js';
export { type Correction, type Page, type Photo, PhotoRepository } from './photo-repository.js';
export { PhotoService } from './photo-service.js';
export { type RescoreOptions, type RescoreReport, rescoreLibrary } from './rescore.js';
export { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';
export { type AppConfig, type RunningApp, startApp } from './start-app.js';
export { type RecoveryReport, recoverStorage } from './storage-recovery.js';
