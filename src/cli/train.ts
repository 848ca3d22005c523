import { parseArgs } from 'node:util';
import { trainRecipeHead } from '../pipeline/index.js';
import { loadRecipe } from '../recipes/index.js';
import type { Environment } from './environment.js';
import { stageProgress } from './progress.js';
import { dataDirFrom, storeOptions } from './store-options.js';

const usage = `usage: gourmetgram train --recipe <file|name> [--data <dir>] [--heads-dir <dir>]
Trains the head the recipe's model section names and writes models/heads/<head>/ (head.onnx, card.json, card.md).`;

export async function run(argv: string[], env: Environment): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      recipe: { type: 'string' },
      data: { type: 'string' },
      'heads-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.recipe) {
    process.stdout.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const recipe = await loadRecipe(values.recipe);
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
