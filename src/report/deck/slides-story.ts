import {
  bullets,
  count,
  dollars,
  kpi,
  milliseconds,
  missingBox,
  paragraph,
  percent,
  perSecond,
  ratio,
  recipeLabel,
  table,
} from './format.js';
import { allRecipeFigures, costPerMillion, recommend } from './recipe-figures.js';
import type { ResultsSource } from './results-source.js';
import type { Slide } from './slide.js';

/** 1. The answer first: what changed in accuracy, latency and cost, and what we recommend. */
export function titleSlide(source: ResultsSource): Slide {
  const [pred, acc, lat] = allRecipeFigures(source);
  const choice = recommend([pred, acc, lat]);
  const speedup =
    lat.sustainableRps && pred.sustainableRps ? lat.sustainableRps / pred.sustainableRps : undefined;
  const costNow = pred.costPerDay['fixed-peak'];
  const costChoice = choice?.costPerDay.hpa;
  const headline = choice
    ? `${recipeLabel[choice.name]} classifies ${percent(choice.top1)} of test photos correctly (predecessor ${percent(pred.top1)}), serves ${ratio(speedup)} the photos per replica, and a day of load costs ${dollars(costChoice)} instead of ${dollars(costNow)}. We recommend ${recipeLabel[choice.name]}.`
    : 'No evaluation results yet: run the commands on the last slide.';
  const costRatio = costChoice !== undefined && costNow ? costChoice / costNow : undefined;
  const verdict = [
    choice && choice.top1 !== undefined && pred.top1 !== undefined && choice.top1 > pred.top1
      ? 'more accurate'
      : undefined,
    speedup !== undefined && speedup > 1 ? 'faster' : undefined,
    costRatio === undefined ? undefined : costVerdict(costRatio),
  ].filter((word): word is string => word !== undefined);
  return {
    title: `GourmetGram food classifier${verdict.length ? `: ${verdict.join(', ')}` : ''}`,
    headline,
    body: `<div class="kpis" style="margin-top:40px">${kpi(`${percent(pred.top1)} → ${percent(choice?.top1)}`, 'test top-1 accuracy, predecessor → recommended')}${kpi(`${perSecond(pred.sustainableRps)} → ${perSecond(lat.sustainableRps)}`, 'photos per second one replica sustains (predecessor → latency-first)')}${kpi(`${dollars(costNow)} → ${dollars(costChoice)}`, 'cost of a day of load (predecessor fixed for peak → recommended, autoscaled)')}</div>${paragraph('Every figure in this deck is read from the results files of the repository by `gourmetgram report`; the appendix lists the command behind each one.', 'small')}`,
    notes: [
      `One sentence for the room: the new system is more accurate, serves ${ratio(speedup)} the photos per machine, and a day of load costs ${costRatio === undefined ? '–' : `${percent(costRatio, 0)} of`} what the predecessor, provisioned for the peak all day, costs.`,
      `The recommendation follows a stated rule: among our recipes within 2 points of the best accuracy, the one with the lowest autoscaled cost per million photos (${dollars(choice ? costPerMillion(choice, 'hpa') : undefined)} per million for the recommended one).`,
    ],
  };
}

/** Cost in the title as measured: cheaper only below 90 % of the predecessor's, costlier above 110 %. */
function costVerdict(costRatio: number): string {
  if (costRatio < 0.9) return 'cheaper';
  return costRatio > 1.1 ? 'costlier' : 'at the same daily cost';
}

/** 2. The problem and how we measured it. */
export function methodSlide(source: ResultsSource): Slide {
  const check = 'results/data-check/report.json';
  const files = source.figure(check, 'files', 'photos in the data set');
  const probe = source.figure(check, 'source_probe.top1', 'source probe top-1');
  const probeBase = source.figure(check, 'source_probe.majority_baseline', 'source probe majority baseline');
  const sources = source.raw(check, 'source_probe.sources');
  const sourceCount = sources && typeof sources === 'object' ? Object.keys(sources).length : undefined;
  const bench = 'results/latency/bench.json';
  const cores = source.figure(bench, 'machine.cores', 'benchmark machine cores');
  const clients = source.figure(bench, 'protocol.clients', 'closed-loop clients');
  const seconds = source.figure(bench, 'protocol.seconds', 'closed-loop seconds');
  const target = source.figure(bench, 'protocol.latency_target_ms', 'latency target ms');
  const left = files
    ? `${paragraph('The data')}${bullets([
        `${count(files)} labelled food photos in the 11 Food-11 classes, from ${count(sourceCount)} public sources; the genuine Food-11 set is not reachable from our machines.`,
        `The sources differ so much that a simple probe names a photo's source ${percent(probe, 0)} of the time (guessing the largest source: ${percent(probeBase, 0)}): a model can learn backgrounds, so we also test on sources it never saw.`,
        'Some classes come from one source only (cheese for Dairy, sushi for Seafood): figures for them overstate real-world accuracy.',
      ])}`
    : missingBox(
        source,
        check,
        'gourmetgram data check --data <dataset> --out results/data-check',
        'data check',
      );
  const right = `${paragraph('The measurement')}${bullets([
    `One replica = one server process on a ${count(cores)}-core machine, driven over the network stack by a load generator.`,
    `Load protocol: ${count(clients)} clients sending photos back to back for ${count(seconds)} s, then an open-loop ladder of arrival rates; target: answers within ${milliseconds(target)}.`,
    'Accuracy: chosen on validation photos only; reported on a held-out test split and on photos from held-out sources.',
    'Cost: a day of traffic replayed second by second against fixed, autoscaled and scale-to-zero provisioning (a model fed with measured figures).',
  ])}`;
  return {
    title: 'The problem and how we measured',
    headline:
      'A photo must be classified before its page shows; we measured accuracy, speed per replica and cost per day the same way for every option.',
    body: `<div class="cols"><div class="box">${left}</div><div class="box">${right}</div></div>`,
    notes: [
      'The data set stands in for the real Food-11 photos. Its biases are part of the result: several classes come from a single source, and one source is photographed on a lab bench.',
      'All timings come from the same 2-core machine shared with other work, so they are figures with noise, not guarantees; ratios between recipes measured in one run are the robust part.',
    ],
  };
}

/** 3. The predecessor evaluated with the same protocol. */
export function predecessorSlide(source: ResultsSource): Slide {
  const [pred] = allRecipeFigures(source);
  const recipe = 'recipes/predecessor.yaml';
  const backbone = source.text(recipe, 'model.backbone', 'predecessor backbone');
  const precision = source.text(recipe, 'model.precision', 'predecessor precision');
  const size = source.figure(recipe, 'model.input_size', 'predecessor input size');
  const mode = source.text(recipe, 'serving.mode', 'predecessor serving mode');
  const cpu = source.text(recipe, 'resources.requests.cpu', 'predecessor CPU request');
  const memory = source.text(recipe, 'resources.requests.memory', 'predecessor memory request');
  const replicas = source.figure(
    'results/predecessor/cost.json',
    `policies.${pred.policyIndex['fixed-peak'] ?? 0}.peakReplicas`,
    'predecessor replicas for the peak',
  );
  const rows = [
    ['Model', `${backbone ?? '–'} (${precision ?? '–'}), ${count(size)} px`],
    ['Serving', `${mode ?? '–'}: classification inside the request handler`],
    ['Test top-1 / macro-F1', `${percent(pred.top1)} / ${percent(pred.macroF1)}`],
    ['Response time, one client (p50)', milliseconds(pred.idleP50Ms)],
    ['Response time, 10 clients (p99)', milliseconds(pred.loadedP99Ms)],
    ['Sustainable throughput', perSecond(pred.sustainableRps)],
    ['Resources per replica', `${cpu ?? '–'} CPU, ${memory ?? '–'} memory`],
    [
      'Provisioned for the peak',
      `${count(replicas)} replicas all day: ${dollars(pred.costPerDay['fixed-peak'])} per day`,
    ],
  ];
  return {
    title: 'The predecessor, measured',
    headline: `The model we inherited is right ${percent(pred.top1)} of the time and a replica sustains ${perSecond(pred.sustainableRps)}; paying for the peak all day costs ${dollars(pred.costPerDay['fixed-peak'])}.`,
    body: `<div class="cols wide-left"><div class="box">${table(['', 'Predecessor'], rows)}</div><div class="box">${bullets(
      [
        "Reconstructed from the earlier engineer's deployment: full-precision graph, centre crops, one synchronous classification per request, the upload written to disk and read back.",
        'It never scaled: one fixed pool of replicas sized for the busiest minute, idle most of the day.',
      ],
    )}</div></div>`,
    notes: [
      'We rebuilt the predecessor as a recipe file so it is measured with exactly the same load protocol and cost model as our two options.',
      `Its ${percent(pred.top1)} test accuracy and ${perSecond(pred.sustainableRps)} per replica are the baseline for every ratio that follows.`,
    ],
  };
}
