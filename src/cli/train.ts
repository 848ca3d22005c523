import type { Environment } from '../core/index.js';
import { trainRecipeHead } from '../pipeline/index.js';
import { loadRecipe } from '../recipes/index.js';
import { stageProgress } from './progress.js';
import { dataDirFrom, storeOptions } from './store-options.js';
import { defineVerb, numberFlag, type VerbValues } from './verb.js';

const usage = `usage: gourmetgram train --recipe <file|name> [--data <dir>] [--heads-dir <dir>]
                       [--corrections <export dir> [--corrections-cap 0.2] [--corrections-holdout 0.3]]
Trains the head the recipe's model section names and writes models/heads/<head>/ (head.onnx, card.json, card.md).
--corrections: the app's corrections export (POST /admin/corrections/export) as extra training data; a share
of them (by photo) is held out, the rest joins train capped at --corrections-cap of it. The candidate is compared
with the serving head on the same test split and on the held-out corrected photos; one that does not pass is
written to <heads-dir>/candidates/<head>/ instead of replacing the serving head. The model card records the
export, the counts and the comparison.`;

const options = {
  recipe: { type: 'string' },
  data: { type: 'string' },
  'heads-dir': { type: 'string' },
  corrections: { type: 'string' },
  'corrections-cap': { type: 'string' },
  'corrections-holdout': { type: 'string' },
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
    ...(values.corrections
      ? {
          corrections: {
            dir: values.corrections,
            // A fifth keeps the biased sample of fixed mistakes from dominating any class (a choice, not measured).
            cap: numberFlag('corrections-cap', values['corrections-cap'] ?? '0.2', { max: 0.9 }),
            holdout: numberFlag('corrections-holdout', values['corrections-holdout'] ?? '0.3', {
              inclusive: true,
              max: 0.9,
            }),
          },
        }
      : {}),
  });
  process.stdout.write(
    `${JSON.stringify({ head: card.name, version: card.version, dir, validation: card.validation, test: card.test, ...(card.corrections ? { corrections: card.corrections } : {}) })}\n`,
  );
  return 0;
}
