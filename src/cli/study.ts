import { type Environment, projectPath } from '../core/index.js';
import { runStudy } from '../study/index.js';
import { progressReporter } from './progress.js';
import { dataDirFrom, storeOptions } from './store-options.js';
import { defineVerb, type VerbValues } from './verb.js';

const usage = `usage: gourmetgram study [--quick] [--serving-recipe <name>] [--data <dir>] [--out <dir>]
Ablation: input resolution, flip TTA, head (softmax, MLP, softmax + neighbour memory), int8 vs fp32, ONNX Runtime
graph optimisation and threads (accuracy on validation, test reported; backbone latency and throughput), then
serving choices on the serving recipe's packaged model (inline vs workers, shrink-on-load, instances, batching).
Writes <out>/study.json and study-pareto-{p99,throughput}.svg (out: results; --quick writes study-quick.*).
Embeddings are cached, so reruns only time.`;

const options = {
  quick: { type: 'boolean', default: false },
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
    serving_recipe: values['serving-recipe'],
    data: dataDirFrom(values.data, env),
    out: values.out,
  };
  process.stderr.write(`${JSON.stringify({ msg: 'effective configuration', ...settings })}\n`);
  const bars = new Map<string, (done: number, total: number) => void>();
  const result = await runStudy({
    dataDir: settings.data,
    store: storeOptions(env),
    quick: settings.quick,
    servingRecipe: settings.serving_recipe,
    outDir: settings.out,
    log: (line) => process.stdout.write(`${line}\n`),
    onProgress: (stage, done, total) => {
      if (!bars.has(stage)) bars.set(stage, progressReporter(stage));
      bars.get(stage)!(done, total);
    },
  });
  process.stdout.write(`Pareto front (top-1 vs p99): ${result.pareto.p99.join(' | ')}\n`);
  process.stdout.write(`Pareto front (top-1 vs throughput): ${result.pareto.throughput.join(' | ')}\n`);
  return 0;
}
