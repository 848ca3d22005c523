import sharp from 'sharp';

/** Photo-level shifts made from real photos, for validating the detectors (and the end-to-end test). */
export type PhotoShift = 'darkened' | 'blurred' | 'jpeg_q10' | 'darkened_blurred';

export const photoShifts: readonly PhotoShift[] = ['darkened', 'blurred', 'jpeg_q10', 'darkened_blurred'];

/**
 * darkened: pixel values halved (an underexposed phone photo); blurred: Gaussian σ = 3 px at the photo's size
 * (out of focus); jpeg_q10: re-encoded at quality 10 (a messaging app's compression); darkened_blurred: both.
 */
export async function shiftPhoto(bytes: Uint8Array, shift: PhotoShift): Promise<Uint8Array> {
  let image = sharp(bytes).rotate();
  if (shift === 'darkened' || shift === 'darkened_blurred') image = image.linear(0.5, 0);
  if (shift === 'blurred' || shift === 'darkened_blurred') image = image.blur(3);
  return image.jpeg({ quality: shift === 'jpeg_q10' ? 10 : 90 }).toBuffer();
}
