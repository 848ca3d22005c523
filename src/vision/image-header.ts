import { type ImageFormat, sniffImageFormat } from './image-format.js';

export interface ImageHeader {
  readonly format: ImageFormat;
  /** As stored, before EXIF orientation: only the pixel count matters to callers. */
  readonly width: number;
  readonly height: number;
  /** EXIF orientation 1–8 of a JPEG (1 when it has none); absent for other formats, which sharp reads. */
  readonly orientation?: number;
}

/**
 * Reads a photo's stored size from its first bytes, synchronously and without libvips, so a scheduler on the
 * main thread can price a request (decode time and memory grow with pixels) before any worker sees it.
 * Returns `undefined` when the bytes hold no readable size; the decoder then gives the precise error.
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  const format = sniffImageFormat(bytes);
  if (!format) return undefined;
  const size = format === 'jpeg' ? jpegSize(bytes) : format === 'png' ? pngSize(bytes) : webpSize(bytes);
  if (!size || size.width < 1 || size.height < 1) return undefined;
  if (format === 'jpeg') return { format, ...size, orientation: jpegOrientation(bytes) };
  return { format, ...size };
}

/**
 * The pixels a photo decodes to on its way to a `target`-pixel shorter side: libjpeg can shrink by 2, 4 or 8
 * while decoding, so a 12-megapixel JPEG costs a 64th of a PNG of the same size.
 */
export function decodePixels(header: ImageHeader, target: number, shrinkOnLoad: boolean): number {
  const pixels = header.width * header.height;
  if (header.format !== 'jpeg' || !shrinkOnLoad) return pixels;
  const shorter = Math.min(header.width, header.height);
  let shrink = 1;
  while (shrink < 8 && shorter / (shrink * 2) >= target) shrink *= 2;
  return Math.ceil(pixels / (shrink * shrink));
}

/**
 * Whether a JPEG holds too few bytes of scan data for the size its header claims: libjpeg fills missing
 * data with grey and reports success, so a 7000² header followed by nothing would classify a flat grey
 * image. Every 8×8 luma block costs at least one bit of Huffman code; a 64th of that leaves room for any
 * real encoder while catching files that stop after the header.
 */
export function jpegDataMissing(bytes: Uint8Array, header: ImageHeader): boolean {
  if (header.format !== 'jpeg') return false;
  const scan = jpegScanOffset(bytes);
  if (scan === undefined) return true;
  const blocks = Math.ceil(header.width / 8) * Math.ceil(header.height / 8);
  return bytes.length - scan < blocks / 64;
}

type Size = { width: number; height: number };

/**
 * The segments of a JPEG before its end: each marker with the offset of its 0xFF and its length field. Fill
 * bytes and stand-alone markers (RSTn, TEM), which carry no length, are stepped over; a byte out of place ends
 * the walk, as does EOI.
 */
function* jpegSegments(bytes: Uint8Array): Generator<{ marker: number; at: number; length: number }> {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    if (marker === 0xd9) return;
    const length = u16(bytes, at + 2);
    yield { marker, at, length };
    at += 2 + length;
  }
}

/** Where the first scan's entropy-coded data begins (after the SOS segment), if there is one. */
function jpegScanOffset(bytes: Uint8Array): number | undefined {
  for (const { marker, at, length } of jpegSegments(bytes)) if (marker === 0xda) return at + 2 + length;
  return undefined;
}

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function jpegSize(bytes: Uint8Array): Size | undefined {
  for (const { marker, at } of jpegSegments(bytes)) {
    if (marker === 0xda || at + 9 >= bytes.length) return undefined;
    // SOF0..SOF15 hold the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: u16(bytes, at + 5), width: u16(bytes, at + 7) };
  }
  return undefined;
}

/**
 * The orientation tag of a JPEG's first Exif APP1 segment, as libvips reads it (a value outside 1–8 counts
 * as 1), so a JPEG's oriented size needs no libvips header pass.
 */
function jpegOrientation(bytes: Uint8Array): number {
  for (const { marker, at, length } of jpegSegments(bytes)) {
    if (marker === 0xda) return 1;
    if (marker === 0xe1 && String.fromCharCode(...bytes.subarray(at + 4, at + 10)) === 'Exif\0\0')
      return exifOrientation(bytes.subarray(at + 10, at + 2 + length));
  }
  return 1;
}

function exifOrientation(tiff: Uint8Array): number {
  if (tiff.length < 8) return 1;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const little = tiff[0] === 0x49;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return 1;
  const entries = view.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return 1;
    if (view.getUint16(entry, little) === 0x0112) {
      const value = view.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

function pngSize(bytes: Uint8Array): Size | undefined {
  if (bytes.length < 24) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function webpSize(bytes: Uint8Array): Size | undefined {
  if (bytes.length < 30) return undefined;
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  const le16 = (at: number) => bytes[at]! | (bytes[at + 1]! << 8);
  const le24 = (at: number) => le16(at) | (bytes[at + 2]! << 16);
  if (chunk === 'VP8X') return { width: le24(24) + 1, height: le24(27) + 1 };
  if (chunk === 'VP8 ') return { width: le16(26) & 0x3fff, height: le16(28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = bytes[21]! | (bytes[22]! << 8) | (bytes[23]! << 16) | (bytes[24]! << 24);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  return undefined;
}
