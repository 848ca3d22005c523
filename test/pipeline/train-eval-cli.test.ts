import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { projectPath } from '../../src/core/index.js';

const run = promisify(execFile);
const data = process.env.GOURMETGRAM_DATA;
const cli = projectPath('dist', 'src', 'cli', 'main.js');

/** A small real dataset: a few photos per class from the shared stand-in, in the class-folder layout. */
async function tinyDataset(root: string): Promise<void> {
  for (const split of ['train', 'test'] as const) {
    for (const cls of await readdir(join(data!, split))) {
      const files = (await readdir(join(data!, split, cls))).sort().filter((_, i) => i % 7 === 0);
      const take = files.slice(0, split === 'train' ? 8 : 3);
      await mkdir(join(root, split, cls), { recursive: true });
      for (const file of take) await copyFile(join(data!, split, cls, file), join(root, split, cls, file));
    }
  }
  await writeFile(join(root, 'test', 'Bread', 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
}

const recipe = `name: tiny
description: a fast recipe for tests
model:
  backbone: mobilenetv2-12-int8
  input_size: 128
  head: tiny-head
  tta: { flip: true }
  training:
    augment_views: 1
    epochs: 8
    search: { hidden: [0], l2: [0.01, 0.1], balance_classes: [true] }
`;

// Two backbones in one graph: the zoo's at the input's 128 px, the course's resized in-graph to 112 px.
const duo = recipe
  .replace('name: tiny', 'name: tiny-duo')
  .replace(
    'head: tiny-head',
    'head: tiny-duo-head\n  extra_backbones: [{ name: food11-mobilenetv2-int8, input_size: 112 }]',
  );

describe('train, eval and predict through the CLI', {
  skip: data ? false : 'GOURMETGRAM_DATA is not set',
}, () => {
  let dir: string;
  const env = (cache: string) => ({ ...process.env, GOURMETGRAM_CACHE: cache });
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gg-pipeline-'));
    await tinyDataset(join(dir, 'data'));
    await writeFile(join(dir, 'tiny.yaml'), recipe);
    await writeFile(join(dir, 'tiny-duo.yaml'), duo);
  });

  it('should train the same head twice from one seed, with fresh caches', async () => {
    const args = (heads: string) => [
      cli,
      'train',
      '--recipe',
      join(dir, 'tiny.yaml'),
      '--data',
      join(dir, 'data'),
      '--heads-dir',
      heads,
    ];
    const first = await run(process.execPath, args(join(dir, 'heads-a')), { env: env(join(dir, 'cache-a')) });
    await run(process.execPath, args(join(dir, 'heads-b')), { env: env(join(dir, 'cache-b')) });
    const summary = JSON.parse(first.stdout);
    assert.equal(summary.head, 'tiny-head');
    assert.equal(summary.version, 1);
    assert.match(first.stderr, /embedding train/);
    const a = await readFile(join(dir, 'heads-a', 'tiny-head', 'head.onnx'));
    const b = await readFile(join(dir, 'heads-b', 'tiny-head', 'head.onnx'));
    assert.ok(a.equals(b), 'identical head.onnx bytes from identical seeds');
    const card = JSON.parse(await readFile(join(dir, 'heads-a', 'tiny-head', 'card.json'), 'utf8'));
    assert.equal(card.search.length, 2);
    assert.equal(card.data.unreadable, 1, 'the broken test photo is counted and skipped');
    assert.ok(card.test.top1 > 0.3, `a head on real embeddings beats chance by far (got ${card.test.top1})`);
    assert.match(
      await readFile(join(dir, 'heads-a', 'tiny-head', 'card.md'), 'utf8'),
      /# Model card: tiny-head v1/,
    );
  });

  it('should evaluate the packaged model and print one JSON object', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        cli,
        'eval',
        '--recipe',
        join(dir, 'tiny.yaml'),
        '--data',
        join(dir, 'data'),
        '--split',
        'test',
        '--json',
        '--heads-dir',
        join(dir, 'heads-a'),
        '--out',
        join(dir, 'results'),
      ],
      { env: env(join(dir, 'cache-a')) },
    );
    const result = JSON.parse(stdout);
    assert.equal(result.n, 33);
    assert.equal(result.unreadable.length, 1);
    for (const key of ['top1', 'top2', 'macro_f1', 'ece'])
      assert.ok(result[key] >= 0 && result[key] <= 1, key);
    assert.ok(result.top2 >= result.top1);
    assert.equal(result.report.per_class.length, 11);
    assert.ok(result.per_source.length > 1);
    // The packaged graph and the head trained in TypeScript give the same test accuracy.
    const card = JSON.parse(await readFile(join(dir, 'heads-a', 'tiny-head', 'card.json'), 'utf8'));
    assert.ok(Math.abs(card.test.top1 - result.top1) < 1e-9);
    const svg = await readFile(join(dir, 'results', 'confusion-test.svg'), 'utf8');
    assert.match(svg, /^<svg/);
  });

  it('should predict the top three classes of image files and fail clearly on a bad one', async () => {
    const photo = join(dir, 'data', 'test', 'Rice', (await readdir(join(dir, 'data', 'test', 'Rice')))[0]!);
    const broken = join(dir, 'data', 'test', 'Bread', 'broken.jpg');
    const args = [
      cli,
      'predict',
      '--recipe',
      join(dir, 'tiny.yaml'),
      '--heads-dir',
      join(dir, 'heads-a'),
      '--json',
    ];
    const { stdout } = await run(process.execPath, [...args, photo], { env: env(join(dir, 'cache-a')) });
    const line = JSON.parse(stdout);
    assert.equal(line.top.length, 3);
    assert.ok(
      line.top[0].confidence >= line.top[1].confidence && line.top[1].confidence >= line.top[2].confidence,
    );
    await assert.rejects(
      run(process.execPath, [...args, photo, broken], { env: env(join(dir, 'cache-a')) }),
      (error: { code: number; stdout: string; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stderr, /broken\.jpg: image cannot be decoded/);
        assert.equal(error.stdout.trim().split('\n').length, 1, 'the good photo is still classified');
        return true;
      },
    );
  });

  it('should train a two-backbone head whose packaged graph scores exactly what its card says', async () => {
    const cache = env(join(dir, 'cache-a'));
    const common = [
      '--recipe',
      join(dir, 'tiny-duo.yaml'),
      '--data',
      join(dir, 'data'),
      '--heads-dir',
      join(dir, 'heads-a'),
    ];
    await run(process.execPath, [cli, 'train', ...common], { env: cache });
    const card = JSON.parse(await readFile(join(dir, 'heads-a', 'tiny-duo-head', 'card.json'), 'utf8'));
    assert.deepEqual(
      card.backbones.map((b: { name: string; input_size: number }) => `${b.name}@${b.input_size}`),
      ['mobilenetv2-12-int8@128', 'food11-mobilenetv2-int8@112'],
    );
    // 2560 × 11 weights + 11 biases (+ the calibration's two scalars): the head reads both embeddings.
    assert.ok(card.parameters >= 2560 * 11 + 11 && card.parameters < 2560 * 11 + 20, `${card.parameters}`);
    const { stdout } = await run(
      process.execPath,
      [cli, 'eval', ...common, '--split', 'test', '--json', '--out', join(dir, 'results-duo')],
      { env: cache },
    );
    const result = JSON.parse(stdout);
    assert.equal(result.n, 33);
    assert.ok(
      Math.abs(card.test.top1 - result.top1) < 1e-9,
      `card ${card.test.top1}, packaged ${result.top1}`,
    );
  });

  it('should score each held-out source with a head fitted on the others, beside the peer on the same photos', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        cli,
        'eval',
        '--recipe',
        join(dir, 'tiny.yaml'),
        '--data',
        join(dir, 'data'),
        '--protocol',
        'leave-source-out',
        '--peer',
        'food11-mobilenetv2-int8',
        '--json',
        '--out',
        join(dir, 'results-lso'),
      ],
      { env: env(join(dir, 'cache-a')) },
    );
    const result = JSON.parse(stdout);
    const sources = new Set<string>();
    for (const split of ['train', 'test'])
      for (const cls of await readdir(join(dir, 'data', split)))
        for (const file of await readdir(join(dir, 'data', split, cls)))
          if (file.includes('__')) sources.add(file.split('__')[0]!);
    assert.deepEqual(result.folds.map((f: { source: string }) => f.source).sort(), [...sources].sort());
    assert.equal(
      result.pooled.n,
      result.folds.reduce((sum: number, f: { n: number }) => sum + f.n, 0),
    );
    assert.equal(result.pooled.n, 121, 'every readable photo is held out exactly once');
    // Cheese photos are the only Dairy photos: held out, their class was never seen, and none can be right.
    const cheese = result.folds.find((f: { source: string }) => f.source === 'cheese');
    assert.deepEqual(cheese.classes_unseen, ['Dairy product']);
    assert.equal(cheese.top1, 0);
    for (const figures of [result.pooled, result.split, ...result.folds]) {
      const [low, high] = figures.interval;
      assert.ok(low <= figures.top1 && figures.top1 <= high && high - low > 0);
    }
    const peer = result.peers[0];
    assert.equal(peer.name, 'food11-mobilenetv2-int8');
    assert.equal(peer.pooled.n, result.pooled.n, 'the peer is scored on the same photos');
    assert.ok(peer.pooled.top1 > 1 / 11, `the course model beats chance (got ${peer.pooled.top1})`);
    const written = JSON.parse(
      await readFile(join(dir, 'results-lso', 'eval-leave-source-out.json'), 'utf8'),
    );
    assert.equal(written.pooled.top1, result.pooled.top1);
    assert.ok(result.split_validation.n > 0, 'the split head reports what it chose on');
    // The model card carries the same pooled figure (train ran these folds; eval reads them back).
    const card = JSON.parse(await readFile(join(dir, 'heads-a', 'tiny-head', 'card.json'), 'utf8'));
    assert.equal(card.leave_source_out.n, result.pooled.n);
    assert.equal(card.leave_source_out.top1, result.pooled.top1);
    assert.deepEqual(card.leave_source_out.interval, result.pooled.interval);
    assert.equal(card.test.interval.length, 2);
    assert.match(
      await readFile(join(dir, 'heads-a', 'tiny-head', 'card.md'), 'utf8'),
      /leave-source-out, pooled/,
    );
  });
});
