import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createClassifier, type LocalClassifier } from '../../src/inference/index.js';
import { headDir } from '../../src/models/index.js';
import {
  asLogDatabase,
  countPredictions,
  loadReference,
  type MonitorSnapshot,
  type PredictionRecord,
  type Reference,
  readPredictions,
  referencePath,
} from '../../src/monitoring/index.js';
import { createTestClassifier, foodPhoto } from '../app/fixtures.js';
import { adminToken, type Harness, startHarness, upload, type Visitor, visit } from '../app/harness.js';
import { tinyRecipe } from '../server/harness.js';
import { writeTinyModel } from '../server/tiny-model.js';

const url = process.env.GOURMETGRAM_TEST_DATABASE_URL;
// PostgreSQL too where the app's own tests run it: the schedule's paging and counting queries differ by dialect.
const backends: { name: string; url?: string }[] = [
  { name: 'SQLite' },
  ...(url ? [{ name: 'PostgreSQL', url }] : []),
];

/** The monitoring the app does around its uploads: the real model, the real database, inject() requests. */
for (const backend of backends)
  describe(`monitoring in the app (${backend.name})`, () => {
    // A schema of its own on PostgreSQL, so parallel suites never see each other's rows.
    const schema = `gg_monitoring_test_${randomBytes(4).toString('hex')}`;
    let h: Harness;
    let classifier: LocalClassifier;
    let candidate: LocalClassifier;
    let reference: Reference;
    let visitor: Visitor;
    let photoIds: string[];

    before(async () => {
      classifier = await createTestClassifier();
      reference = await loadReference(referencePath(join(headDir('food11-latency'), '..'), 'food11-latency'));
      // The candidate: the tiny test model (a real ONNX graph that disagrees with the real head most of the time).
      candidate = await createClassifier(tinyRecipe(), { model: await writeTinyModel() });
      h = await startHarness(classifier, {
        references: [reference],
        uploadsPerMinute: 100_000,
        edgeModel: classifier.model,
        shadow: candidate,
        // The smallest window the settings allow, so a few dozen uploads make two windows.
        monitoring: { drift: { window: 20 } },
        ...(backend.url ? { databaseUrl: backend.url, schema } : {}),
      });
      visitor = await visit(h.app);
      photoIds = [];
      for (let i = 0; i < 4; i++) {
        const response = await upload(h.app, visitor, await foodPhoto(i), { json: true });
        assert.equal(response.statusCode, 201, response.body);
        photoIds.push((response.json() as { id: string }).id);
      }
    });

    after(async () => {
      if (h && backend.url) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(h.database.db);
      await h?.close();
      await classifier?.close();
      await candidate?.close();
    });

    it("should log the browser's guess beside the server's answer for the same photo", async () => {
      const [serving] = (await readPredictions(asLogDatabase(h.database.db), { role: 'serving' })).filter(
        (r) => r.photo_id === photoIds[0],
      );
      assert.ok(serving);
      const other = reference.classes.find((c) => c !== serving.category)!;
      const response = await h.app.inject({
        method: 'POST',
        url: `/photos/${photoIds[0]}/edge-guess`,
        headers: { cookie: visitor.cookie, 'x-csrf-token': visitor.csrf, 'content-type': 'application/json' },
        payload: { category: other, confidence: 0.61, elapsed_ms: 84.5, model: serving.model, version: 3 },
      });
      assert.equal(response.statusCode, 204, response.body);
      const edge = (await readPredictions(asLogDatabase(h.database.db))).filter(
        (r: PredictionRecord) => r.role === 'edge',
      );
      assert.equal(edge.length, 1);
      assert.deepEqual(
        { ...edge[0], time: undefined },
        {
          time: undefined,
          source: 'browser',
          role: 'edge',
          photo_id: photoIds[0],
          model: serving.model,
          version: 3,
          category: other,
          confidence: 0.61,
          probabilities: null,
          latency_ms: 84.5,
          image: null,
          projection: null,
          projection_seed: null,
        },
      );
      const servingOnly = await readPredictions(asLogDatabase(h.database.db), { role: 'serving' });
      assert.equal(servingOnly.length, 4, 'the guess never counts as a serving prediction');
    });

    it('should export uploads, classes, latency and confidence on /metrics', async () => {
      const response = await h.app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(response.statusCode, 200);
      assert.match(response.headers['content-type'] as string, /^text\/plain/);
      const text = response.body;
      assert.match(text, /^gourmetgram_uploads_total 4$/m);
      assert.match(text, /^gourmetgram_prediction_confidence_count 4$/m);
      assert.match(text, /^gourmetgram_classification_duration_seconds_count 4$/m);
      const perClass = [
        ...text.matchAll(/^gourmetgram_predictions_total\{[^}]*role="serving"[^}]*\} (\d+)$/gm),
      ];
      assert.equal(
        perClass.reduce((sum, m) => sum + Number(m[1]), 0),
        4,
      );
      assert.match(text, /^gourmetgram_requests_total\{route="\/upload",code="201"\} 4$/m);
      assert.match(text, /^gourmetgram_process_cpu_seconds_total /m);
    });

    it('should keep the monitoring views for the admin and say there is no full window yet', async () => {
      const anonymous = await h.app.inject({ method: 'GET', url: '/admin/dashboard' });
      assert.ok([401, 403].includes(anonymous.statusCode), String(anonymous.statusCode));
      const auth = { authorization: `Bearer ${adminToken}` };
      const snapshot = await h.app.inject({
        method: 'POST',
        url: '/admin/monitoring/evaluate',
        headers: auth,
      });
      assert.equal(snapshot.statusCode, 200, snapshot.body);
      const body = snapshot.json() as { note: string; alerts: { name: string; state: string }[] };
      assert.match(body.note, /fewer than 20 predictions/);
      assert.deepEqual(
        body.alerts.map((a) => [a.name, a.state]),
        [
          ['data_drift', 'ok'],
          ['accuracy_drop', 'ok'],
          ['correction_rate_rise', 'ok'],
          ['error_rate', 'ok'],
          ['latency_p99', 'ok'],
        ],
      );
      const page = await h.app.inject({ method: 'GET', url: '/admin/dashboard', headers: auth });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Monitoring<\/h1>/);
      assert.match(page.body, /No full window of uploads yet/);
      const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
      assert.match(metrics.body, /^gourmetgram_alert_state\{alert="data_drift"\} 0$/m);
    });

    it('should let a shadow version answer every upload beside the serving one, logged and compared, never shown', async () => {
      const db = asLogDatabase(h.database.db);
      while ((await countPredictions(db, { role: 'shadow' })) < photoIds.length)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const shadow = await readPredictions(db, { role: 'shadow' });
      const serving = await readPredictions(db, { role: 'serving' });
      assert.deepEqual(shadow.map((r) => r.photo_id).sort(), [...photoIds].sort());
      for (const record of shadow) {
        assert.equal(record.model, 'tiny');
        const shown = (
          await h.app.inject({ method: 'GET', url: `/api/photos/${record.photo_id}` })
        ).json() as {
          category: string;
        };
        const answered = serving.find((r) => r.photo_id === record.photo_id)!;
        assert.equal(shown.category, answered.category, "the photo shows the serving model's answer");
      }
      const auth = { authorization: `Bearer ${adminToken}` };
      const snapshot = (
        await h.app.inject({ method: 'POST', url: '/admin/monitoring/evaluate', headers: auth })
      ).json() as MonitorSnapshot;
      const agreeing = shadow.filter(
        (r) => serving.find((s) => s.photo_id === r.photo_id)!.category === r.category,
      ).length;
      assert.equal(snapshot.shadow?.n, photoIds.length);
      assert.equal(snapshot.shadow?.agreement, agreeing / photoIds.length);
      assert.equal(
        snapshot.shadow?.perClass.reduce((sum, c) => sum + c.n, 0),
        photoIds.length,
      );
      const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
      const counted = [...metrics.matchAll(/^gourmetgram_shadow_predictions_total\{[^}]*\} (\d+)$/gm)];
      assert.equal(
        counted.reduce((sum, m) => sum + Number(m[1]), 0),
        photoIds.length,
      );
      const page = await h.app.inject({ method: 'GET', url: '/admin/dashboard', headers: auth });
      assert.match(page.body, /<h2>Shadow model<\/h2>/);
      assert.match(page.body, /Candidate <strong>tiny v1<\/strong> answered 4 uploads/);
    });

    it('should page the newest windows out of the log and test each one', async () => {
      for (let i = photoIds.length; i < 40; i++) {
        const response = await upload(h.app, visitor, await foodPhoto(i), { json: true });
        assert.equal(response.statusCode, 201, response.body);
      }
      const response = await h.app.inject({
        method: 'POST',
        url: '/admin/monitoring/evaluate',
        headers: { authorization: `Bearer ${adminToken}` },
      });
      const snapshot = response.json() as MonitorSnapshot;
      assert.equal(snapshot.note, null);
      assert.deepEqual(
        snapshot.report!.windows.map((w) => w.n),
        [20, 20],
      );
      assert.deepEqual(
        snapshot.summaries.map((s) => s.n),
        [20, 20],
      );
      const serving = await readPredictions(asLogDatabase(h.database.db), { role: 'serving' });
      assert.equal(snapshot.report!.windows[1]!.end, serving[39]!.time);
      assert.ok(snapshot.report!.windows[1]!.tests.some((t) => t.name === 'embedding_mmd'));
      assert.ok(snapshot.report!.windows[1]!.tests.some((t) => t.name === 'correction_rate'));
    });
  });
