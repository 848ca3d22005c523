import { type Environment, projectPath } from '../core/index.js';
import { loadRecipe } from '../recipes/index.js';
import { runBackboneStudy, runHeadCvStudy, runStudy } from '../study/index.js';
import { UsageError } from './errors.js';
import { progressReporter } from './progress.js';
import { dataDirFrom, storeOptions } from './store-options.js';
import { defineVerb, numberFlag, type VerbValues } from './verb.js';

const usage = `usage: gourmetgram study [--quick | --backbones] [--serving-recipe <name>] [--data <dir>] [--out <dir>]
       gourmetgram study --head-cv --recipe <name|file> [--views 0,4] [--folds 5] [--data <dir>] [--out <dir>]
Ablation: input resolution, flip TTA, head (softmax, MLP, softmax + neighbour memory), int8 vs fp32, ONNX Runtime
graph optimisation and threads (accuracy on validation, test reported; backbone latency and throughput), then
serving choices on the serving recipe's packaged model (inline vs workers, shrink-on-load, instances, batching).
Writes <out>/study.json and study-pareto-{p99,throughput}.svg (out: results; --quick writes study-quick.*).
Embeddings are cached, so reruns only time.
--backbones: instead, each backbone and each combination (zoo, edgetpu, course, ...) with the same head:
validation top-1 (what a recipe chooses on), test and leave-source-out pooled top-1 (reported), ms per photo and
graph size, the course's model as a peer; writes <out>/study-backbones.json and study-backbones-pareto.svg.
--head-cv: the recipe's head grid for each number of random training views in --views (default: none and the
recipe's own), scored by group k-fold cross-validation over train + validation, every photo once, with the
photos each variant gains and loses against the first; test is never read. Writes <out>/<recipe>/head-cv.json.`;

const options = {
  quick: { type: 'boolean', default: false },
  backbones: { type: 'boolean', default: false },
  'head-cv': { type: 'boolean', default: false },
  recipe: { type: 'string' },
  views: { type: 'string' },
  folds: { type: 'string', default: '5' },
  'serving-recipe': { type: 'string', default: 'latency' },
  data: { type: 'string' },
  out: { type: 'string', default: projectPath('results') },
} as const;

export const run = defineVerb({
  usage,
  options,
  run: ({ values }, env) => study(values, env),
});

async function study(values: VerbValues<typeof options>, env: Environment): Promise<number> {
  const settings = {
    quick: values.quick,
    backbones: values.backbones,
    serving_recipe: values['serving-recipe'],
    data: dataDirFrom(values.data, env),
    out: values.out,
  };
  process.stderr.write(`${JSON.stringify({ msg: 'effective configuration', ...settings })}\n`);
  const bars = new Map<string, (done: number, total: number) => void>();
  const onProgress = (stage: string, done: number, total: number) => {
    if (!bars.has(stage)) bars.set(stage, progressReporter(stage));
    bars.get(stage)!(done, total);
  };
  if (values['head-cv']) {
    if (settings.quick || settings.backbones)
      throw new UsageError('--head-cv does not combine with --quick or --backbones');
    if (!values.recipe) throw new UsageError('--head-cv needs --recipe');
    const recipe = await loadRecipe(values.recipe);
    const views = (values.views ?? `0,${recipe.model.training.augment_views}`)
      .split(',')
      .map((v) => numberFlag('views', v, { integer: true, inclusive: true, max: 16 }));
    await runHeadCvStudy({
      recipe,
      dataDir: settings.data,
      store: storeOptions(env),
      views: [...new Set(views)],
      folds: numberFlag('folds', values.folds, { integer: true, min: 2, inclusive: true, max: 20 }),
      outDir: settings.out,
      log: (line) => process.stdout.write(`${line}\n`),
      onProgress,
    });
    return 0;
  }
  if (settings.backbones) {
    if (settings.quick) throw new UsageError('--backbones and --quick do not combine');
    const result = await runBackboneStudy({
      dataDir: settings.data,
      store: storeOptions(env),
      outDir: settings.out,
      log: (line) => process.stdout.write(`${line}\n`),
      onProgress,
    });
    process.stdout.write(`Pareto front (validation top-1 vs p50): ${result.pareto.p50.join(' | ')}\n`);
    return 0;
  }
  const result = await runStudy({
    dataDir: settings.data,
    store: storeOptions(env),
    quick: settings.quick,
    servingRecipe: settings.serving_recipe,
    outDir: settings.out,
    log: (line) => process.stdout.write(`${line}\n`),
    onProgress,
  });
  process.stdout.write(`Pareto front (top-1 vs p99): ${result.pareto.p99.join(' | ')}\n`);
  process.stdout.write(`Pareto front (top-1 vs throughput): ${result.pareto.throughput.join(' | ')}\n`);
  return 0;
}
