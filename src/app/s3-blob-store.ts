import { createHash, createHmac } from 'node:crypto';
import { assertBlobKey, type BlobStore } from './blob-store.js';
import { AppError } from './errors.js';

export interface S3BlobStoreOptions {
  /** http(s)://host[:port] of any S3-compatible server; buckets are addressed path-style. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region?: string | undefined;
}

const sha256Hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Uint8Array | string, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it; '/' stays literal inside a key path. */
const encodeSegment = (segment: string) =>
  encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Blobs as objects in one bucket of an S3-compatible store, over plain `fetch` with AWS Signature V4. A PUT
 * replaces an object whole, so readers never see half a photo, the same promise the folder store keeps by renaming.
 * The payload hash is signed (not UNSIGNED-PAYLOAD) because some servers refuse unsigned bodies.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  private readonly endpoint: URL;
  private readonly region: string;

  constructor(private readonly options: S3BlobStoreOptions) {
    this.endpoint = new URL(options.endpoint);
    this.region = options.region ?? 'us-east-1';
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    assertBlobKey(key);
    const res = await this.request('PUT', key, bytes, { 'content-type': contentType });
    if (!res.ok) throw await this.failure('PUT', key, res);
    await res.body?.cancel();
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    assertBlobKey(key);
    const res = await this.request('GET', key);
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) throw await this.failure('GET', key, res);
    return new Uint8Array(await res.arrayBuffer());
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    const res = await this.request('DELETE', key);
    // S3 answers 204 for a missing key too; a 404 from a stricter server means the same thing here.
    if (!res.ok && res.status !== 404) throw await this.failure('DELETE', key, res);
    await res.body?.cancel();
  }

  private async failure(method: string, key: string, res: Response): Promise<AppError> {
    const text = await res.text().catch(() => '');
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? res.statusText;
    return new AppError(
      'GG_ERR_STORAGE',
      `S3 ${method} ${this.options.bucket}/${key} failed: ${res.status} ${code}`,
    );
  }

  private request(
    method: string,
    key: string,
    body?: Uint8Array,
    extra: Record<string, string> = {},
  ): Promise<Response> {
    const basePath = this.endpoint.pathname.replace(/\/$/, '');
    const path = `${basePath}/${[this.options.bucket, ...key.split('/')].map(encodeSegment).join('/')}`;
    const now = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const headers: Record<string, string> = {
      host: this.endpoint.host,
      'x-amz-content-sha256': sha256Hex(body ?? ''),
      'x-amz-date': now,
      ...extra,
    };
    const { authorization } = signatureV4({
      method,
      path,
      headers,
      region: this.region,
      service: 's3',
      accessKey: this.options.accessKey,
      secretKey: this.options.secretKey,
    });
    const { host: _host, ...sent } = headers; // fetch sets Host itself and refuses it as a header
    return fetch(new URL(path, this.endpoint), {
      method,
      headers: {
        ...sent,
        authorization,
      },
      ...(body ? { body } : {}),
    });
  }
}

export interface SignatureV4Input {
  readonly method: string;
  /** The URI-encoded path; the query string is empty for every request this store makes. */
  readonly path: string;
  /** Lower-case names; must hold host, x-amz-date and x-amz-content-sha256. All are signed. */
  readonly headers: Readonly<Record<string, string>>;
  readonly region: string;
  readonly service: string;
  readonly accessKey: string;
  readonly secretKey: string;
}

/** AWS Signature Version 4 (header form), a pure function of the request. */
export function signatureV4(input: SignatureV4Input): { signature: string; authorization: string } {
  const { headers } = input;
  const stamp = headers['x-amz-date'];
  const payloadHash = headers['x-amz-content-sha256'];
  if (!stamp || !payloadHash || !headers.host)
    throw new Error('bug: SigV4 needs host, x-amz-date, x-amz-content-sha256');
  const names = Object.keys(headers).sort();
  const canonicalRequest = [
    input.method,
    input.path,
    '',
    ...names.map((n) => `${n}:${String(headers[n]).trim()}`),
    '',
    names.join(';'),
    payloadHash,
  ].join('\n');
  const date = stamp.slice(0, 8);
  const scope = `${date}/${input.region}/${input.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256Hex(canonicalRequest)].join('\n');
  let signingKey = hmac(`AWS4${input.secretKey}`, date);
  for (const part of [input.region, input.service, 'aws4_request']) signingKey = hmac(signingKey, part);
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  return {
    signature,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.accessKey}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}
