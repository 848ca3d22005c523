#!/usr/bin/env node
/**
 * `gourmetgram <verb> [options]`: each verb is one thin file in this folder, built with `defineVerb`.
 * Exit codes: 0 done, 1 failed, 2 a mistake in the flags (printed with the verb's usage) or the environment.
 */
import { readFileSync } from 'node:fs';
import { ConfigurationError, projectPath, readEnvironment } from '../core/index.js';
import { UsageError } from './errors.js';
import type { VerbRunner } from './verb.js';

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
  report: { summary: 'the executive deck (PDF) from the results files', load: () => import('./report.js') },
  monitor: {
    summary: 'drift tests on the prediction log (report) and the drift reference of a model (reference)',
    load: () => import('./monitor.js'),
  },
  rescore: {
    summary: 're-classify the stored photos with a promoted model version (resumable)',
    load: () => import('./rescore.js'),
  },
  study: {
    summary: 'ablation study: accuracy and speed per choice, Pareto front',
    load: () => import('./study.js'),
  },
};

const usage = `usage: gourmetgram <verb> [options]   (gourmetgram --version)\n\n${Object.entries(verbs)
  .map(([name, v]) => `  ${name.padEnd(10)} ${v.summary}`)
  .join('\n')}\n\nRun 'gourmetgram <verb> --help' for a verb's options.\n`;

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === '--version' || verb === '-V') {
    const { version } = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string };
    process.stdout.write(`gourmetgram ${version}\n`);
    return 0;
  }
  if (verb === '--help' || verb === '-h' || verb === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  if (!verb) throw Object.assign(new UsageError('a verb is required'), { usage });
  const entry = verbs[verb];
  if (!entry) throw Object.assign(new UsageError(`unknown verb '${verb}'`), { usage });
  const env = readEnvironment(process.env, (line) => process.stderr.write(`gourmetgram: ${line}\n`));
  const { run } = await entry.load();
  return (await run(rest, env)) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`gourmetgram: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) {
      if (error.usage) process.stderr.write(`\n${error.usage.trimEnd()}\n`);
      process.exitCode = 2;
      return;
    }
    if (error instanceof ConfigurationError) {
      process.exitCode = 2;
      return;
    }
    // The one read of process.env outside readEnvironment: a broken environment must still be debuggable.
    if (process.env.GOURMETGRAM_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  },
);
