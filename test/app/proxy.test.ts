import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LocalClassifier } from '../../src/inference/index.js';
import { createTestClassifier, generatedPhoto } from './fixtures.js';
import { type Harness, startHarness, upload } from './harness.js';

let classifier: LocalClassifier;
before(async () => {
  classifier = await createTestClassifier();
});
after(async () => {
  await classifier?.close();
});

const cookiesOf = (headers: Record<string, unknown>) =>
  ([] as string[]).concat((headers['set-cookie'] as string[]) ?? []);

describe('behind a reverse proxy', () => {
  let proxied: Harness;
  let direct: Harness;
  before(async () => {
    proxied = await startHarness(classifier, { trustProxy: '10.0.0.0/8', uploadsPerMinute: 1 });
    direct = await startHarness(classifier, { uploadsPerMinute: 1 });
  });
  after(async () => {
    await proxied?.close();
    await direct?.close();
  });

  it('should send Secure cookies and HSTS only when the trusted proxy says the request came over HTTPS', async () => {
    const https = await proxied.app.inject({
      url: '/',
      remoteAddress: '10.0.0.2',
      headers: { 'x-forwarded-proto': 'https' },
    });
    assert.match(String(https.headers['strict-transport-security']), /^max-age=31536000/);
    const cookies = cookiesOf(https.headers);
    assert.equal(cookies.length, 2);
    for (const c of cookies) assert.match(c, /; Secure/);
    const plain = await proxied.app.inject({ url: '/', remoteAddress: '10.0.0.2' });
    assert.equal(plain.headers['strict-transport-security'], undefined);
    for (const c of cookiesOf(plain.headers)) assert.doesNotMatch(c, /Secure/);
    // Anyone can send the header; only a trusted proxy is believed.
    const spoofed = await direct.app.inject({ url: '/', headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(spoofed.headers['strict-transport-security'], undefined);
    for (const c of cookiesOf(spoofed.headers)) assert.doesNotMatch(c, /Secure/);
  });

  it('should rate-limit each client behind the proxy on its own, not all of them as one', async () => {
    const photo = await generatedPhoto(8);
    const send = (h: Harness, client: string) =>
      upload(h.app, undefined, photo, {
        json: true,
        ip: '10.0.0.2',
        headers: { 'x-forwarded-for': client },
      });
    assert.equal((await send(proxied, '203.0.113.1')).statusCode, 201);
    assert.equal((await send(proxied, '203.0.113.2')).statusCode, 201, 'another client has its own bucket');
    assert.equal((await send(proxied, '203.0.113.1')).statusCode, 429);
    // Without trust, every client behind the proxy is the proxy's address: one shared bucket.
    assert.equal((await send(direct, '203.0.113.1')).statusCode, 201);
    assert.equal((await send(direct, '203.0.113.2')).statusCode, 429);
  });
});
