import { codedErrorBase, type ErrorCatalogue } from '../core/index.js';

/** Codes of the ablation study. */
export const studyErrorCodes = {
  GG_ERR_STUDY: { status: 400, summary: 'the study cannot run as asked (no trained head, too few photos)' },
} as const satisfies ErrorCatalogue;

/** The study cannot run as asked (no trained head for its serving rows, a dataset too small for --quick). */
export class StudyError extends codedErrorBase(studyErrorCodes) {
  constructor(message: string, options?: { cause?: unknown }) {
    super('GG_ERR_STUDY', message, options);
  }
}
