import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { appErrorCodes } from '../../src/app/index.js';
import { benchErrorCodes } from '../../src/bench/index.js';
import { cliErrorCodes } from '../../src/cli/errors.js';
import { CodedError, coreErrorCodes, type ErrorCatalogue, projectPath } from '../../src/core/index.js';
import { dataErrorCodes } from '../../src/data/index.js';
import { deployErrorCodes } from '../../src/deploy/index.js';
import { httpErrorCodes, installErrorHandler } from '../../src/http/index.js';
import { inferenceErrorCodes } from '../../src/inference/index.js';
import { modelErrorCodes } from '../../src/models/index.js';
import { monitoringErrorCodes } from '../../src/monitoring/index.js';
import { recipeErrorCodes } from '../../src/recipes/index.js';
import { deckErrorCodes } from '../../src/report/index.js';
import { serverErrorCodes } from '../../src/server/index.js';
import { studyErrorCodes } from '../../src/study/index.js';
import { visionErrorCodes } from '../../src/vision/index.js';

const catalogues: Record<string, ErrorCatalogue> = {
  app: appErrorCodes,
  bench: benchErrorCodes,
  cli: cliErrorCodes,
  core: coreErrorCodes,
  data: dataErrorCodes,
  deck: deckErrorCodes,
  deploy: deployErrorCodes,
  http: httpErrorCodes,
  inference: inferenceErrorCodes,
  models: modelErrorCodes,
  monitoring: monitoringErrorCodes,
  recipes: recipeErrorCodes,
  server: serverErrorCodes,
  study: studyErrorCodes,
  vision: visionErrorCodes,
};
const all = Object.entries(catalogues).flatMap(([domain, codes]) =>
  Object.entries(codes).map(([code, info]) => ({ domain, code, ...info })),
);

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sources(full, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

describe('the error catalogue', () => {
  it('should list each code once, in one domain, with an HTTP status and a summary', () => {
    const seen = new Map<string, string>();
    for (const { domain, code, status, summary } of all) {
      assert.ok(!seen.has(code), `${code} is in both ${seen.get(code)} and ${domain}`);
      seen.set(code, domain);
      assert.match(code, /^GG_ERR_[A-Z0-9_]+$/);
      assert.ok(Number.isInteger(status) && status >= 400 && status < 600, `${code}: status ${status}`);
      assert.ok(summary.length > 10, `${code} needs a summary`);
    }
  });

  it('should hold every code the sources name, and every domain with an errors.ts', () => {
    const known = new Set(all.map((e) => e.code));
    const files = [...sources(projectPath('src')), ...sources(projectPath('bench'))];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const [code] of text.matchAll(/GG_ERR_[A-Z0-9_]*[A-Z0-9]/g))
        assert.ok(known.has(code), `${file} names ${code}, which no catalogue lists`);
      if (file.endsWith('/errors.ts'))
        assert.match(text, /satisfies ErrorCatalogue/, `${file} has no catalogue of its codes`);
      if (!file.endsWith('coded-error.ts'))
        assert.doesNotMatch(text, /extends Error\b/, `${file}: errors extend CodedError`);
    }
  });

  it('should answer every code over HTTP as {error, code} with its status, and Retry-After on 429/503', async () => {
    const app = Fastify({ logger: false });
    installErrorHandler(app);
    app.get<{ Params: { code: string } }>('/:code', async (request) => {
      const entry = all.find((e) => e.code === request.params.code)!;
      throw new CodedError(entry.code, entry.status, `thrown ${entry.code}`);
    });
    for (const { code, status } of all) {
      const res = await app.inject({ url: `/${code}` });
      assert.equal(res.statusCode, status, code);
      const body = res.json();
      assert.equal(body.code, code);
      assert.equal(typeof body.error, 'string');
      assert.deepEqual(Object.keys(body).sort(), ['code', 'error']);
      if (status === 429 || status === 503) assert.ok(Number(res.headers['retry-after']) >= 1, code);
    }
    await app.close();
  });
});
