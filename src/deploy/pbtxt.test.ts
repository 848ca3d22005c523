import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PbtxtSyntaxError } from './errors.js';
import { formatPbtxt, PbEnum, parsePbtxt } from './pbtxt.js';

describe('pbtxt', () => {
  it('should read back what it writes: scalars, enums, lists, nested and repeated messages', () => {
    const text = formatPbtxt({
      name: 'food11 "v1"',
      max_batch_size: 8,
      input: [{ name: 'image', data_type: new PbEnum('TYPE_FP32'), dims: [3, 224, 224] }],
      dynamic_batching: { preferred_batch_size: [4, 8], max_queue_delay_microseconds: 2000 },
      flag: true,
      skipped: undefined,
    });
    const m = parsePbtxt(text);
    assert.deepEqual(m.name, ['food11 "v1"']);
    assert.deepEqual(m.max_batch_size, [8]);
    assert.deepEqual(m.flag, [true]);
    assert.equal(m.skipped, undefined);
    const input = m.input?.[0] as Record<string, unknown[]>;
    assert.deepEqual(input.dims, [3, 224, 224]);
    assert.equal((input.data_type![0] as PbEnum).name, 'TYPE_FP32');
    const batching = m.dynamic_batching?.[0] as Record<string, unknown[]>;
    assert.deepEqual(batching.preferred_batch_size, [4, 8]);
  });

  it('should read Triton-style text with comments, optional colons and repeated fields', () => {
    const m = parsePbtxt(`# a comment
platform: "onnxruntime_onnx"
instance_group { count: 2 kind: KIND_CPU }
instance_group: { count: 1, kind: KIND_CPU };
parameters { key: "intra_op_thread_count" value: { string_value: "1" } }
optimization { graph: { level: -1 } }`);
    assert.equal(m.instance_group?.length, 2);
    const optimization = m.optimization![0] as Record<string, unknown[]>;
    const level = (optimization.graph![0] as Record<string, unknown[]>).level;
    assert.deepEqual(level, [-1]);
  });

  it('should report the line and column of a syntax error', () => {
    assert.throws(
      () => parsePbtxt('name: "x"\nmax_batch_size 8\n'),
      (e: unknown) => {
        assert.ok(e instanceof PbtxtSyntaxError);
        assert.match(e.message, /2:16: expected ':' after 'max_batch_size'/);
        return true;
      },
    );
    assert.throws(() => parsePbtxt('input [ { name: "a" }'), PbtxtSyntaxError);
    assert.throws(() => parsePbtxt('name: "unterminated'), PbtxtSyntaxError);
  });
});
