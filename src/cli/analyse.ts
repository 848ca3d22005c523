import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Split } from '../data/index.js';
import { defaultSliceThresholds, type ExampleOutcome, runErrorAnalysis } from '../evaluation/index.js';
import { loadRecipe } from '../recipes/index.js';
import { renderContactSheet, renderErrorAnalysisHtml } from '../report/index.js';
import { UsageError } from './errors.js';
import { progressReporter } from './progress.js';
import { dataDirFrom } from './store-options.js';
import { defineVerb, numberFlag } from './verb.js';

const usage = `usage: gourmetgram analyse --recipe <name|file> --data <dir> [--split test] [--out results/error-analysis/<recipe>] [--heads-dir models/heads]
       [--small-side 256] [--dark 80] [--bright 170]

Scores a split with the recipe's packaged model and writes error-analysis.json (confused pairs, top-1 by
source, by class × source and by slice), error-analysis.html and two contact sheets (lowest-confidence correct,
highest-confidence wrong) under --out (one folder per recipe by default, so the recipes can be compared).
--data defaults to GOURMETGRAM_DATA.
`;

const splits: readonly Split[] = ['train', 'validation', 'test'];

const options = {
  recipe: { type: 'string' },
  data: { type: 'string' },
  split: { type: 'string', default: 'test' },
  out: { type: 'string' },
  'heads-dir': { type: 'string' },
  'small-side': { type: 'string', default: String(defaultSliceThresholds.smallSide) },
  dark: { type: 'string', default: String(defaultSliceThresholds.dark) },
  bright: { type: 'string', default: String(defaultSliceThresholds.bright) },
} as const;

export const run = defineVerb({
  usage,
  options,
  required: ['recipe'],
  run: async ({ values }, env) => {
    const data = dataDirFrom(values.data, env);
    const split = values.split as Split;
    if (!splits.includes(split)) throw new UsageError(`--split must be one of ${splits.join(', ')}`);
    const thresholds = {
      smallSide: numberFlag('small-side', values['small-side']),
      dark: numberFlag('dark', values.dark),
      bright: numberFlag('bright', values.bright),
    };
    const recipe = await loadRecipe(values.recipe!);
    const out = values.out ?? join('results/error-analysis', recipe.name);
    process.stderr.write(
      `analyse: ${JSON.stringify({ recipe: recipe.name, data: resolve(data), split, out, thresholds })}\n`,
    );
    const result = await runErrorAnalysis(recipe, {
      data: resolve(data),
      split,
      mirrorDir: env.modelMirror,
      cacheDir: env.cacheDir,
      headsDir: values['heads-dir'],
      thresholds,
      onProgress: progressReporter('score'),
    });
    await mkdir(out, { recursive: true });
    const caption = (o: ExampleOutcome): string[] => [
      `${o.label} → ${o.predicted}`,
      `p ${o.confidence.toFixed(2)} · ${o.source}`,
      o.file.split('/').pop()!,
    ];
    const sheets: Record<string, string> = {
      'Highest-confidence wrong (true → predicted)': 'highest-confidence-wrong.jpg',
      'Lowest-confidence correct': 'lowest-confidence-correct.jpg',
    };
    const lists = [result.highest_confidence_wrong, result.lowest_confidence_correct];
    await Promise.all(
      Object.entries(sheets).map(async ([title, file], i) =>
        writeFile(
          join(out, file),
          await renderContactSheet(
            lists[i]!.map((o) => ({ image: join(data, o.file), lines: caption(o) })),
            { title },
          ),
        ),
      ),
    );
    await writeFile(join(out, 'error-analysis.json'), `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(join(out, 'error-analysis.html'), renderErrorAnalysisHtml(result, sheets));
    const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
    process.stdout.write(
      `${result.summary.n} photos, top-1 ${pct(result.summary.top1)}\n` +
        `by source: ${result.by_source.map((s) => `${s.group} ${pct(s.top1)} (n=${s.n})`).join(', ')}\n` +
        `slices: ${result.slices.map((s) => `${s.group} ${pct(s.top1)} (n=${s.n})`).join(', ')}\n` +
        `most confused: ${result.confused_pairs
          .slice(0, 5)
          .map((p) => `${p.true}→${p.predicted} ${p.count}`)
          .join(', ')}\n` +
        `wrote ${join(out, 'error-analysis.json')}, error-analysis.html and two contact sheets\n`,
    );
    return 0;
  },
});
