import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { parse } from 'yaml';
import { projectPath } from '../../src/core/index.js';

const run = promisify(execFile);
const cli = projectPath('dist', 'src', 'cli', 'main.js');

async function gourmetgram(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('deploy and cost commands', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gg-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('should write valid manifests for the latency recipe', async () => {
    const out = join(dir, 'k8s');
    const result = await gourmetgram(
      'deploy',
      '--recipe',
      'latency',
      '--target',
      'k8s',
      '--out',
      out,
      '--image',
      'example/gg:1',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim().split('\n').length, 6);
    const deployment = parse(await readFile(join(out, 'deployment.yaml'), 'utf8'));
    new Deployment(deployment).validate();
    assert.equal(deployment.spec.template.spec.containers[0].image, 'example/gg:1');
    new HorizontalPodAutoscaler(parse(await readFile(join(out, 'hpa.yaml'), 'utf8'))).validate();
  });

  it('should reject an unknown target with a usage error', async () => {
    const result = await gourmetgram('deploy', '--recipe', 'latency', '--target', 'swarm', '--out', dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown target 'swarm'/);
  });

  it('should refuse to model cost without measured figures', async () => {
    const result = await gourmetgram(
      'cost',
      '--recipe',
      'latency',
      '--trace',
      projectPath('traces', 'daily.json'),
      '--results',
      dir,
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /never invents them/);
  });

  it('should compare the three policies from figures given as flags and write JSON and SVG', async () => {
    const prefix = join(dir, 'cost');
    const result = await gourmetgram(
      'cost',
      '--recipe',
      'latency',
      '--trace',
      projectPath('traces', 'daily.json'),
      '--results',
      dir,
      '--out',
      prefix,
      '--throughput-rps',
      '200',
      '--latency-target-ms',
      '100',
      '--p50-ms',
      '8',
      '--cold-start-s',
      '1.5',
      '--memory-mib',
      '380',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\$0\.04 per vCPU-hour, \$0\.005 per GiB-hour/);
    const report = JSON.parse(await readFile(`${prefix}.json`, 'utf8'));
    assert.deepEqual(
      report.policies.map((p: { name: string }) => p.name),
      ['fixed-peak', 'hpa', 'scale-to-zero'],
    );
    const [fixed, hpa] = report.policies;
    assert.equal(fixed.overTargetShare, 0);
    assert.ok(hpa.replicaHours < fixed.replicaHours);
    assert.equal(fixed.minutes.length, 1440);
    const svg = await readFile(`${prefix}.svg`, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((svg.match(/<polyline/g) ?? []).length >= 6, true);
  });
});
