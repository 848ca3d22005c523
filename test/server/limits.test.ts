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
    // Admitted bodies may hold 20 MiB: one 15 MB upload in progress leaves no room for another.
    const server = await tinyServer({ max_batch_size: 1, body_budget_bytes: 20 * 2 ** 20 });
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
      assert.ok(
        await until(() => refused.closedAt !== undefined, 3000),
        'the refused socket, sending nothing, was kept open',
      );
      // A refused upload still sending at a real link's pace (3 MB/s for 2 s) reads its 429 on an intact
      // connection: Node discards the body rather than breaking the client's write.
      const paced = new ReadableStream<Uint8Array>({
        async start(controller) {
          for (let i = 0; i < 20; i++) {
            controller.enqueue(new Uint8Array(300_000).fill(1));
            await sleep(100);
          }
          controller.close();
        },
      });
      const flood = await fetch(`${url}/predict`, {
        method: 'POST',
        body: paced,
        headers: { 'content-type': 'image/jpeg', 'content-length': '6000000' },
        duplex: 'half',
      } as RequestInit);
      assert.equal(flood.status, 429);
      assert.equal(((await flood.json()) as { code: string }).code, 'GG_ERR_OVERLOADED');
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

  it('should read a body only as long as it says, and refuse one over the limit as it arrives', async () => {
    const server = await tinyServer({ max_body_bytes: 100_000 });
    const clients: RawClient[] = [];
    try {
      const { port } = await listen(server);
      const photo = await colourPhoto('red');
      const exchange = async (head: string, ...parts: (string | Buffer)[]) => {
        const client = await open(port);
        clients.push(client);
        client.socket.write(head);
        for (const part of parts) client.socket.write(part);
        await until(() => /\r\n\r\n[\s\S]*\}/.test(client.received) || client.closedAt !== undefined, 5000);
        return client.received;
      };
      const exact = await exchange(postHead(photo.length), photo);
      assert.match(exact, /^HTTP\/1\.1 200/);
      const short = await exchange(postHead(photo.length + 10), photo);
      clients.at(-1)!.socket.end();
      await until(() => clients.at(-1)!.closedAt !== undefined, 3000);
      assert.doesNotMatch(clients.at(-1)!.received, /^HTTP\/1\.1 200/, `short body answered: ${short}`);
      // Chunked, so no length to refuse up front: the body is cut once it passes the limit.
      const chunk = Buffer.alloc(60_000, 7);
      const chunked = await exchange(
        'POST /predict HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: image/jpeg\r\ntransfer-encoding: chunked\r\n\r\n',
        `${chunk.length.toString(16)}\r\n`,
        chunk,
        `\r\n${chunk.length.toString(16)}\r\n`,
        chunk,
        '\r\n0\r\n\r\n',
      );
      assert.match(chunked, /^HTTP\/1\.1 413/);
      assert.match(chunked, /GG_ERR_BODY_TOO_LARGE/);
      const announced = await exchange(postHead(200_000));
      assert.match(announced, /^HTTP\/1\.1 413/);
    } finally {
      for (const client of clients) client.socket.destroy();
      await server.close();
    }
  });

  it('should refuse a newcomer past the cap while every connection is new, else evict the slowest', async () => {
    const server = await tinyServer({ http: { max_connections: 3 } });
    const clients: RawClient[] = [];
    try {
      const { port, url } = await listen(server);
      for (let i = 0; i < 3; i++) clients.push(await open(port));
      const extra = await open(port);
      clients.push(extra);
      assert.ok(await until(() => extra.closedAt !== undefined, 3000), 'a fourth connection was kept');
      // The three held places now trickle bodies; a second later a real client takes the slowest one's place.
      for (const client of clients.slice(0, 3)) client.socket.write(postHead(10_000));
      await sleep(1200);
      const photo = await colourPhoto('red');
      const served = await fetch(`${url}/predict`, {
        method: 'POST',
        body: photo,
        headers: { 'content-type': 'image/jpeg' },
      });
      assert.equal(served.status, 200, 'a client was locked out by trickles');
      assert.equal(
        clients.slice(0, 3).filter((c) => c.closedAt !== undefined).length,
        1,
        'one trickle evicted',
      );
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
