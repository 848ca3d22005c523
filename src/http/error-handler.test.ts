import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { CodedError } from '../core/index.js';
import { installErrorHandler } from './error-handler.js';
import { HttpError } from './errors.js';

async function appWithRoutes(): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 });
  installErrorHandler(app);
  app.get(
    '/photos/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[a-f0-9]{20}$' } } },
      },
    },
    async () => ({ ok: true }),
  );
  app.post(
    '/things',
    { schema: { body: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } } },
    async () => ({ ok: true }),
  );
  app.get('/busy', async () => {
    throw new HttpError('GG_ERR_UNAVAILABLE', 'busy', { retryAfterSeconds: 2.2 });
  });
  app.get('/bug', async () => {
    throw new TypeError('secret internals');
  });
  app.get('/limited', async () => {
    throw Object.assign(new Error('Rate limit exceeded'), { statusCode: 429 });
  });
  await app.ready();
  return app;
}

describe('the shared HTTP error mapping', () => {
  it('should answer a malformed path parameter with 404, not 400', async () => {
    const app = await appWithRoutes();
    const res = await app.inject({ url: '/photos/not-an-id' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'GG_ERR_NOT_FOUND');
    await app.close();
  });

  it("should answer Fastify's own refusals with our codes: media type 415, body size 413, schema 400", async () => {
    const app = await appWithRoutes();
    const media = await app.inject({
      method: 'POST',
      url: '/things',
      payload: 'x',
      headers: { 'content-type': 'text/x-odd' },
    });
    assert.deepEqual([media.statusCode, media.json().code], [415, 'GG_ERR_CONTENT_TYPE']);
    const big = await app.inject({ method: 'POST', url: '/things', payload: { n: 1, pad: 'x'.repeat(100) } });
    assert.deepEqual([big.statusCode, big.json().code], [413, 'GG_ERR_BODY_TOO_LARGE']);
    const invalid = await app.inject({ method: 'POST', url: '/things', payload: { n: 'one' } });
    assert.deepEqual([invalid.statusCode, invalid.json().code], [400, 'GG_ERR_BAD_REQUEST']);
    const broken = await app.inject({
      method: 'POST',
      url: '/things',
      payload: '{"n":',
      headers: { 'content-type': 'application/json' },
    });
    assert.deepEqual([broken.statusCode, broken.json().code], [400, 'GG_ERR_BAD_REQUEST']);
    await app.close();
  });

  it('should send Retry-After in whole seconds on 503 and 429, and hide a bug behind a 500', async () => {
    const app = await appWithRoutes();
    const busy = await app.inject({ url: '/busy' });
    assert.deepEqual(
      [busy.statusCode, busy.headers['retry-after'], busy.json()],
      [503, '3', { error: 'busy', code: 'GG_ERR_UNAVAILABLE' }],
    );
    const limited = await app.inject({ url: '/limited' });
    assert.deepEqual(
      [limited.statusCode, limited.headers['retry-after'], limited.json().code],
      [429, '1', 'GG_ERR_RATE_LIMIT'],
    );
    const bug = await app.inject({ url: '/bug' });
    assert.equal(bug.statusCode, 500);
    assert.equal(bug.json().code, 'GG_ERR_INTERNAL');
    assert.doesNotMatch(bug.body, /secret/);
    const nowhere = await app.inject({ url: '/nowhere' });
    assert.deepEqual([nowhere.statusCode, nowhere.json().code], [404, 'GG_ERR_NOT_FOUND']);
    await app.close();
  });

  it('should keep the code and status of any CodedError', async () => {
    const app = Fastify({ logger: false });
    installErrorHandler(app);
    app.get('/', async () => {
      throw new CodedError('GG_ERR_SOMETHING', 418, 'short and stout');
    });
    const res = await app.inject({ url: '/' });
    assert.deepEqual(
      [res.statusCode, res.json()],
      [418, { error: 'short and stout', code: 'GG_ERR_SOMETHING' }],
    );
    await app.close();
  });
});
