/**
 * `npm run soak [-- --short] [--only a,b] [--dist <build>/dist] [--out <file>]`: runs the registered fault
 * and overload scenarios against real processes on loopback and prints one row each: scenario, requests,
 * answers by status, recovery time, peak RSS, litter. Writes results/soak.json; exits 1 when a scenario's
 * check fails. `--dist` runs an older build (a scratch worktree's) for a before/after comparison.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareServeRepository } from '../src/bench/index.js';
import { projectPath, readEnvironment } from '../src/core/index.js';
import { loadRecipe } from '../src/recipes/index.js';
import { type SoakRow, soakScenarios, soakTable } from './soak/registry.js';
import './soak/app-scenarios.js';
import './soak/server-scenarios.js';

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    only: { type: 'string' },
    dist: { type: 'string', default: projectPath('dist') },
    out: { type: 'string', default: projectPath('results', 'soak.json') },
  },
});
// The scenarios' processes inherit the whole environment; the settings read here go through the one schema.
const env = process.env;
const environment = readEnvironment(env, (line) => process.stderr.write(`${line}\n`));
const short = values.short ?? false;
const dist = resolve(values.dist!);
const wanted = values.only?.split(',');
const chosen = soakScenarios().filter((s) => !wanted || wanted.includes(s.name));
if (chosen.length === 0) throw new Error(`no soak scenario named ${values.only}`);
const repository = await prepareServeRepository(await loadRecipe('latency'), {
  mirrorDir: environment.modelMirror,
  cacheDir: environment.cacheDir,
});
const started = performance.now();
const rows: SoakRow[] = [];
for (const scenario of chosen) {
  process.stderr.write(`soak: ${scenario.name}: ${scenario.description}\n`);
  const row = await scenario.run({
    short,
    dist,
    env,
    repository,
    log: (line) => process.stderr.write(`  ${line}\n`),
  });
  rows.push(row);
  for (const check of row.checks)
    process.stderr.write(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}\n`);
}

const { header, cells: table } = soakTable(rows);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
process.stdout.write(
  `${[line(header), line(widths.map((w) => '-'.repeat(w))), ...table.map(line)].join('\n')}\n`,
);
const failed = rows.flatMap((row) =>
  row.checks.filter((c) => !c.ok).map((c) => `${row.scenario}: ${c.name}`),
);
await mkdir(dirname(values.out!), { recursive: true });
await writeFile(
  values.out!,
  `${JSON.stringify(
    {
      schema: 'gourmetgram.soak/1',
      short,
      // relative to the project, so the committed file reads the same wherever the clone lies
      dist: relative(projectPath(), dist) || '.',
      seconds: (performance.now() - started) / 1000,
      rows,
      failed,
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(
  `soak: ${rows.length} scenarios in ${((performance.now() - started) / 1000).toFixed(0)} s; ${failed.length ? `FAILED: ${failed.join('; ')}` : 'every check passed'}\n`,
);
process.exitCode = failed.length ? 1 : 0;
