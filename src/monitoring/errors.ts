import { codedErrorBase, type ErrorCatalogue } from '../core/index.js';

/** Codes of the monitoring domain (log, reference, reports). */
export const monitoringErrorCodes = {
  GG_ERR_REFERENCE_MISSING: { status: 404, summary: 'no drift reference is saved for this model version' },
  GG_ERR_REFERENCE_INVALID: {
    status: 422,
    summary: 'a drift reference that does not parse or fit its model',
  },
  GG_ERR_MONITOR_SETTING: { status: 400, summary: 'a monitoring setting outside its range' },
} as const satisfies ErrorCatalogue;

/** Errors of the monitoring domain. */
export class MonitoringError extends codedErrorBase(monitoringErrorCodes) {}

/** No reference is saved for this model version, so drift cannot be measured against anything. */
export class ReferenceMissingError extends MonitoringError {
  constructor(path: string, cause?: unknown) {
    super(
      'GG_ERR_REFERENCE_MISSING',
      `no drift reference at ${path}; make one with 'gourmetgram monitor reference --recipe <name>'`,
      { cause },
    );
  }
}

/** A reference file that does not parse or does not fit the model it claims. */
export class ReferenceInvalidError extends MonitoringError {
  constructor(path: string, reason: string) {
    super('GG_ERR_REFERENCE_INVALID', `drift reference ${path} is invalid: ${reason}`);
  }
}

/** A setting outside its range (window too small, alpha outside (0, 1), …). */
export class MonitorSettingError extends MonitoringError {
  constructor(message: string) {
    super('GG_ERR_MONITOR_SETTING', message);
  }
}
