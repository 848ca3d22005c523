import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectPath } from '../../src/core/index.js';
import { readJsonLinesLog } from '../../src/monitoring/index.js';
import { publishVersion } from '../../src/server/index.js';
import { colourPhoto, writeTinyModel } from './tiny-model.js';

const recipeYaml = `name: tiny
description: drain test
model: { backbone: mobilenetv2-12-int8, input_size: 224, head: tiny }
serving: { instances: 1, max_batch_size: 8, max_queue_delay_ms: 400 }
`;

describe('gourmetgram serve', () => {
  it('should exit 1 with the reason when its port is taken', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gg-serve-'));
    await writeFile(join(dir, 'tiny.yaml'), recipeYaml);
    await publishVersion(join(dir, 'repo'), await writeTinyModel());
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const child = spawn(
        process.execPath,
        [
          projectPath('dist', 'src', 'cli', 'main.js'),
          'serve',
          '--recipe',
          join(dir, 'tiny.yaml'),
          '--port',
          String(port),
          '--host',
          '127.0.0.1',
          '--model-repository',
          join(dir, 'repo'),
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
      });
      const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      clearTimeout(killer);
      assert.equal(code, 1, stderr);
      assert.match(stderr, new RegExp(`cannot listen on 127.0.0.1:${port} \\(EADDRINUSE\\)`));
    } finally {
      blocker.close();
    }
  });

  it('should print its configuration, get ready, log predictions, and drain in-flight requests on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gg-serve-'));
    await writeFile(join(dir, 'tiny.yaml'), recipeYaml);
    await publishVersion(join(dir, 'repo'), await writeTinyModel());
    // A log file last written 40 days ago: past the 30-day retention, deleted when the server starts.
    const logDir = join(dir, 'predictions');
    await mkdir(logDir);
    const stale = join(logDir, 'predictions-2020-01-01T00-00-00-000Z.jsonl');
    await writeFile(stale, '{}\n');
    const old = new Date(Date.now() - 40 * 86_400_000);
    await utimes(stale, old, old);
    const child = spawn(
      process.execPath,
      [
        projectPath('dist', 'src', 'cli', 'main.js'),
        'serve',
        '--recipe',
        join(dir, 'tiny.yaml'),
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--model-repository',
        join(dir, 'repo'),
        '--log-dir',
        logDir,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, GOURMETGRAM_LOG_RETENTION_DAYS: '30' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk;
        const match = /"url":"([^"]+)","coldStartMs"/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
    assert.match(stderr, /effective configuration.*"max_queue_delay_ms":400/);
    assert.match(stderr, /"prediction_log":\{"dir":"[^"]+","retention_days":30\}/);
    const red = await colourPhoto('red');
    const inFlight = Array.from({ length: 3 }, () =>
      fetch(`${url}/predict`, { method: 'POST', body: red, headers: { 'content-type': 'image/jpeg' } }),
    );
    // The requests sit in the batching queue for 400 ms; SIGTERM arrives while they wait.
    while (!(await fetch(`${url}/metrics`).then((r) => r.text())).includes('gourmetgram_inflight_requests 3'))
      await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGTERM');
    const answers = await Promise.all(inFlight);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200],
    );
    assert.equal(((await answers[0]!.json()) as { category: string }).category, 'Bread');
    assert.equal(await exited, 0, stderr);
    assert.match(stdout, /"msg":"draining"/);
    await assert.rejects(fetch(`${url}/v2/health/live`), 'the port is closed after the drain');
    const files = await readdir(logDir);
    assert.ok(!files.includes('predictions-2020-01-01T00-00-00-000Z.jsonl'), `${files}`);
    const records = await readJsonLinesLog(logDir);
    assert.equal(records.length, 3, 'the drain flushes every logged prediction');
    for (const record of records) {
      assert.equal(record.source, 'server');
      assert.equal(record.category, 'Bread');
      assert.equal(record.probabilities?.length, 11);
      assert.ok(record.image && record.image.width > 0);
    }
  });
});
