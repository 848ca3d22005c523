import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Environment } from '../core/index.js';
import { defaultDataCheckOptions, runDataCheck } from '../data/index.js';
import { renderContactSheet, renderDataCheckHtml } from '../report/index.js';
import { UsageError } from './errors.js';
import { progressReporter } from './progress.js';
import { dataDirFrom } from './store-options.js';
import { defineVerb, numberFlag, type VerbRunner, type VerbValues } from './verb.js';

const usage = `usage: gourmetgram data check --data <dir> [--json] [--out results/data-check] [--folds 5]
       [--max-hamming 4] [--min-cosine 0.95] [--min-side 64] [--backbone mobilenetv2-12-int8]

Checks a dataset folder: unreadable/tiny files, exact and near duplicates (SHA-256, dHash, embedding cosine)
within and across splits, class balance, size and brightness per class and source, a source probe, and
suspected label errors (group k-fold out-of-fold heads + confident learning). Writes report.json,
report.html and suspected-label-errors.jpg under --out; --json prints the report on stdout.
--data defaults to GOURMETGRAM_DATA.
`;

const options = {
  data: { type: 'string' },
  json: { type: 'boolean', default: false },
  out: { type: 'string', default: 'results/data-check' },
  folds: { type: 'string', default: String(defaultDataCheckOptions.folds) },
  'max-hamming': { type: 'string', default: String(defaultDataCheckOptions.thresholds.maxHamming) },
  'min-cosine': { type: 'string', default: String(defaultDataCheckOptions.thresholds.minCosine) },
  'min-side': { type: 'string', default: String(defaultDataCheckOptions.minSide) },
  backbone: { type: 'string', default: defaultDataCheckOptions.backbone },
} as const;

const check = defineVerb({ usage, options, run: ({ values }, env) => dataCheck(values, env) });

/** `gourmetgram data check`: the one subcommand of `data`. */
export const run: VerbRunner = async (argv, env) => {
  const [sub, ...rest] = argv;
  if (sub === 'check') return check(rest, env);
  if (sub === '--help' || sub === '-h') return check(['--help'], env);
  throw Object.assign(new UsageError(`unknown subcommand '${sub ?? ''}' of data`), { usage });
};

async function dataCheck(values: VerbValues<typeof options>, env: Environment): Promise<number> {
  const data = dataDirFrom(values.data, env);
  const settings = {
    backbone: values.backbone,
    mirrorDir: env.modelMirror,
    cacheDir: env.cacheDir,
    minSide: numberFlag('min-side', values['min-side'], { integer: true }),
    folds: numberFlag('folds', values.folds, { integer: true, min: 2, inclusive: true }),
    thresholds: {
      ...defaultDataCheckOptions.thresholds,
      maxHamming: numberFlag('max-hamming', values['max-hamming'], { integer: true, inclusive: true }),
      minCosine: numberFlag('min-cosine', values['min-cosine'], { max: 1 }),
    },
  };
  process.stderr.write(
    `data check: ${JSON.stringify({ data: resolve(data), out: values.out, ...settings })}\n`,
  );
  const bars = new Map<string, (done: number, total: number) => void>();
  const report = await runDataCheck(resolve(data), {
    ...settings,
    onProgress: (stage, done, total) => {
      if (!bars.has(stage)) bars.set(stage, progressReporter(stage));
      bars.get(stage)!(done, total);
    },
  });
  await mkdir(values.out, { recursive: true });
  const sheet = 'suspected-label-errors.jpg';
  const top = report.suspected_label_errors.slice(0, 24);
  await writeFile(
    join(values.out, sheet),
    await renderContactSheet(
      top.map((s) => ({
        image: join(data, s.file),
        lines: [
          `${s.given} → ${s.suggested}`,
          `p ${s.self_confidence.toFixed(2)} vs ${s.suggested_probability.toFixed(2)}`,
          s.file.split('/').pop()!,
        ],
      })),
      { title: `Top ${top.length} suspected label errors: given → suggested` },
    ),
  );
  await writeFile(join(values.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(values.out, 'report.html'), renderDataCheckHtml(report, { contactSheet: sheet }));
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else
    process.stdout.write(
      `${report.files} files: ${report.unreadable.length} unreadable, ${report.tiny.length} tiny, ${report.duplicates.length} duplicate pairs, ` +
        `${report.leakage.length} copies across splits ${JSON.stringify(report.leakage_by_splits)}, ${report.similar_across_splits.length} similar scenes across splits, ${report.suspected_label_errors.length} suspected label errors ` +
        `(out-of-fold top-1 ${report.out_of_fold_top1}); source probe ${report.source_probe.top1} vs baseline ${report.source_probe.majority_baseline}\n` +
        `wrote ${join(values.out, 'report.json')}, report.html, ${sheet}\n`,
    );
  return 0;
}
