import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, it } from 'node:test';
import type { LocalClassifier } from '../../src/inference/index.js';
import { createTestClassifier } from './fixtures.js';
import { type Harness, startHarness, visit } from './harness.js';

let classifier: LocalClassifier;
let h: Harness;
const lines: Record<string, unknown>[] = [];

before(async () => {
  classifier = await createTestClassifier();
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  h = await startHarness(classifier, { logger: { level: 'info', stream } });
});
after(async () => {
  await h?.close();
  await classifier?.close();
});

it('should log each request once, and a client that hangs up mid-upload at info without a stack', async () => {
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const visitor = await visit(h.app);
  assert.equal((await fetch(`${base}/health`)).status, 200);
  assert.equal((await fetch(`${base}/no/such/page`)).status, 404);

  const { port } = new URL(base);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n' +
      `Cookie: ${visitor.cookie}\r\nContent-Length: 500000\r\n\r\n` +
      '--b\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n',
  );
  socket.write(Buffer.alloc(20_000, 0xff));
  await new Promise((resolve) => setTimeout(resolve, 300));
  socket.destroy();
  // The server learns of the hang-up asynchronously.
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && !lines.some((l) => l.url === '/upload'))
    await new Promise((r) => setTimeout(r, 50));

  const perRequest = new Map<unknown, number>();
  for (const line of lines.filter((l) => l.reqId !== undefined))
    perRequest.set(line.reqId, (perRequest.get(line.reqId) ?? 0) + 1);
  assert.ok(perRequest.size >= 3, JSON.stringify(lines));
  for (const [reqId, count] of perRequest) assert.equal(count, 1, `request ${reqId} logged ${count} times`);
  const upload = lines.find((l) => l.url === '/upload');
  assert.ok(upload, 'the abandoned upload is logged');
  assert.equal(upload.level, 30);
  assert.equal(upload.msg, 'client closed the connection');
  assert.deepEqual(
    lines.filter((l) => Number(l.level) >= 40),
    [],
    'a hang-up is not a warning or an error',
  );
  assert.ok(!JSON.stringify(lines).includes('"stack"'), 'no stack trace');
});
