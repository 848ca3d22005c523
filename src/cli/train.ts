import type { Environment } from '../core/index.js';
import { trainRecipeHead } from '../pipeline/index.js';
import { loadRecipe } from '../recipes/index.js';
import { stageProgress } from './progress.js';
import { dataDirFrom, storeOptions } from './store-options.js';
import { defineVerb, type VerbValues } from './verb.js';

const usage = `usage: gourmetgram train --recipe <file|name> [--data <dir>] [--heads-dir <dir>]
Trains the head the recipe's model section names and writes models/heads/<head>/ (head.onnx, card.json, card.md).`;

const options = {
  recipe: { type: 'string' },
  data: { type: 'string' },
  'heads-dir': { type: 'string' },
} as const;

export const run = defineVerb({
  usage,
  options,
  required: ['recipe'],
  run: ({ values }, env) => train(values, env),
});

async function train(values: VerbValues<typeof options>, env: Environment): Promise<number> {
  const recipe = await loadRecipe(values.recipe!);
  const { card, dir } = await trainRecipeHead({
    recipe,
    dataDir: dataDirFrom(values.data, env),
    store: storeOptions(env, values['heads-dir']),
    log: (line) => process.stderr.write(`${line}\n`),
    onProgress: stageProgress(),
  });
  process.stdout.write(
    `${JSON.stringify({ head: card.name, version: card.version, dir, validation: card.validation, test: card.test })}\n`,
  );
  return 0;
}
