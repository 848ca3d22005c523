import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, it } from 'node:test';
import { serverLimitsSchema } from '../../src/http/index.js';
import type { LocalClassifier } from '../../src/inference/index.js';
import { createTestClassifier } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';

let classifier: LocalClassifier;
let h: Harness;
let port: number;

before(async () => {
  classifier = await createTestClassifier();
  h = await startHarness(classifier, {
    limits: serverLimitsSchema.parse({
      request_timeout_ms: 1500,
      headers_timeout_ms: 1000,
      idle_timeout_ms: 3000,
      max_connections: 6,
    }),
  });
  const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
  port = Number(new URL(address).port);
});
after(async () => {
  await h?.close();
  await classifier?.close();
});

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with what the server sent once it closes the socket, or with `timeout` after `ms`. */
function closed(socket: Socket, ms: number): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.once('close', () => resolve(received || 'closed'));
    setTimeout(() => resolve('timeout'), ms).unref();
  });
}

it('should cut off a body trickled byte by byte while serving other clients, and cap connections', async () => {
  const slow = await open();
  slow.write(
    'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n',
  );
  const trickle = setInterval(() => slow.write('-'), 300);
  try {
    const started = Date.now();
    const outcome = closed(slow, 10_000);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(health.status, 200, 'another client is served meanwhile');
    const answer = await outcome;
    assert.notEqual(answer, 'timeout', 'the trickled request is ended');
    assert.match(answer, /^(HTTP\/1\.1 408|closed)/);
    assert.ok(Date.now() - started < 8000);
  } finally {
    clearInterval(trickle);
    slow.destroy();
  }

  const idle = await Promise.all(Array.from({ length: 6 }, () => open()));
  try {
    const extra = await open();
    assert.equal(await closed(extra, 3000), 'closed', 'a connection past the cap is closed on arrival');
  } finally {
    for (const s of idle) s.destroy();
  }
});

it('should refuse an upload with 429 before its body is read when the pool holds its body budget', async () => {
  const head = (length: number) =>
    `POST /upload HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: ${length}\r\n\r\n`;
  const max = 20 * 2 ** 20;
  // Four uploads announcing the largest body hold the latency recipe's whole budget (80 MiB) while they arrive.
  // The previous test's sockets must be gone first: new requests arriving while they close were seen to wait
  // for their request timeout without being routed (with Node's own maxConnections as well).
  const connections = () =>
    new Promise<number>((resolve) => h.app.server.getConnections((_e, n) => resolve(n)));
  for (const until = Date.now() + 5000; (await connections()) > 0 && Date.now() < until; )
    await new Promise((resolve) => setTimeout(resolve, 20));
  const holders = await Promise.all(Array.from({ length: 4 }, () => open()));
  try {
    for (const holder of holders) holder.write(`${head(max)}-`);
    const until = Date.now() + 5000;
    while ((classifier.stats?.().bodyBytes ?? 0) < 4 * max && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const refused = await open();
    refused.write(head(1_000_000));
    const answer = await closed(refused, 5000);
    assert.match(answer, /^HTTP\/1\.1 429/, 'refused before the body was sent');
    assert.match(answer, /retry-after: \d+/i);
    assert.match(answer, /GG_ERR_OVERLOADED/);
  } finally {
    for (const holder of holders) holder.destroy();
  }
});
