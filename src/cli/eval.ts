import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Split } from '../data/index.js';
import { evaluateRecipe, leaveSourceOut } from '../pipeline/index.js';
import { loadRecipe, projectPath } from '../recipes/index.js';
import { confusionMatrixSvg } from '../report/confusion-matrix-svg.js';
import type { Environment } from './environment.js';
import { leaveSourceOutTable } from './eval-tables.js';
import { progressReporter, stageProgress } from './progress.js';
import { dataDirFrom, storeOptions } from './store-options.js';

const usage = `usage: gourmetgram eval --recipe <file|name> [--data <dir>] [--split test|validation|train]
                       [--protocol split|leave-source-out] [--peer <backbone>]... [--json] [--out <dir>]
split (default): the packaged model on one split; writes <out>/eval-<split>.json, eval-<split>-predictions.json
  and confusion-<split>.svg (out: results/<recipe>).
leave-source-out: per source, a head fitted on every other source scores the held-out one; per-source and pooled
  figures beside the ordinary split; writes <out>/eval-leave-source-out.json.
--peer: also score that model with its own head (a backbone JSON with a classifier) on the same photos.`;

export async function run(argv: string[], env: Environment): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      recipe: { type: 'string' },
      data: { type: 'string' },
      split: { type: 'string', default: 'test' },
      protocol: { type: 'string', default: 'split' },
      peer: { type: 'string', multiple: true, default: [] },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      'heads-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.recipe) {
    process.stdout.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const split = values.split as Split;
  if (!['train', 'validation', 'test'].includes(split))
    throw new Error(`--split must be train, validation or test`);
  if (!['split', 'leave-source-out'].includes(values.protocol))
    throw new Error('--protocol must be split or leave-source-out');
  const recipe = await loadRecipe(values.recipe);
  const out = values.out ?? projectPath('results', recipe.name);
  if (values.protocol === 'leave-source-out') {
    const result = await leaveSourceOut({
      recipe,
      dataDir: dataDirFrom(values.data, env),
      store: storeOptions(env, values['heads-dir']),
      peers: values.peer,
      log: (line) => process.stderr.write(`${line}\n`),
      onProgress: stageProgress(),
    });
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'eval-leave-source-out.json'), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      values.json
        ? `${JSON.stringify(result)}\n`
        : `${leaveSourceOutTable(result)}\nwrote ${out}/eval-leave-source-out.json\n`,
    );
    return 0;
  }
  const result = await evaluateRecipe({
    recipe,
    dataDir: dataDirFrom(values.data, env),
    split,
    store: storeOptions(env, values['heads-dir']),
    peers: values.peer,
    onProgress: progressReporter(`evaluating ${recipe.name} on ${split}`),
  });
  await mkdir(out, { recursive: true });
  const { predictions, ...summary } = result;
  await writeFile(join(out, `eval-${split}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(join(out, `eval-${split}-predictions.json`), `${JSON.stringify(predictions)}\n`);
  await writeFile(
    join(out, `confusion-${split}.svg`),
    confusionMatrixSvg(
      result.report.confusion,
      result.report.classes,
      `${recipe.name} on ${split}: top-1 ${(result.top1 * 100).toFixed(1)}%`,
    ),
  );
  if (values.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  }
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const lines = [
    `${recipe.name}: model ${result.model.name} v${result.model.version} on ${split} (n=${result.n}, ${result.unreadable.length} unreadable)`,
    `top-1 ${pct(result.top1)}  top-2 ${pct(result.top2)}  macro-F1 ${pct(result.macro_f1)}  ECE ${result.ece.toFixed(3)}`,
    '',
    `${'class'.padEnd(18)}${'precision'.padStart(10)}${'recall'.padStart(10)}${'F1'.padStart(8)}${'support'.padStart(9)}`,
    ...result.report.per_class.map(
      (c) =>
        `${c.class.padEnd(18)}${pct(c.precision).padStart(10)}${pct(c.recall).padStart(10)}${pct(c.f1).padStart(8)}${String(c.support).padStart(9)}`,
    ),
    '',
    'per source:',
    ...result.per_source.map(
      (s) => `  ${s.group.padEnd(48)} n=${String(s.n).padStart(4)}  top-1 ${pct(s.top1)}`,
    ),
    ...(result.peers.length
      ? [
          '',
          'same photos, each model with its own head:',
          `  ${'ours'.padEnd(28)} top-1 ${pct(result.top1)} [${result.interval.map(pct).join(', ')}]  macro-F1 ${pct(result.macro_f1)}`,
          ...result.peers.map(
            (p) =>
              `  ${p.name.padEnd(28)} top-1 ${pct(p.top1)} [${p.interval.map(pct).join(', ')}]  macro-F1 ${pct(p.macro_f1)}`,
          ),
        ]
      : []),
    '',
    `wrote ${out}/eval-${split}.json and confusion-${split}.svg`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
