import { CodedError } from '../core/index.js';

/** Errors of the monitoring domain (log, reference, reports). */
export class MonitoringError extends CodedError {}

/** No reference is saved for this model version, so drift cannot be measured against anything. */
export class ReferenceMissingError extends MonitoringError {
  constructor(path: string, cause?: unknown) {
    super(
      'GG_ERR_REFERENCE_MISSING',
      404,
      `no drift reference at ${path}; make one with 'gourmetgram monitor reference --recipe <name>'`,
      { cause },
    );
  }
}

/** A reference file that does not parse or does not fit the model it claims. */
export class ReferenceInvalidError extends MonitoringError {
  constructor(path: string, reason: string) {
    super('GG_ERR_REFERENCE_INVALID', 422, `drift reference ${path} is invalid: ${reason}`);
  }
}

/** A setting outside its range (window too small, alpha outside (0, 1), …). */
export class MonitorSettingError extends MonitoringError {
  constructor(message: string) {
    super('GG_ERR_MONITOR_SETTING', 400, message);
  }
}
