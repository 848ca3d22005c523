import { bullets, dollars, missingBox, paragraph, percent, perSecond, recipeLabel, table } from './format.js';
import { allRecipeFigures, costPerMillion, recommend } from './recipe-figures.js';
import type { ResultsSource } from './results-source.js';
import type { Slide } from './slide.js';

/** 14. The recommendation, its risks and what we would do next. */
export function recommendationSlide(source: ResultsSource): Slide {
  const figures = allRecipeFigures(source);
  const choice = recommend(figures);
  const other = figures.find((f) => f.name !== 'predecessor' && f.name !== choice?.name);
  const name = choice ? recipeLabel[choice.name] : 'the latency-first recipe';
  return {
    title: 'Recommendation, risks and next steps',
    headline: `Ship ${name}, autoscaled on requests in flight, with the browser guess as the first answer and the server as the source of truth.`,
    body: `<div class="cols"><div class="box">${paragraph('Why')}${bullets([
      `${percent(choice?.top1)} test top-1 at ${dollars(choice ? costPerMillion(choice, 'hpa') : undefined)} per million photos autoscaled.`,
      other
        ? `${recipeLabel[other.name]} reaches ${percent(other.top1)} at ${dollars(costPerMillion(other, 'hpa'))} per million: the option when accuracy matters more than cost.`
        : 'The other recipe is not measured yet.',
      `One replica sustains ${perSecond(choice?.sustainableRps)}, so a busy day needs few machines.`,
    ])}</div><div class="box">${paragraph('Risks')}${bullets([
      'Photos from new sources score lower than the test split: watch the label-free accuracy estimate and the correction rate.',
      "Costs are modelled from one machine's measurements; confirm on the target cluster with a load test.",
      'Several classes come from one source each in our data: gather real user photos for them first.',
    ])}${paragraph('Next')}${bullets([
      'Retrain monthly from user corrections, promoted only after it beats the serving model on the same test and on corrected photos.',
      'Measure on the genuine Food-11 photos when they are available.',
    ])}</div></div>`,
    notes: [
      'The rule behind the recommendation is on the first slide: within two points of the best accuracy, the lowest autoscaled cost per million photos.',
      'The risks are the honest limits of what we measured; each has a monitor or a next step attached.',
    ],
  };
}

/** 15. Appendix: the full side-by-side table, from the benchmark summary. */
export function appendixTableSlide(source: ResultsSource): Slide {
  const file = 'results/bench-summary.json';
  const rows = source.raw(file, 'summary.rows');
  const recipes = source.raw(file, 'summary.recipes');
  const body =
    Array.isArray(rows) && Array.isArray(recipes)
      ? table(
          ['Measure', ...recipes.map((r: string) => recipeLabel[r as keyof typeof recipeLabel] ?? r)],
          rows.slice(0, 16).map((row: { metric: string; values: unknown[] }, i: number) => [
            row.metric,
            ...row.values.map((_, j) => {
              const v = source.figure(file, `summary.rows.${i}.values.${j}`, `${row.metric} ${recipes[j]}`);
              return v === undefined ? '–' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
            }),
          ]),
        )
      : missingBox(source, file, 'gourmetgram bench --summary', 'benchmark summary');
  return {
    title: 'Appendix: the full comparison',
    headline: 'Every measure of the three recipes from one benchmark run, side by side.',
    body,
    notes: ['These rows are the benchmark summary file as written by gourmetgram bench --summary.'],
  };
}

/** 16. Appendix: how to reproduce every figure. */
export function reproduceSlide(_source: ResultsSource): Slide {
  const commands: [string, string][] = [
    ['Data check', 'gourmetgram data check --data <dataset> --out results/data-check'],
    ['Train a recipe', 'gourmetgram train --recipe <name>'],
    ['Test accuracy', 'gourmetgram eval --recipe <name> --split test'],
    ['Out-of-source accuracy', 'gourmetgram eval --recipe <name> --protocol leave-source-out'],
    ['Error analysis', 'gourmetgram analyse --recipe <name> --data <dataset>'],
    ['Speed and load', 'gourmetgram bench --all'],
    ['The floor', 'npm run bench:floor'],
    ['A day of load', 'gourmetgram cost --recipe <name> --trace traces/daily.json'],
    ['Faults and overload', 'npm run soak'],
    ['Browser classification', 'npm run bench:edge'],
    ['This deck', 'gourmetgram report --results results/ --out results/gourmetgram-findings.pdf'],
  ];
  return {
    title: 'Appendix: how to reproduce every figure',
    headline:
      'Each command writes a results file; this deck reads only those files. Its sidecar JSON lists every figure with its file and field.',
    body: table(
      ['Figure', 'Command'],
      commands.map(([what, command]) => [what, command]),
    ),
    notes: [
      'Run the commands in this order on a fresh clone (README: setup in two commands); then regenerate the deck.',
    ],
  };
}
