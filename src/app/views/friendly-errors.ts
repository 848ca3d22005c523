/**
 * What a visitor reads when an upload fails: plain words, never a decoder's message (libvips' "VipsJpeg:
 * premature end of JPEG file" helps nobody). Pure, so the upload page's JavaScript (web/) shows the same
 * sentences as the server-rendered error page.
 */
const byCode: Readonly<Record<string, string>> = {
  GG_ERR_IMAGE_CORRUPT:
    'We could not open that photo: the file looks damaged or incomplete. Try saving it again, or pick another one.',
  GG_ERR_IMAGE_TYPE: 'That file is not a photo we can read. Please choose a JPEG, PNG or WebP image.',
  GG_ERR_IMAGE_PIXELS:
    'That photo has more pixels than we accept. A smaller copy (under 50 megapixels) will do.',
  GG_ERR_IMAGE_SMALL: 'That image is too small to tell what is on the plate. Please choose a larger photo.',
  GG_ERR_UPLOAD_SIZE: 'That file is too big to upload. A smaller copy of the photo will do.',
  GG_ERR_RATE_LIMIT: 'You are sharing faster than we can keep up. Wait a minute, then try again.',
};

/** A sentence for the visitor, from an error's code and status; `fallback` where we have nothing better. */
export function friendlyError(code: string | undefined, status: number, fallback: string): string {
  const known = code ? byCode[code] : undefined;
  if (known) return known;
  if (status === 413) return byCode.GG_ERR_UPLOAD_SIZE!;
  if (status === 429) return byCode.GG_ERR_RATE_LIMIT!;
  if (status === 503) return 'The kitchen is very busy right now. Please try again in a few seconds.';
  if (status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
  if (status === 0) return 'The upload did not reach us. Check your connection and try again.';
  return fallback;
}
