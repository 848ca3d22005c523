import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { projectPath } from '../../src/core/index.js';
import { classFolderName, food11Classes } from '../../src/data/index.js';
import type { CorrectionsProvenance } from '../../src/pipeline/train-corrections.js';

const run = promisify(execFile);
const data = process.env.GOURMETGRAM_DATA;
const cli = projectPath('dist', 'src', 'cli', 'main.js');

const recipe = `name: tiny
description: a fast recipe for tests
model:
  backbone: mobilenetv2-12-int8
  input_size: 128
  head: tiny-head
  training:
    augment_views: 0
    epochs: 8
    search: { hidden: [0], l2: [0.1], balance_classes: [true] }
`;

/**
 * A small dataset (8 train, 3 test photos per class) and a corrections export of other photos in the app's
 * export layout (`<Class>/<photo>.jpg` + corrections.csv), each "served" as the next class (a mistake).
 */
async function fixtures(dir: string): Promise<number> {
  let corrections = 0;
  const lines = [
    'photo_id,corrected_at,category,predicted_category,predicted_confidence,model,model_version,file',
  ];
  for (const [c, cls] of food11Classes.entries()) {
    const folder = classFolderName(cls);
    const files = (await readdir(join(data!, 'train', folder))).sort();
    for (const [split, take] of [
      ['train', files.filter((_, i) => i % 7 === 0).slice(0, 8)],
      [
        'test',
        (await readdir(join(data!, 'test', folder)))
          .sort()
          .filter((_, i) => i % 7 === 0)
          .slice(0, 3),
      ],
    ] as const) {
      await mkdir(join(dir, 'data', split, folder), { recursive: true });
      for (const file of take)
        await copyFile(join(data!, split, folder, file), join(dir, 'data', split, folder, file));
    }
    await mkdir(join(dir, 'export', folder), { recursive: true });
    for (const file of files.filter((_, i) => i % 7 === 3).slice(0, 4)) {
      const id = `c${c}x${corrections++}`;
      const rel = `${folder}/${id}.jpg`;
      await copyFile(join(data!, 'train', folder, file), join(dir, 'export', rel));
      const served = food11Classes[(c + 1) % food11Classes.length]!;
      lines.push(`${id},2026-12-01T00:00:00Z,${cls},${served},0.6,food11-latency,5,${rel}`);
    }
  }
  await writeFile(join(dir, 'export', 'corrections.csv'), `${lines.join('\n')}\n`);
  return corrections;
}

describe('gourmetgram train --corrections', { skip: data ? false : 'GOURMETGRAM_DATA is not set' }, () => {
  let dir: string;
  let total: number;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gg-train-corrections-'));
    total = await fixtures(dir);
    await writeFile(join(dir, 'tiny.yaml'), recipe);
  });

  it('should cap the corrections, hold some out, compare with the serving head and record it all in the card', async () => {
    const args = [
      'train',
      '--recipe',
      join(dir, 'tiny.yaml'),
      '--data',
      join(dir, 'data'),
      '--heads-dir',
      join(dir, 'heads'),
    ];
    const env = { ...process.env, GOURMETGRAM_CACHE: join(dir, 'cache') };
    await run(process.execPath, [cli, ...args], { env });
    const { stdout, stderr } = await run(
      process.execPath,
      [
        cli,
        ...args,
        '--corrections',
        join(dir, 'export'),
        '--corrections-cap',
        '0.1',
        '--corrections-holdout',
        '0.3',
      ],
      { env },
    );
    const summary = JSON.parse(stdout) as {
      version: number;
      dir: string;
      corrections: CorrectionsProvenance;
    };
    const p = summary.corrections;
    assert.equal(p.offered + p.held_out, total);
    assert.ok(p.held_out > 0 && p.offered > 0);
    // train is 8 per class minus the carved validation share; the cap is on the final training set.
    assert.ok(p.share <= 0.1 + 1e-9, `share ${p.share}`);
    assert.ok(p.used < p.offered, 'the cap took effect');
    assert.equal(
      Object.values(p.used_per_class).reduce((a, b) => a + b, 0),
      p.used,
    );
    assert.deepEqual(p.serving, { name: 'tiny-head', version: 1 });
    assert.equal(
      p.promotion.servingCorrections,
      0,
      'the serving head got every held-out corrected photo wrong',
    );
    assert.equal(p.promotion.correctionsN, p.held_out);
    const expected =
      p.promotion.candidateTest >= p.promotion.servingTest - 0.005 && p.promotion.candidateCorrections > 0;
    assert.equal(p.promotion.promote, expected);
    assert.equal(summary.version, 2);
    const where = p.promotion.promote
      ? join(dir, 'heads', 'tiny-head')
      : join(dir, 'heads', 'candidates', 'tiny-head');
    assert.equal(summary.dir, where);
    const card = JSON.parse(await readFile(join(where, 'card.json'), 'utf8')) as {
      corrections: CorrectionsProvenance;
    };
    assert.equal(card.corrections.csv_sha256.length, 64);
    assert.match(await readFile(join(where, 'card.md'), 'utf8'), /## Trained with user corrections/);
    assert.match(stderr, /embedding corrections/);
    assert.match(stderr, new RegExp(`promotion: ${p.promotion.promote ? 'yes' : 'no'}`));
  });
});
