export { type AugmentOptions, centreView, defaultAugment, randomView } from './augment.js';
export { type CentreCropPlan, centreCropPlan, jpegShrinkOnLoad, type PreprocessSpec } from './centre-crop.js';
export {
  centreCropPixels,
  type DecodedPhoto,
  type EdgeInputType,
  edgeInputTensor,
  flattenOnWhite,
} from './edge-input.js';
export {
  CorruptImageError,
  ImageError,
  ImageTooLargeError,
  ImageTooSmallError,
  UnsupportedImageTypeError,
  type VisionErrorCode,
  visionErrorCodes,
} from './errors.js';
export { type ImageFormat, imageMimeTypes, requireImageFormat, sniffImageFormat } from './image-format.js';
export { decodePixels, type ImageHeader, jpegDataMissing, readImageHeader } from './image-header.js';
export { type DecodedJpeg, decodeJpegDirect, libjpegAvailable } from './jpeg-decoder.js';
export {
  type DecodeLimits,
  type DecodeOptions,
  decodeLimits,
  defaultDecodeLimits,
  type ImageView,
  imageToPixels,
  imageToTensor,
  inspectImage,
  type PreprocessedImage,
  type PreprocessedPixels,
  type TensorTarget,
  tensorLength,
  writeNormalisedChw,
} from './preprocess.js';
export {
  boxShrink,
  boxShrinkAxis,
  enlargeAxis,
  type PixelImage,
  reduceAxis,
  resizeLikeSharp,
} from './resample.js';
