import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { type Harness, tinyServer } from './harness.js';
import { colourPhoto } from './tiny-model.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw client: what it has received, and whether (and when) the server closed it. */
interface RawClient {
  readonly socket: Socket;
  received: string;
  closedAt: number | undefined;
}

async function open(port: number): Promise<RawClient> {
  const socket = connect(port, '127.0.0.1');
  const client: RawClient = { socket, received: '', closedAt: undefined };
  socket.on('data', (chunk) => {
    client.received += chunk.toString('latin1');
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    client.closedAt = performance.now();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return client;
}

function postHead(length: number, type = 'image/jpeg'): string {
  return `POST /predict HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${type}\r\ncontent-length: ${length}\r\n\r\n`;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > end) return false;
    await sleep(20);
  }
  return true;
}

async function listen(server: Harness): Promise<{ port: number; url: string }> {
  const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return { port: Number(new URL(url).port), url };
}

describe('inference server limits (issue 10: memory, slow clients, connections)', () => {
  it('should answer 429 and close before reading a body the pool has no room for', async () => {
    // With one queue place, admitted bodies may hold 20 MiB: one 15 MB upload in progress leaves no room.
    const server = await tinyServer({ max_queue: 1, max_batch_size: 1 });
    const clients: RawClient[] = [];
    try {
      const { port, url } = await listen(server);
      const holder = await open(port);
      holder.socket.write(postHead(15_000_000));
      holder.socket.write('x');
      clients.push(holder);
      await until(() => server.manager.current?.stats?.().bodyBytes === 15_000_000, 5000);
      // A 15 MB upload announced by its headers only: it must be refused without waiting for its body.
      const refused = await open(port);
      clients.push(refused);
      refused.socket.write(postHead(15_000_000));
      const answered = await until(() => refused.received.includes('\r\n\r\n'), 5000);
      assert.ok(answered, 'no answer before the body was sent');
      assert.match(refused.received, /^HTTP\/1\.1 429/);
      assert.match(refused.received, /retry-after: \d+/i);
      assert.ok(await until(() => refused.closedAt !== undefined, 3000), 'the refused socket was kept open');
      // Small uploads still fit beside the large one.
      const photo = await colourPhoto('red');
      const small = await fetch(`${url}/predict`, {
        method: 'POST',
        body: photo,
        headers: { 'content-type': 'image/jpeg' },
      });
      assert.equal(small.status, 200);
      for (const client of clients) client.socket.destroy();
      await until(() => server.manager.current?.stats?.().bodyBytes === 0, 5000);
      const ok = await fetch(`${url}/predict`, {
        method: 'POST',
        body: photo,
        headers: { 'content-type': 'image/jpeg' },
      });
      assert.equal(ok.status, 200, 'the places came back when the uploads went away');
    } finally {
      for (const client of clients) client.socket.destroy();
      await server.close();
    }
  });

  it('should time out a body trickled a byte at a time while other clients are served', async () => {
    const server = await tinyServer({
      http: { request_timeout_ms: 1500, headers_timeout_ms: 1000, idle_timeout_ms: 1000 },
    });
    let trickling = true;
    let slow: RawClient | undefined;
    try {
      const { port, url } = await listen(server);
      slow = await open(port);
      const started = performance.now();
      slow.socket.write(postHead(10_000));
      const client = slow;
      const trickle = (async () => {
        // One byte every 400 ms: never idle long enough for the idle timeout, so only the request timeout ends it.
        while (trickling && client.closedAt === undefined) {
          client.socket.write('x');
          await sleep(400);
        }
      })();
      const photo = await colourPhoto('green');
      const served = await fetch(`${url}/predict`, {
        method: 'POST',
        body: photo,
        headers: { 'content-type': 'image/jpeg' },
      });
      assert.equal(served.status, 200);
      assert.ok(await until(() => client.closedAt !== undefined, 6000), 'the trickled request is still open');
      const lasted = (client.closedAt ?? 0) - started;
      assert.ok(lasted < 4000, `closed after ${Math.round(lasted)} ms`);
      assert.match(client.received, /^HTTP\/1\.1 408/);
      trickling = false;
      await trickle;
    } finally {
      trickling = false;
      slow?.socket.destroy();
      await server.close();
    }
  });

  it('should close connections past the cap on arrival and serve again once they go', async () => {
    const server = await tinyServer({ http: { max_connections: 3 } });
    const clients: RawClient[] = [];
    try {
      const { port, url } = await listen(server);
      for (let i = 0; i < 3; i++) clients.push(await open(port));
      const extra = await open(port);
      clients.push(extra);
      assert.ok(await until(() => extra.closedAt !== undefined, 3000), 'a fourth connection was kept');
      for (const client of clients) client.socket.destroy();
      await sleep(100);
      const live = await fetch(`${url}/v2/health/live`);
      assert.equal(live.status, 200);
    } finally {
      for (const client of clients) client.socket.destroy();
      await server.close();
    }
  });
});
