import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Split } from '../data/index.js';
import { evaluateRecipe } from '../pipeline/index.js';
import { loadRecipe, projectPath } from '../recipes/index.js';
import { confusionMatrixSvg } from '../report/confusion-matrix-svg.js';
import type { Environment } from './environment.js';
import { progressReporter } from './progress.js';
import { dataDirFrom, storeOptions } from './store-options.js';

const usage = `usage: gourmetgram eval --recipe <file|name> [--data <dir>] [--split test|validation|train] [--json] [--out <dir>]
Writes <out>/eval-<split>.json, eval-<split>-predictions.json and confusion-<split>.svg (out: results/<recipe>).`;

export async function run(argv: string[], env: Environment): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      recipe: { type: 'string' },
      data: { type: 'string' },
      split: { type: 'string', default: 'test' },
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
  const recipe = await loadRecipe(values.recipe);
  const result = await evaluateRecipe({
    recipe,
    dataDir: dataDirFrom(values.data, env),
    split,
    store: storeOptions(env, values['heads-dir']),
    onProgress: progressReporter(`evaluating ${recipe.name} on ${split}`),
  });
  const out = values.out ?? projectPath('results', recipe.name);
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
    '',
    `wrote ${out}/eval-${split}.json and confusion-${split}.svg`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
