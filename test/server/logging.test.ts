import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { tinyServer } from './harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('inference server logs', () => {
  it('should log a client hang-up once, at info, without a stack, and a refused request once', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const text of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(text));
        done();
      },
    });
    const server = await tinyServer({}, undefined, { level: 'info', stream });
    try {
      const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
      const socket = connect(Number(new URL(url).port), '127.0.0.1');
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(
        'POST /predict HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: image/jpeg\r\ncontent-length: 5000\r\n\r\nabc',
      );
      await sleep(300);
      socket.destroy();
      const refused = await fetch(`${url}/predict`, {
        method: 'POST',
        body: 'not a photo',
        headers: { 'content-type': 'image/jpeg' },
      });
      assert.equal(refused.status, 415);
      await sleep(300);
      const requests = lines.filter((line) => line.reqId !== undefined);
      const hangUps = requests.filter((line) => /client closed/.test(String(line.msg)));
      assert.equal(hangUps.length, 1, JSON.stringify(requests));
      assert.equal(hangUps[0]!.level, 30);
      assert.ok(!JSON.stringify(hangUps[0]).includes('stack'), 'no stack for a hang-up');
      const refusals = requests.filter((line) => line.status === 415);
      assert.equal(refusals.length, 1);
      assert.equal(requests.length, 2, 'one line per request');
    } finally {
      await server.close();
    }
  });
});
