import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  BackboneIntegrityError,
  type BackboneSpec,
  BackboneUnavailableError,
  loadBackboneSpec,
  resolveBackbone,
} from './index.js';

const payload = Buffer.from('an onnx file stands here '.repeat(4000));
let server: Server;
let base: string;
let requests = 0;

function specFor(path: string, bytes = payload): BackboneSpec {
  return {
    ...defaultSpec,
    file: 'test-backbone.onnx',
    url: `${base}${path}`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
  };
}
let defaultSpec: BackboneSpec;

describe('backbone store', () => {
  before(async () => {
    defaultSpec = await loadBackboneSpec('mobilenetv2-12-int8');
    server = createServer((req, res) => {
      requests++;
      if (req.url === '/ok') res.end(payload);
      else if (req.url === '/truncated') {
        res.writeHead(200, { 'content-length': payload.length });
        res.write(payload.subarray(0, 1000));
        res.destroy();
      } else if (req.url === '/tampered') res.end(Buffer.concat([payload.subarray(1), Buffer.from('x')]));
      else {
        res.statusCode = 404;
        res.end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('should prefer the mirror, then the cache, and download only when neither has the file', async () => {
    const mirrorDir = await mkdtemp(join(tmpdir(), 'gg-mirror-'));
    const cacheDir = await mkdtemp(join(tmpdir(), 'gg-cache-'));
    const spec = specFor('/ok');
    const first = await resolveBackbone(spec, { mirrorDir, cacheDir });
    assert.equal(first.source, 'download');
    assert.deepEqual(await readFile(first.path), payload);
    const before = requests;
    assert.equal((await resolveBackbone(spec, { mirrorDir, cacheDir })).source, 'cache');
    await writeFile(join(mirrorDir, spec.file), payload);
    const mirrored = await resolveBackbone(spec, { mirrorDir, cacheDir });
    assert.equal(mirrored.source, 'mirror');
    assert.equal(mirrored.path, join(mirrorDir, spec.file));
    assert.equal(requests, before, 'no request once the file is local');
  });

  it('should refuse a mirror file whose hash is wrong, saying what to do', async () => {
    const mirrorDir = await mkdtemp(join(tmpdir(), 'gg-mirror-'));
    const spec = specFor('/ok');
    await writeFile(join(mirrorDir, spec.file), 'something else');
    await assert.rejects(resolveBackbone(spec, { mirrorDir, cacheDir: mirrorDir }), (error: unknown) => {
      assert.ok(error instanceof BackboneIntegrityError);
      assert.match(error.message, /SHA-256/);
      assert.match(error.message, /fetch the file again/);
      return true;
    });
  });

  it('should replace a damaged cache entry by downloading again', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'gg-cache-'));
    const spec = specFor('/ok');
    await writeFile(join(cacheDir, spec.file), payload.subarray(0, 100));
    const resolved = await resolveBackbone(spec, { cacheDir });
    assert.equal(resolved.source, 'download');
    assert.deepEqual(await readFile(resolved.path), payload);
  });

  for (const [name, path, error] of [
    ['a tampered download', '/tampered', BackboneIntegrityError],
    ['a truncated download', '/truncated', BackboneUnavailableError],
    ['an HTTP error', '/missing', BackboneUnavailableError],
  ] as const) {
    it(`should leave no file in the cache after ${name}`, async () => {
      const cacheDir = await mkdtemp(join(tmpdir(), 'gg-cache-'));
      await assert.rejects(resolveBackbone(specFor(path), { cacheDir }), error);
      assert.deepEqual(await readdir(cacheDir), []);
    });
  }

  it('should explain how to use a mirror when there is no network', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'gg-cache-'));
    await mkdir(cacheDir, { recursive: true });
    // Port 9 on loopback: nothing listens, the connection is refused at once.
    const spec = { ...specFor('/ok'), url: 'http://127.0.0.1:9/backbone.onnx' };
    await assert.rejects(resolveBackbone(spec, { cacheDir }), (error: unknown) => {
      assert.ok(error instanceof BackboneUnavailableError);
      assert.match(error.message, /GOURMETGRAM_MODEL_MIRROR/);
      return true;
    });
    assert.deepEqual(await readdir(cacheDir), []);
  });
});
