/** The study cannot run as asked (no trained head for its serving rows, a dataset too small for --quick). */
export class StudyError extends Error {
  readonly code = 'GG_ERR_STUDY';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StudyError';
  }
}
