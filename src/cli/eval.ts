import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Environment, projectPath } from '../core/index.js';
import type { Split } from '../data/index.js';
import { evaluateRecipe, leaveSourceOut } from '../pipeline/index.js';
import { loadRecipe } from '../recipes/index.js';
import { confusionMatrixSvg } from '../report/index.js';
import { UsageError } from './errors.js';
import { leaveSourceOutTable, splitTable } from './eval-tables.js';
import { progressReporter, stageProgress } from './progress.js';
import { dataDirFrom, storeOptions } from './store-options.js';
import { defineVerb, type VerbValues } from './verb.js';

const usage = `usage: gourmetgram eval --recipe <file|name> [--data <dir>] [--split test|validation|train]
                       [--protocol split|leave-source-out] [--peer <backbone>]... [--json] [--out <dir>]
split (default): the packaged model on one split; writes <out>/eval-<split>.json, eval-<split>-predictions.json
  and confusion-<split>.svg (out: results/<recipe>).
leave-source-out: per source, a head fitted on every other source scores the held-out one; per-source and pooled
  figures beside the ordinary split; writes <out>/eval-leave-source-out.json.
--peer: also score that model with its own head (a backbone JSON with a classifier) on the same photos.`;

const options = {
  recipe: { type: 'string' },
  data: { type: 'string' },
  split: { type: 'string', default: 'test' },
  protocol: { type: 'string', default: 'split' },
  peer: { type: 'string', multiple: true, default: [] as string[] },
  json: { type: 'boolean', default: false },
  out: { type: 'string' },
  'heads-dir': { type: 'string' },
} as const;

export const run = defineVerb({
  usage,
  options,
  required: ['recipe'],
  run: ({ values }, env) => evaluate(values, env),
});

async function evaluate(values: VerbValues<typeof options>, env: Environment): Promise<number> {
  const split = values.split as Split;
  if (!['train', 'validation', 'test'].includes(split))
    throw new UsageError(`--split must be train, validation or test`);
  if (!['split', 'leave-source-out'].includes(values.protocol))
    throw new UsageError('--protocol must be split or leave-source-out');
  const recipe = await loadRecipe(values.recipe!);
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
  process.stdout.write(`${splitTable(result, split, out)}\n`);
  return 0;
}
