#!/usr/bin/env node
/**
 * `gourmetgram <verb> [options]`: each verb is one thin file in this folder exporting `run(argv, env)`.
 */
import { readEnvironment } from './environment.js';
import { UsageError } from './errors.js';

export type VerbRunner = (
  argv: string[],
  env: ReturnType<typeof readEnvironment>,
) => Promise<number | undefined>;

const verbs: Record<string, { summary: string; load: () => Promise<{ run: VerbRunner }> }> = {
  train: { summary: "train a recipe's food head on a dataset folder", load: () => import('./train.js') },
  eval: { summary: "evaluate a recipe's packaged model on a split", load: () => import('./eval.js') },
  predict: { summary: 'print the top-3 classes of image files', load: () => import('./predict.js') },
  deploy: {
    summary: 'render a recipe for k8s, kserve, triton (manifests, model repository)',
    load: () => import('./deploy.js'),
  },
  cost: {
    summary: 'model a day of load under fixed, HPA and scale-to-zero provisioning',
    load: () => import('./cost.js'),
  },
  data: {
    summary: 'data check: duplicates, leakage, balance, suspected label errors',
    load: () => import('./data-check.js'),
  },
  analyse: { summary: "error analysis of a recipe's model on a split", load: () => import('./analyse.js') },
  serve: {
    summary: "serve a recipe's model over HTTP (OIP v2 + /predict)",
    load: () => import('./serve.js'),
  },
  app: { summary: 'run the GourmetGram web app (upload, browse, correct)', load: () => import('./app.js') },
  bench: {
    summary: 'measure recipes offline and under load beside the predecessor',
    load: () => import('./bench.js'),
  },
  study: {
    summary: 'ablation study: accuracy and speed per choice, Pareto front',
    load: () => import('./study.js'),
  },
  report: { summary: 'the executive deck (PDF) from the results files', load: () => import('./report.js') },
};

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    process.stdout.write(
      `usage: gourmetgram <verb> [options]\n\n${Object.entries(verbs)
        .map(([name, v]) => `  ${name.padEnd(10)} ${v.summary}`)
        .join('\n')}\n\nRun 'gourmetgram <verb> --help' for a verb's options.\n`,
    );
    return verb ? 0 : 2;
  }
  const entry = verbs[verb];
  if (!entry) {
    process.stderr.write(`gourmetgram: unknown verb '${verb}'; run 'gourmetgram --help'\n`);
    return 2;
  }
  const { run } = await entry.load();
  return (await run(rest, readEnvironment())) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`gourmetgram: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.GOURMETGRAM_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = isUsageMistake(error) ? 2 : 1;
  },
);

/** A mistake in the command line (ours, or node's parseArgs refusing a flag) exits 2; a failure exits 1. */
function isUsageMistake(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
}
