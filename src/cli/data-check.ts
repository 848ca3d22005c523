import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataCheckOptions, renderDataCheckHtml, runDataCheck } from '../data/index.js';
import { renderContactSheet } from '../report/contact-sheet.js';
import { UsageError } from './errors.js';
import type { VerbRunner } from './main.js';
import { progressReporter } from './progress.js';

const usage = `usage: gourmetgram data check --data <dir> [--json] [--out results/data-check] [--folds 5]
       [--max-hamming 4] [--min-cosine 0.95] [--min-side 64] [--backbone mobilenetv2-12-int8]

Checks a dataset folder: unreadable/tiny files, exact and near duplicates (SHA-256, dHash, embedding cosine)
within and across splits, class balance, size and brightness per class and source, a source probe, and
suspected label errors (group k-fold out-of-fold heads + confident learning). Writes report.json,
report.html and suspected-label-errors.jpg under --out; --json prints the report on stdout.
--data defaults to GOURMETGRAM_DATA.
`;

export const run: VerbRunner = async (argv, env) => {
  const [sub, ...rest] = argv;
  if (sub !== 'check') {
    process.stderr.write(
      sub === '--help' || sub === '-h'
        ? usage
        : `gourmetgram data: unknown subcommand '${sub ?? ''}'\n${usage}`,
    );
    return sub === '--help' || sub === '-h' ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      data: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string', default: 'results/data-check' },
      folds: { type: 'string', default: String(defaultDataCheckOptions.folds) },
      'max-hamming': { type: 'string', default: String(defaultDataCheckOptions.thresholds.maxHamming) },
      'min-cosine': { type: 'string', default: String(defaultDataCheckOptions.thresholds.minCosine) },
      'min-side': { type: 'string', default: String(defaultDataCheckOptions.minSide) },
      backbone: { type: 'string', default: defaultDataCheckOptions.backbone },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const data = values.data ?? env.values.DATA;
  if (!data) {
    process.stderr.write(`gourmetgram data check: --data <dir> (or GOURMETGRAM_DATA) is required\n${usage}`);
    return 2;
  }
  const settings = {
    backbone: values.backbone,
    mirrorDir: env.modelMirror,
    cacheDir: env.cacheDir,
    minSide: positive(values['min-side'], 'min-side'),
    folds: positive(values.folds, 'folds'),
    thresholds: {
      ...defaultDataCheckOptions.thresholds,
      maxHamming: positive(values['max-hamming'], 'max-hamming', true),
      minCosine: Number(values['min-cosine']),
    },
  };
  if (!(settings.thresholds.minCosine > 0 && settings.thresholds.minCosine <= 1))
    throw new UsageError('--min-cosine must be in (0, 1]');
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
        image: join(report.root, s.file),
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
};

function positive(text: string, name: string, zeroOk = false): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < (zeroOk ? 0 : 1))
    throw new UsageError(
      `--${name} must be a ${zeroOk ? 'non-negative' : 'positive'} integer, got '${text}'`,
    );
  return value;
}
