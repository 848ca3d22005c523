import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { RescoreReport } from '../../src/app/index.js';
import { projectPath } from '../../src/core/index.js';
import type { LocalClassifier } from '../../src/inference/index.js';
import { asLogDatabase, readPredictions } from '../../src/monitoring/index.js';
import { publishVersion } from '../../src/server/index.js';
import { createTestClassifier, foodPhoto } from '../app/fixtures.js';
import { adminToken, type Harness, startHarness, upload } from '../app/harness.js';
import { writeTinyModel } from '../server/tiny-model.js';

/** `gourmetgram rescore` on a real app's library: the real head served the uploads, tiny v2 is promoted. */
describe('gourmetgram rescore', () => {
  let h: Harness;
  let classifier: LocalClassifier;
  let repository: string;
  let ids: string[];
  let corrected: { id: string; category: string };

  const rescore = async (...extra: string[]): Promise<RescoreReport> => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        projectPath('dist', 'src', 'cli', 'main.js'),
        'rescore',
        '--data-dir',
        h.dir,
        '--database-url',
        join(h.dir, 'app.db'),
        '--model-repository',
        repository,
        '--name',
        'tiny',
        '--model',
        '2',
        ...extra,
      ],
      { env: process.env },
    );
    return JSON.parse(stdout) as RescoreReport;
  };

  before(async () => {
    classifier = await createTestClassifier();
    h = await startHarness(classifier, { uploadsPerMinute: 100_000 });
    ids = [];
    for (let i = 0; i < 5; i++) {
      const response = await upload(h.app, undefined, await foodPhoto(i * 2), { json: true });
      ids.push((response.json() as { id: string }).id);
    }
    // The admin corrects the first photo to a class the tiny model never answers for a real photo.
    const photo = (await h.app.inject({ method: 'GET', url: `/api/photos/${ids[0]}` })).json() as {
      category: string;
    };
    const category = photo.category === 'Soup' ? 'Egg' : 'Soup';
    const response = await h.app.inject({
      method: 'POST',
      url: `/photos/${ids[0]}/corrections`,
      headers: { authorization: `Bearer ${adminToken}`, accept: 'application/json' },
      payload: { category },
    });
    assert.equal(response.statusCode, 200, response.body);
    corrected = { id: ids[0]!, category };
    repository = await mkdtemp(join(tmpdir(), 'gg-rescore-repo-'));
    await publishVersion(repository, await writeTinyModel(undefined, 2));
  });

  after(async () => {
    await h?.close();
    await classifier?.close();
  });

  it('should stop at --limit and carry on where it stopped on the next run', async () => {
    const first = await rescore('--limit', '2');
    assert.deepEqual(
      {
        rescored: first.rescored,
        alreadyDone: first.alreadyDone,
        photos: first.photos,
        failed: first.failed,
      },
      { rescored: 2, alreadyDone: 0, photos: 5, failed: 0 },
    );
    const second = await rescore();
    assert.deepEqual([second.rescored, second.alreadyDone], [3, 2]);
    const third = await rescore();
    assert.deepEqual([third.rescored, third.alreadyDone], [0, 5]);
    assert.equal(first.correctionsKept + second.correctionsKept, 1);
  });

  it("should keep both versions' answers and never overwrite a user's correction", async () => {
    const log = await readPredictions(asLogDatabase(h.database.db));
    const old = log.filter((r) => r.role === 'serving');
    const rescored = log.filter((r) => r.role === 'rescore');
    assert.equal(old.length, 5);
    assert.ok(old.every((r) => r.model === 'food11-latency'));
    assert.equal(rescored.length, 5);
    assert.ok(rescored.every((r) => r.model === 'tiny' && r.version === 2 && r.probabilities?.length === 11));
    for (const id of ids) {
      const photo = (await h.app.inject({ method: 'GET', url: `/api/photos/${id}` })).json() as {
        category: string;
        predicted_category?: string;
        model?: string;
      };
      const answer = rescored.find((r) => r.photo_id === id)!;
      if (id === corrected.id) assert.equal(photo.category, corrected.category, 'the correction stands');
      else assert.equal(photo.category, answer.category, 'uncorrected photos show the new answer');
    }
    // The monitoring windows read serving rows only: a rescore is not traffic.
    assert.equal((await readPredictions(asLogDatabase(h.database.db), { role: 'serving' })).length, 5);
  });
});
