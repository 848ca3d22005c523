import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { projectPath } from '../../src/core/index.js';
import { image } from '../../src/deploy/index.js';

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

describe('Dockerfile', () => {
  it('should build in one stage and run the server from a small non-root final stage that agrees with the manifests', async () => {
    const all = instructions(await readFile(projectPath('Dockerfile'), 'utf8'));
    const froms = all.flatMap((ins, i) => (ins.op === 'FROM' ? [i] : []));
    assert.ok(froms.length >= 2, 'multi-stage');
    const final = all.slice(froms.at(-1));
    const build = all.slice(froms[0], froms.at(-1));
    assert.match(final[0]!.args, /distroless\/nodejs.*:nonroot/);
    assert.ok(
      final.every((i) => i.op !== 'RUN'),
      'the final stage has no shell to run anything with',
    );
    assert.equal(final.find((i) => i.op === 'USER')?.args, `${image.uid}:${image.uid}`);
    assert.equal(final.find((i) => i.op === 'EXPOSE')?.args, String(image.port));
    const env = final
      .filter((i) => i.op === 'ENV')
      .map((i) => i.args)
      .join(' ');
    assert.match(env, new RegExp(`GOURMETGRAM_MODEL_MIRROR=${image.mirrorDir}\\b`));
    assert.match(env, new RegExp(`GOURMETGRAM_CACHE=${image.cacheDir}\\b`));
    const workdir = final.find((i) => i.op === 'WORKDIR')?.args;
    assert.equal(`${workdir}/recipes`, image.recipesDir);
    assert.ok(
      final.some((i) => i.op === 'COPY' && i.args.endsWith(' ./mirror')) &&
        `${workdir}/mirror` === image.mirrorDir,
    );
    assert.ok(build.some((i) => i.op === 'RUN' && i.args.includes('--target mirror --out /app/mirror')));
    assert.match(final.find((i) => i.op === 'CMD')?.args ?? '', /"serve", "--recipe"/);
    assert.ok(
      build.some((i) => i.op === 'RUN' && /npm prune --omit=dev/.test(i.args)),
      'dev dependencies are dropped',
    );
  });

  it('should send the build every path the build stage copies, and nothing else', async () => {
    const ignore = (await readFile(projectPath('.dockerignore'), 'utf8'))
      .split('\n')
      .filter((l) => l.startsWith('!'));
    const allowed = new Set(ignore.map((l) => l.slice(1).replace(/\/$/, '')));
    const copies = instructions(await readFile(projectPath('Dockerfile'), 'utf8')).filter(
      (i) => i.op === 'COPY' && !i.args.startsWith('--from'),
    );
    for (const copy of copies) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) assert.ok(allowed.has(source), `${source} is excluded by .dockerignore`);
    }
    assert.ok(!allowed.has('.cache') && !allowed.has('data') && !allowed.has('results'));
  });
});
