/**
 * Open Inference Protocol v2 (KServe / Triton REST) request and response bodies, including Triton's binary
 * tensor extension: a JSON header of `Inference-Header-Content-Length` bytes followed by raw tensor bytes
 * (little-endian; BYTES elements each prefixed by a 4-byte little-endian length). Pure: no HTTP here.
 */
import { z } from 'zod';
import { OipRequestError } from './errors.js';

export const oipDatatypes = [
  'BOOL',
  'UINT8',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

const parameters = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional();

export const inferInputSchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().min(0)),
  datatype: z.enum(oipDatatypes),
  parameters,
  data: z.array(z.unknown()).optional(),
});

export const inferRequestSchema = z.object({
  id: z.string().optional(),
  parameters,
  inputs: z.array(inferInputSchema).min(1),
  outputs: z.array(z.object({ name: z.string(), parameters })).optional(),
});

export type InferInput = z.infer<typeof inferInputSchema>;
export type InferRequest = z.infer<typeof inferRequestSchema>;

export interface InferOutput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: 'FP32' | 'BYTES';
  readonly parameters?: Record<string, string | number | boolean>;
  readonly data?: readonly (number | string)[];
}

export interface InferResponse {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id?: string;
  readonly parameters?: Record<string, string | number | boolean>;
  readonly outputs: readonly InferOutput[];
}

/** A decoded input tensor: float32 values or BYTES elements. */
export type TensorValue =
  | { readonly datatype: 'FP32'; readonly values: Float32Array }
  | { readonly datatype: 'BYTES'; readonly elements: Uint8Array[] };

/** Splits a request body into its JSON header and the binary section that follows it. */
export function parseInferBody(
  body: Uint8Array,
  headerLength: number | undefined,
): { request: InferRequest; binary: Uint8Array } {
  const length = headerLength ?? body.length;
  if (!Number.isInteger(length) || length < 0 || length > body.length)
    throw new OipRequestError(
      `Inference-Header-Content-Length ${headerLength} does not fit a ${body.length}-byte body`,
    );
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, length).toString('utf8'));
  } catch (cause) {
    throw new OipRequestError(
      `inference request header is not JSON: ${cause instanceof Error ? cause.message : cause}`,
    );
  }
  const parsed = inferRequestSchema.safeParse(json);
  if (!parsed.success)
    throw new OipRequestError(`inference request is not valid: ${z.prettifyError(parsed.error)}`);
  return { request: parsed.data, binary: body.subarray(length) };
}

/**
 * Reads every input's values, in order, from JSON `data` or from the binary section (per `binary_data_size`).
 * BYTES in JSON are base64 strings, since a photo is not text.
 */
export function readInputs(request: InferRequest, binary: Uint8Array): Map<string, TensorValue> {
  const values = new Map<string, TensorValue>();
  let offset = 0;
  for (const input of request.inputs) {
    const count = input.shape.reduce((a, b) => a * b, 1);
    const size = input.parameters?.binary_data_size;
    let value: TensorValue;
    if (size !== undefined) {
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || offset + size > binary.length)
        throw new OipRequestError(`input ${input.name}: binary_data_size ${size} runs past the body`);
      const bytes = binary.subarray(offset, offset + size);
      offset += size;
      value = decodeBinary(input, bytes, count);
    } else if (input.data) value = decodeJson(input, count);
    else throw new OipRequestError(`input ${input.name} has neither data nor binary_data_size`);
    values.set(input.name, value);
  }
  if (offset !== binary.length)
    throw new OipRequestError(`${binary.length - offset} binary bytes follow the last input`);
  return values;
}

function decodeBinary(input: InferInput, bytes: Uint8Array, count: number): TensorValue {
  if (input.datatype === 'FP32') {
    if (bytes.length !== count * 4)
      throw new OipRequestError(`input ${input.name}: ${bytes.length} bytes for ${count} FP32 values`);
    // Copy into an aligned buffer only because Float32Array needs 4-byte alignment.
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
    return { datatype: 'FP32', values: new Float32Array(aligned.buffer, aligned.byteOffset, count) };
  }
  if (input.datatype === 'BYTES') {
    const elements = decodeBytesElements(bytes);
    if (elements.length !== count)
      throw new OipRequestError(
        `input ${input.name}: ${elements.length} BYTES elements for shape [${input.shape}]`,
      );
    return { datatype: 'BYTES', elements };
  }
  throw new OipRequestError(
    `input ${input.name}: datatype ${input.datatype} is not accepted (FP32 or BYTES)`,
  );
}

function decodeJson(input: InferInput, count: number): TensorValue {
  const data = (input.data ?? []).flat(Number.POSITIVE_INFINITY);
  if (data.length !== count)
    throw new OipRequestError(`input ${input.name}: ${data.length} values for shape [${input.shape}]`);
  if (input.datatype === 'FP32') {
    if (!data.every((v) => typeof v === 'number'))
      throw new OipRequestError(`input ${input.name}: FP32 data must be numbers`);
    return { datatype: 'FP32', values: Float32Array.from(data as number[]) };
  }
  if (input.datatype === 'BYTES') {
    if (!data.every((v) => typeof v === 'string'))
      throw new OipRequestError(`input ${input.name}: BYTES data must be base64 strings`);
    return {
      datatype: 'BYTES',
      elements: (data as string[]).map((s) => new Uint8Array(Buffer.from(s, 'base64'))),
    };
  }
  throw new OipRequestError(
    `input ${input.name}: datatype ${input.datatype} is not accepted (FP32 or BYTES)`,
  );
}

/** BYTES tensor elements in the binary extension's layout: uint32 little-endian length, then the bytes. */
export function encodeBytesElements(elements: readonly Uint8Array[]): Uint8Array {
  const out = Buffer.allocUnsafe(elements.reduce((sum, e) => sum + 4 + e.length, 0));
  let offset = 0;
  for (const element of elements) {
    out.writeUInt32LE(element.length, offset);
    out.set(element, offset + 4);
    offset += 4 + element.length;
  }
  return out;
}

export function decodeBytesElements(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const elements: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) throw new OipRequestError('BYTES element length prefix is truncated');
    const length = view.getUint32(offset, true);
    if (offset + 4 + length > bytes.length) throw new OipRequestError('BYTES element runs past its tensor');
    elements.push(bytes.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return elements;
}

/** Joins a JSON header and binary tensors into one body; returns it with the header's length. */
export function encodeInferBody(
  header: object,
  tensors: readonly Uint8Array[],
): { body: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, ...tensors]), headerLength: json.length };
}

/** The bytes of a float32 array, little-endian (every platform Node runs on). */
export function float32Bytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
