import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { encodeBytesElements, encodeInferBody, float32Bytes } from '../../src/inference/index.js';
import { type Harness, tinyServer } from './harness.js';
import { colourPhoto, tinySize } from './tiny-model.js';

function multipart(field: string, filename: string, type: string, bytes: Buffer) {
  const boundary = '----gourmetgram-test';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('inference server protocol', () => {
  let server: Harness;
  let red: Buffer;
  let blue: Buffer;
  before(async () => {
    server = await tinyServer({ max_body_bytes: 200_000, max_pixels: 1_000_000 });
    [red, blue] = await Promise.all([colourPhoto('red'), colourPhoto('blue', 'png')]);
  });
  after(() => server.close());
  const inject = (options: InjectOptions) => server.app.inject(options);

  it('should answer server metadata, liveness and readiness', async () => {
    const meta = await inject({ url: '/v2' });
    assert.equal(meta.statusCode, 200);
    assert.equal(meta.json().name, 'gourmetgram');
    assert.ok(meta.json().extensions.includes('binary_tensor_data'));
    assert.deepEqual((await inject({ url: '/v2/health/live' })).json(), { live: true });
    assert.equal((await inject({ url: '/v2/health/ready' })).statusCode, 200);
  });

  it('should describe the model, its versions, readiness and Triton-style config', async () => {
    const meta = (await inject({ url: '/v2/models/tiny' })).json();
    assert.equal(meta.name, 'tiny');
    assert.deepEqual(meta.versions, ['1']);
    assert.deepEqual(
      meta.inputs.map((i: { name: string; datatype: string }) => `${i.name}:${i.datatype}`),
      ['image_bytes:BYTES', 'image:FP32'],
    );
    assert.equal(meta.parameters.classes.length, 11);
    assert.equal((await inject({ url: '/v2/models/tiny/versions/1' })).statusCode, 200);
    assert.equal((await inject({ url: '/v2/models/tiny/versions/1/ready' })).json().ready, true);
    const config = (await inject({ url: '/v2/models/tiny/config' })).json();
    assert.equal(config.max_batch_size, 8);
    assert.deepEqual(config.input[1].dims, [3, tinySize, tinySize]);
    assert.equal(config.dynamic_batching.default_queue_policy.max_queue_size, 64);
  });

  it('should answer 404 with a JSON error for unknown models, versions and routes', async () => {
    for (const url of ['/v2/models/nope', '/v2/models/tiny/versions/7/ready', '/nowhere']) {
      const res = await inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(typeof res.json().error, 'string');
    }
  });

  it('should classify a BYTES photo sent as JSON base64', async () => {
    const res = await inject({
      method: 'POST',
      url: '/v2/models/tiny/infer',
      payload: {
        id: 'a1',
        inputs: [{ name: 'image_bytes', shape: [1], datatype: 'BYTES', data: [red.toString('base64')] }],
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.id, 'a1');
    assert.equal(body.model_name, 'tiny');
    const probabilities = body.outputs.find((o: { name: string }) => o.name === 'probabilities');
    assert.deepEqual(probabilities.shape, [1, 11]);
    assert.equal(probabilities.data.indexOf(Math.max(...probabilities.data)), 0);
  });

  it('should classify BYTES photos with the binary tensor extension and answer in binary', async () => {
    const tensor = encodeBytesElements([red, blue]);
    const { body, headerLength } = encodeInferBody(
      {
        inputs: [
          {
            name: 'image_bytes',
            shape: [2],
            datatype: 'BYTES',
            parameters: { binary_data_size: tensor.length },
          },
        ],
        outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
      },
      [tensor],
    );
    const res = await inject({
      method: 'POST',
      url: '/v2/models/tiny/versions/1/infer',
      payload: body,
      headers: {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(headerLength),
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const length = Number(res.headers['inference-header-content-length']);
    const header = JSON.parse(res.rawPayload.subarray(0, length).toString());
    assert.equal(header.outputs[0].parameters.binary_data_size, 2 * 11 * 4);
    const values = new Float32Array(new Uint8Array(res.rawPayload.subarray(length)).buffer);
    assert.equal(values.subarray(0, 11).indexOf(Math.max(...values.subarray(0, 11))), 0, 'red → class 0');
    assert.equal(values.subarray(11).indexOf(Math.max(...values.subarray(11))), 2, 'blue → class 2');
  });

  it('should classify a ready FP32 tensor, in JSON and in binary', async () => {
    const plane = tinySize * tinySize;
    const tensor = new Float32Array(3 * plane);
    tensor.fill(2, plane, 2 * plane);
    const json = await inject({
      method: 'POST',
      url: '/v2/models/tiny/infer',
      payload: {
        inputs: [
          { name: 'image', shape: [1, 3, tinySize, tinySize], datatype: 'FP32', data: Array.from(tensor) },
        ],
      },
    });
    assert.equal(json.statusCode, 200, json.body);
    const out = json.json().outputs[0].data as number[];
    assert.equal(out.indexOf(Math.max(...out)), 1, 'green plane → class 1');
    const { body, headerLength } = encodeInferBody(
      {
        inputs: [
          {
            name: 'image',
            shape: [1, 3, tinySize, tinySize],
            datatype: 'FP32',
            parameters: { binary_data_size: tensor.byteLength },
          },
        ],
      },
      [float32Bytes(tensor)],
    );
    const binary = await inject({
      method: 'POST',
      url: '/v2/models/tiny/infer',
      payload: body,
      headers: {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(headerLength),
      },
    });
    assert.equal(binary.statusCode, 200, binary.body);
  });

  it('should reject malformed inference requests with 400 and a reason', async () => {
    const cases: [string, unknown][] = [
      ['not json', '{"inputs": ['],
      ['no inputs', { inputs: [] }],
      ['unknown input', { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }],
      [
        'wrong count',
        { inputs: [{ name: 'image', shape: [1, 3, tinySize, tinySize], datatype: 'FP32', data: [1, 2] }] },
      ],
      ['wrong shape', { inputs: [{ name: 'image', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] }] }],
      ['bad datatype', { inputs: [{ name: 'image', shape: [1], datatype: 'INT8', data: [1] }] }],
      [
        'too many',
        { inputs: [{ name: 'image_bytes', shape: [9], datatype: 'BYTES', data: Array(9).fill('AA==') }] },
      ],
    ];
    for (const [label, payload] of cases) {
      const res = await inject({
        method: 'POST',
        url: '/v2/models/tiny/infer',
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(res.statusCode, 400, `${label}: ${res.body}`);
      assert.equal(typeof res.json().error, 'string', label);
    }
    const short = await inject({
      method: 'POST',
      url: '/v2/models/tiny/infer',
      payload: '{}',
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': '999' },
    });
    assert.equal(short.statusCode, 400);
  });

  it('should answer /predict for a raw body and for a multipart upload', async () => {
    const raw = await inject({
      method: 'POST',
      url: '/predict',
      payload: red,
      headers: { 'content-type': 'image/jpeg' },
    });
    assert.equal(raw.statusCode, 200, raw.body);
    const body = raw.json();
    assert.equal(body.category, 'Bread');
    assert.equal(body.model, 'tiny');
    assert.equal(body.version, 1);
    assert.equal(body.top.length, 5);
    assert.deepEqual(Object.keys(body.timings).sort(), ['decode_ms', 'infer_ms', 'queue_ms']);
    assert.equal(body.embedding, undefined);
    assert.ok(raw.headers['x-request-id']);
    const form = multipart('photo', 'blue.png', 'image/png', blue);
    const multi = await inject({
      method: 'POST',
      url: '/predict',
      payload: form.body,
      headers: { 'content-type': form.contentType },
    });
    assert.equal(multi.statusCode, 200, multi.body);
    assert.equal(multi.json().category, 'Dessert');
  });

  it('should answer every bad upload with its status and a JSON error', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>');
    const big = await colourPhoto('red', 'png', 1200);
    const huge = Buffer.alloc(300_000, 1);
    const cases: [string, Buffer | string, string, number][] = [
      ['text body', 'hello', 'text/plain', 415],
      ['svg', svg, 'image/svg+xml', 415],
      ['gif bytes', Buffer.from('GIF89a....'), 'image/gif', 415],
      ['empty', Buffer.alloc(0), 'image/jpeg', 400],
      ['truncated jpeg', red.subarray(0, red.length / 2), 'image/jpeg', 422],
      [
        'garbage after a jpeg magic',
        Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(100)]),
        'image/jpeg',
        422,
      ],
      ['over the pixel limit', big, 'image/png', 422],
      ['over the body limit', huge, 'image/jpeg', 413],
    ];
    for (const [label, payload, type, status] of cases) {
      const res = await inject({
        method: 'POST',
        url: '/predict',
        payload,
        headers: { 'content-type': type },
      });
      assert.equal(res.statusCode, status, `${label}: ${res.body}`);
      assert.equal(typeof res.json().error, 'string', label);
    }
    const form = multipart('photo', 'big.jpg', 'image/jpeg', huge);
    const tooBig = await inject({
      method: 'POST',
      url: '/predict',
      payload: form.body,
      headers: { 'content-type': form.contentType },
    });
    assert.equal(tooBig.statusCode, 413, tooBig.body);
  });

  it('should expose Prometheus metrics with the stage histograms', async () => {
    const text = (await inject({ url: '/metrics' })).body;
    for (const name of [
      'gourmetgram_requests_total{route="/predict",code="200"}',
      'gourmetgram_request_duration_seconds_bucket',
      'gourmetgram_queue_duration_seconds_bucket',
      'gourmetgram_preprocess_duration_seconds_bucket',
      'gourmetgram_inference_duration_seconds_bucket',
      'gourmetgram_batch_size_bucket',
      'gourmetgram_queue_depth 0',
      'gourmetgram_inflight_requests 0',
      'gourmetgram_model_load_seconds{version="1"}',
      'gourmetgram_process_cpu_seconds_total',
      'gourmetgram_process_resident_memory_bytes',
    ])
      assert.ok(text.includes(name), `missing ${name}`);
  });
});
