import type { Environment } from '../core/index.js';
import { ranked } from '../evaluation/index.js';
import { preparePackagedModel } from '../models/index.js';
import { classifyItems } from '../pipeline/index.js';
import { loadRecipe } from '../recipes/index.js';
import { UsageError } from './errors.js';
import { storeOptions } from './store-options.js';
import { defineVerb, type VerbValues } from './verb.js';

const usage =
  'usage: gourmetgram predict [--recipe <file|name>] [--json] [--heads-dir <dir>] <image...>\nPrints the top-3 classes of each image.';

const options = {
  recipe: { type: 'string', default: 'latency' },
  json: { type: 'boolean', default: false },
  'heads-dir': { type: 'string' },
} as const;

export const run = defineVerb({
  usage,
  options,
  positionals: true,
  run: ({ values, positionals }, env) => predict(values, positionals, env),
});

async function predict(
  values: VerbValues<typeof options>,
  positionals: string[],
  env: Environment,
): Promise<number> {
  if (positionals.length === 0) throw new UsageError('at least one image file is required');
  const recipe = await loadRecipe(values.recipe);
  const packaged = await preparePackagedModel(recipe.model, storeOptions(env, values['heads-dir']));
  const { rows, failures } = await classifyItems(
    packaged,
    positionals.map((path) => ({ path })),
  );
  let status = 0;
  positionals.forEach((path, i) => {
    const row = rows[i];
    if (!row) {
      const reason = failures.find((f) => f.path === path)?.reason ?? 'unreadable';
      process.stderr.write(`${path}: ${reason}\n`);
      status = 1;
      return;
    }
    const top = ranked(row, 0, row.length)
      .slice(0, 3)
      .map((c) => ({ category: packaged.classes[c]!, confidence: row[c]! }));
    if (values.json) process.stdout.write(`${JSON.stringify({ file: path, top })}\n`);
    else
      process.stdout.write(
        `${path}\n${top.map((t) => `  ${t.category.padEnd(16)} ${(t.confidence * 100).toFixed(1)}%`).join('\n')}\n`,
      );
  });
  return status;
}
