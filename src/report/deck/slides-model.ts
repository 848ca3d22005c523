import { wilsonInterval } from '../../evaluation/index.js';
import { type Bar, barChartSvg } from '../bar-chart-svg.js';
import {
  bullets,
  count,
  missingBox,
  paragraph,
  peerColour,
  percent,
  type RecipeName,
  recipeColour,
  recipeLabel,
  recipeNames,
  table,
} from './format.js';
import { allRecipeFigures, recommend } from './recipe-figures.js';
import type { ResultsSource } from './results-source.js';
import type { Slide } from './slide.js';

/** Backbone names of a recipe: `model.backbone`, then any `model.extra_backbones` (the schema's two keys). */
function recipeBackbones(source: ResultsSource, name: RecipeName): string[] {
  const file = `recipes/${name}.yaml`;
  const one = source.text(file, 'model.backbone', `${name} backbone`);
  const extra = source.raw(file, 'model.extra_backbones');
  const more = Array.isArray(extra)
    ? extra.map(
        (_, i) => source.text(file, `model.extra_backbones.${i}.name`, `${name} backbone ${i + 2}`) ?? '?',
      )
    : [];
  return [...(one ? [one] : []), ...more];
}

/** One backbone as its name and size; its ImageNet top-1 goes to the notes, the table cell stays one line. */
function backboneDescription(source: ResultsSource, backbone: string): { cell: string; imagenet?: string } {
  const file = `models/backbones/${backbone}.json`;
  const bytes = source.figure(file, 'bytes', `${backbone} bytes`);
  const top1 = source.figure(file, 'imagenet_top1', `${backbone} ImageNet top-1`);
  const size = bytes === undefined ? '' : ` (${(bytes / 1e6).toFixed(1)} MB)`;
  const imagenet = top1 === undefined ? undefined : `${backbone} ${percent(top1 > 1 ? top1 / 100 : top1)}`;
  return { cell: `${backbone}${size}`, ...(imagenet ? { imagenet } : {}) };
}

/** 4. Training choices of the three recipes side by side, differing rows highlighted. */
export function choicesSlide(source: ResultsSource): Slide {
  const column = (name: RecipeName) => {
    const recipe = `recipes/${name}.yaml`;
    const head = source.text(recipe, 'model.head', `${name} head`) ?? '';
    const card = `models/heads/${head}/card.json`;
    const hidden = source.figure(card, 'hyper_parameters.hidden', `${name} head hidden units`);
    const memoryWeight = source.figure(card, 'hyper_parameters.memory.weight', `${name} memory weight`);
    const views = source.figure(recipe, 'model.training.augment_views', `${name} augmented views`);
    const flip = source.raw(recipe, 'model.tta.flip');
    return [
      recipeBackbones(source, name)
        .map((b) => backboneDescription(source, b).cell)
        .join(' + '),
      source.text(recipe, 'model.precision', `${name} precision`) ?? '–',
      `${count(source.figure(recipe, 'model.input_size', `${name} input size`))} px`,
      flip === true ? 'mirror image averaged' : 'none',
      hidden ? `MLP, ${count(hidden)} hidden units` : 'softmax (linear)',
      memoryWeight ? `yes, weight ${memoryWeight}` : 'no',
      views ? `${count(views)} random crops per photo` : 'centre crop only',
      source.raw(card, 'hyper_parameters.temperature') !== undefined ? 'temperature-scaled' : 'no',
    ];
  };
  const columns = recipeNames.map(column);
  const imagenet = [...new Set(recipeNames.flatMap((n) => recipeBackbones(source, n)))].flatMap(
    (b) => backboneDescription(source, b).imagenet ?? [],
  );
  const labels = [
    'Backbone(s)',
    'Weights',
    'Input size',
    'Test-time augmentation',
    'Head',
    'Nearest-neighbour memory',
    'Training augmentation',
    'Calibration',
  ];
  const rows = labels.map((label, i) => {
    const cells = columns.map((c) => c[i] ?? '–');
    // The backbone names are long: theirs is the one row that may wrap.
    return { cells: [label, ...cells], diff: new Set(cells).size > 1, wrap: i === 0 };
  });
  return {
    title: 'Training choices side by side',
    headline:
      'Both new recipes keep the frozen pretrained backbone and learn a small food head; highlighted rows are where the three differ.',
    body: `${table(['', ...recipeNames.map((n) => recipeLabel[n])], rows)}${paragraph('Every choice was made on validation photos carved out of the training split and is justified in the recipe file by a measurement (gourmetgram study).', 'small')}`,
    notes: [
      'Rows in yellow are the levers: backbone, resolution, mirror averaging, the head and its augmentation.',
      'The backbones are frozen pretrained networks; only the small head is trained on our photos, which keeps training minutes long on two cores and the artefact small.',
      ...(imagenet.length ? [`Published ImageNet top-1 of each backbone: ${imagenet.join('; ')}.`] : []),
    ],
  };
}

/** 5. Accuracy with intervals, on the test split and on sources the model never saw, beside a peer. */
export function accuracySlide(source: ResultsSource): Slide {
  const figures = allRecipeFigures(source);
  const bars = figures.flatMap((f) => {
    if (f.top1 === undefined || f.n === undefined) return [];
    const [low, high] = wilsonInterval(Math.round(f.top1 * f.n), f.n);
    return [
      {
        label: `${recipeLabel[f.name]}, test`,
        value: f.top1 * 100,
        low: low * 100,
        high: high * 100,
        color: recipeColour[f.name],
      },
    ];
  });
  const lso = leaveSourceOutBars(source);
  const peer = peerBars(source);
  const all = [...bars, ...lso.bars, ...peer.bars];
  const chart = all.length
    ? barChartSvg({
        bars: all,
        axisLabel: 'top-1 accuracy (%), 95 % interval',
        better: 'higher',
        width: 700,
        max: 100,
        format: (v) => v.toFixed(1),
      })
    : missingBox(
        source,
        'results/latency/eval-test.json',
        'gourmetgram eval --recipe latency --split test',
        'evaluation',
      );
  const rows = figures.map((f) => [recipeLabel[f.name], percent(f.top1), percent(f.macroF1), count(f.n)]);
  return {
    title: 'Accuracy, honestly',
    headline: lso.pooled
      ? `On test photos the recommended model is right ${percent(recommend(figures)?.top1)} of the time; on photos from sources it never saw, ${percent(lso.pooled)}: the figure a new user meets.`
      : 'Test accuracy with 95 % intervals; the out-of-source protocol measures what a new user meets.',
    body: `<div class="cols wide-left"><div class="box">${chart}</div><div class="box">${table(['Recipe', 'Top-1', 'Macro-F1', 'Photos'], rows)}${lso.box}${peer.box}</div></div>`,
    notes: [
      'Intervals are 95 % Wilson intervals on the number of test photos; two recipes whose intervals overlap are not clearly different.',
      'Leave-source-out: the model is trained without one source and tested on that source alone, for each source in turn. It is lower than the test figure because the ordinary test split shares sources (and their backgrounds) with training.',
      "The peer is the course's own Food-11 model, scored with its own head on exactly the same photos.",
    ],
  };
}

function leaveSourceOutBars(source: ResultsSource): {
  bars: { label: string; value: number; low?: number; high?: number; color: string }[];
  box: string;
  pooled?: number;
} {
  const bars: { label: string; value: number; low?: number; high?: number; color: string }[] = [];
  let pooled: number | undefined;
  for (const name of ['predecessor', 'accuracy', 'latency'] as const) {
    const file = `results/${name}/eval-leave-source-out.json`;
    if (!source.has(file)) continue;
    const top1 = source.figure(file, 'pooled.top1', `${name} leave-source-out pooled top-1`);
    const low = source.figure(file, 'pooled.interval.0', `${name} leave-source-out low`);
    const high = source.figure(file, 'pooled.interval.1', `${name} leave-source-out high`);
    if (top1 === undefined) continue;
    if (name === recommend(allRecipeFigures(source))?.name) pooled = top1;
    bars.push({
      label: `${recipeLabel[name]}, unseen sources`,
      value: top1 * 100,
      low: low === undefined ? undefined : low * 100,
      high: high === undefined ? undefined : high * 100,
      color: recipeColour[name],
    });
  }
  const box = bars.length
    ? ''
    : missingBox(
        source,
        'results/accuracy/eval-leave-source-out.json',
        'gourmetgram eval --recipe accuracy --protocol leave-source-out',
        'out-of-source evaluation',
      );
  return { bars, box, pooled };
}

/** The course's model scored with its own head on the same test photos as a recipe (`peers` in its evaluation). */
function peerBars(source: ResultsSource): { bars: Bar[]; box: string } {
  for (const name of recipeNames) {
    const file = `results/${name}/eval-test.json`;
    const peers = source.raw(file, 'peers');
    if (!Array.isArray(peers) || peers.length === 0) continue;
    const top1 = source.figure(file, 'peers.0.top1', 'peer test top-1');
    const low = source.figure(file, 'peers.0.interval.0', 'peer test top-1 low');
    const high = source.figure(file, 'peers.0.interval.1', 'peer test top-1 high');
    if (top1 === undefined) continue;
    return {
      bars: [
        {
          label: "Course's Food-11 model (peer), test",
          value: top1 * 100,
          low: low === undefined ? undefined : low * 100,
          high: high === undefined ? undefined : high * 100,
          color: peerColour,
        },
      ],
      box: '',
    };
  }
  return {
    bars: [],
    box: missingBox(
      source,
      'results/latency/eval-test.json',
      'gourmetgram eval --recipe latency --split test --peer food11-mobilenetv2-int8',
      'peer evaluation',
    ),
  };
}

/** 10. Where the model fails: per class, confusions, typical errors and the data issues behind them. */
export function failuresSlide(source: ResultsSource): Slide {
  const choice = recommend(allRecipeFigures(source))?.name ?? 'latency';
  const evalFile = `results/${choice}/eval-test.json`;
  const perClass = source.raw(evalFile, 'report.per_class');
  const chart = Array.isArray(perClass)
    ? barChartSvg({
        bars: perClass.map((c: { class: string }, i: number) => ({
          label: c.class,
          value: (source.figure(evalFile, `report.per_class.${i}.f1`, `${choice} F1 ${c.class}`) ?? 0) * 100,
          color: recipeColour[choice],
        })),
        axisLabel: 'F1 per class on test (%)',
        better: 'higher',
        width: 560,
        max: 100,
      })
    : missingBox(
        source,
        evalFile,
        `gourmetgram eval --recipe ${choice} --split test`,
        'per-class evaluation',
      );
  const analysis = `results/error-analysis/${choice}/error-analysis.json`;
  const pairs = source.raw(analysis, 'confused_pairs');
  const confusions = Array.isArray(pairs)
    ? table(
        ['True class', 'Taken for', 'Photos'],
        pairs
          .slice(0, 4)
          .map((p: { true: string; predicted: string }, i: number) => [
            p.true,
            p.predicted,
            count(source.figure(analysis, `confused_pairs.${i}.count`, `${choice} confusion ${i + 1}`)),
          ]),
      )
    : missingBox(
        source,
        analysis,
        `gourmetgram analyse --recipe ${choice} --data <dataset>`,
        'error analysis',
      );
  const check = 'results/data-check/report.json';
  const leakage = source.raw(check, 'leakage');
  const suspects = source.raw(check, 'suspected_label_errors');
  const dataIssues = source.has(check)
    ? bullets([
        `${count(Array.isArray(leakage) ? leakage.length : undefined)} near-duplicate photo pairs across train and test (reported; the data set is read-only).`,
        `${count(Array.isArray(suspects) ? suspects.length : undefined)} photos whose label looks wrong to models trained without them.`,
        `A probe tells a photo's source from its features ${percent(source.figure(check, 'source_probe.top1', 'source probe top-1'), 0)} of the time: a shortcut risk.`,
      ])
    : missingBox(
        source,
        check,
        'gourmetgram data check --data <dataset> --out results/data-check',
        'data check',
      );
  return {
    title: 'Where the model fails',
    headline: `The ${recipeLabel[choice].toLowerCase()} model's weakest classes and most common confusions, and the data issues behind them.`,
    body: `<div class="cols"><div class="box">${chart}</div><div class="box">${confusions}<div style="height:14px"></div>${dataIssues}</div></div>`,
    notes: [
      'Per-class F1 balances missed photos and false alarms. The confusions are between classes that look alike on a plate (bread, fried dough, cheese).',
      'The data check found a few duplicates across splits, suspected label errors and a strong source signature; these make single-source classes look better than they will be for real users.',
      `Contact sheets of the highest-confidence mistakes are in results/error-analysis/${choice}/.`,
    ],
  };
}
