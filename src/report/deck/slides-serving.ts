import { barChartSvg } from '../bar-chart-svg.js';
import { binnedSeries, lineChartSvg } from '../line-chart-svg.js';
import { scatterSvg } from '../scatter-svg.js';
import {
  bullets,
  count,
  dollars,
  milliseconds,
  missingBox,
  paragraph,
  percent,
  perSecond,
  type RecipeName,
  recipeColour,
  recipeLabel,
  recipeNames,
  table,
} from './format.js';
import { allRecipeFigures, costPerMillion, policies, policyLabel, recommend } from './recipe-figures.js';
import type { ResultsSource } from './results-source.js';
import type { Slide } from './slide.js';

/** 6. One replica: accuracy against response time and against throughput. */
export function singleReplicaSlide(source: ResultsSource): Slide {
  const figures = allRecipeFigures(source).filter((f) => f.top1 !== undefined);
  const point = (x: number | undefined, f: (typeof figures)[number]) =>
    x === undefined
      ? []
      : [{ label: recipeLabel[f.name], x, y: (f.top1 ?? 0) * 100, color: recipeColour[f.name] }];
  const latency = figures.flatMap((f) => point(f.loadedP99Ms, f));
  const throughput = figures.flatMap((f) => point(f.sustainableRps, f));
  const body =
    latency.length && throughput.length
      ? `<div class="cols"><div class="box">${scatterSvg({ points: latency, xLabel: 'p99 response time at 10 clients (ms)', yLabel: 'test top-1 (%)', xBetter: 'lower' })}</div><div class="box">${scatterSvg({ points: throughput, xLabel: 'sustainable photos per second', yLabel: 'test top-1 (%)', xBetter: 'higher' })}</div></div>`
      : missingBox(source, 'results/latency/bench.json', 'gourmetgram bench --all', 'benchmark');
  const [pred, , lat] = allRecipeFigures(source);
  return {
    title: 'One replica: accuracy against speed',
    headline: `Latency-first answers 10 concurrent clients at p99 ${milliseconds(lat.loadedP99Ms)} and sustains ${perSecond(lat.sustainableRps)} (predecessor: ${milliseconds(pred.loadedP99Ms)}, ${perSecond(pred.sustainableRps)}).`,
    body,
    notes: [
      'Up and to the left is better on the left chart, up and to the right on the right one. The predecessor is beaten on both axes by both new recipes.',
      'p99 is the response time 99 of 100 requests stay under while ten clients send photos back to back; sustainable throughput is the highest rate one replica holds within the target.',
    ],
  };
}

/** 7. Where the time goes: the measured floor and each recipe's share of it; the tuned peer. */
export function floorSlide(source: ResultsSource): Slide {
  const file = 'results/floor.json';
  const has = source.has(file);
  const stages = has ? source.raw(file, 'stages') : undefined;
  const floorRps = has ? source.figure(file, 'photos_per_second', 'floor photos/s') : undefined;
  const cpuMs = has ? source.figure(file, 'cpu_ms_per_photo', 'floor CPU ms per photo') : undefined;
  const measured = Array.isArray(stages)
    ? stages.map((s: { stage: string }, i: number) => ({
        label: s.stage,
        ms: source.figure(file, `stages.${i}.ms`, `floor stage ${s.stage} ms`),
      }))
    : [];
  // The stages alone are bars; the served path back to back is their sum as a worker pays it, a bullet.
  const isServedPath = (m: { label: string }) => m.label.startsWith('served path');
  // Paths no longer served (sharp's header, the float memory) stay in floor.json, off the slide.
  const retired = (m: { label: string }) =>
    m.label.startsWith('header (sharp') || m.label.startsWith('head alone (committed');
  const bars = measured
    .filter((m) => !isServedPath(m) && !retired(m))
    .map((m) => ({ label: m.label, value: m.ms ?? 0, color: '#56B4E9' }));
  const servedPath = measured.filter(isServedPath).map((m) => m.ms);
  const [, , lat] = allRecipeFigures(source);
  const share = floorRps && lat.sustainableRps ? lat.sustainableRps / floorRps : undefined;
  const peers = 'results/peers.json';
  const peerRatio = source.has(peers)
    ? source.figure(
        peers,
        'ratios.throughput_at_equal_p99',
        'throughput ratio to the Python peer at equal p99',
      )
    : undefined;
  const body = has
    ? `<div class="cols wide-left"><div class="box">${barChartSvg({ bars, axisLabel: 'CPU time per photo (ms)', better: 'lower', width: 640, format: (v) => v.toFixed(2) })}</div><div class="box">${bullets(
        [
          `The floor: what decoding and the model cost alone, ${cpuMs?.toFixed(1) ?? '–'} ms of CPU per photo, so at most ${perSecond(floorRps)} on this machine.`,
          `Latency-first reaches ${percent(share, 0)} of the floor under load.`,
          ...(servedPath.length === 2
            ? [
                `One photo after another, as a worker serves them, decode and model take ${servedPath[0]?.toFixed(1)} ms; ${servedPath[1]?.toFixed(1)} ms when a lone photo's model uses both cores.`,
              ]
            : []),
          peerRatio
            ? `A tuned Python service on the same network, driven by the same client, serves ${peerRatio.toFixed(1)}× fewer photos per second at the same p99.`
            : 'Tuned peer: not measured yet (gourmetgram bench --peers).',
        ],
      )}</div></div>`
    : missingBox(source, file, 'npm run bench:floor', 'floor measurement');
  return {
    title: 'Where the time goes',
    headline: share
      ? `Latency-first sustains ${percent(share, 0)} of the floor (what decode and model alone allow) within its p99 target; everything above the floor is ours to remove.`
      : 'The floor is what decoding and the model cost alone; everything above it is ours to remove.',
    body,
    notes: [
      'Each stage is measured alone on the same photos: reading the header, decoding, resizing, the network itself, and the small food head.',
      'The tuned peer is what a team would deploy otherwise: a Python service with PyTorch serving the same network, given the same client and photos.',
      'The floor and the serving benchmark are separate runs on the same 2-core machine, which also runs the load generator during the serving run.',
    ],
  };
}

const nodeVcpu = 16;
const nodeGiB = 64;

function quantity(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^([\d.]+)(m|Mi|Gi)?$/.exec(String(value));
  if (!match) return undefined;
  const n = Number(match[1]);
  return match[2] === 'm' ? n / 1000 : match[2] === 'Mi' ? n / 1024 : n;
}

/** 8. Scaled out: requests and limits, replicas per node, the autoscaling of each recipe. */
export function scaleOutSlide(source: ResultsSource): Slide {
  const rows = recipeNames.map((name: RecipeName) => {
    const file = `recipes/${name}.yaml`;
    const cpu = source.text(file, 'resources.requests.cpu', `${name} CPU request`);
    const memory = source.text(file, 'resources.requests.memory', `${name} memory request`);
    const limit = source.text(file, 'resources.limits.memory', `${name} memory limit`);
    const perNode = Math.floor(
      Math.min(nodeVcpu / (quantity(cpu) ?? Number.NaN), nodeGiB / (quantity(memory) ?? Number.NaN)),
    );
    const min = source.figure(file, 'autoscaling.min_replicas', `${name} min replicas`);
    const max = source.figure(file, 'autoscaling.max_replicas', `${name} max replicas`);
    const metric = source.text(file, 'autoscaling.metric', `${name} scaling metric`);
    const target = source.figure(file, 'autoscaling.target', `${name} scaling target`);
    return [
      recipeLabel[name],
      `${cpu ?? '–'} CPU / ${memory ?? '–'}`,
      limit ?? '–',
      Number.isFinite(perNode) ? count(perNode) : '–',
      min === undefined ? 'fixed' : `${count(min)}–${count(max)}`,
      metric ? `${metric} ${target ?? ''}` : 'none',
    ];
  });
  return {
    title: 'Scaled out',
    headline:
      'Each replica is sized like the machine we measured, so the measured throughput holds in the cluster; the new recipes add and remove replicas with the traffic.',
    body: `${table(['Recipe', 'Requests', 'Memory limit', `Replicas per ${nodeVcpu}-vCPU node`, 'Replicas', 'Scales on'], rows)}<div style="height:18px"></div>${bullets(
      [
        'Rendered to real Kubernetes manifests by gourmetgram deploy: Deployment, Service, HorizontalPodAutoscaler, or KEDA and KServe objects that scale to zero.',
        'Scaling on requests in flight reacts as soon as a queue forms, before response time suffers; CPU is already high at modest load when batching.',
        `Node size is an assumption for this slide (${nodeVcpu} vCPU, ${nodeGiB} GiB); the replica counts come from each recipe file.`,
      ],
    )}`,
    notes: [
      'Requests equal limits for CPU so a replica is never throttled below what we measured.',
      'The predecessor has no autoscaling: it is provisioned for the busiest minute of the day, all day.',
    ],
  };
}

/** 9. A day of load: replicas over the day, cost per day and per million photos, share over target. */
export function dayOfLoadSlide(source: ResultsSource): Slide {
  const figures = allRecipeFigures(source);
  const choice = recommend(figures) ?? figures[2];
  if (!choice || Object.keys(choice.policyIndex).length === 0)
    return {
      title: 'A day of load',
      headline: 'The cost model replays a day of traffic against each provisioning policy.',
      body: missingBox(
        source,
        'results/latency/cost.json',
        'gourmetgram cost --recipe latency --trace traces/daily.json',
        'cost model',
      ),
      notes: ['Run the cost command for each recipe.'],
    };
  const costFile = `results/${choice.name}/cost.json`;
  const series = policies.flatMap((p, i) => {
    const index = choice.policyIndex[p];
    const minutes = index === undefined ? undefined : source.raw(costFile, `policies.${index}.minutes`);
    if (!Array.isArray(minutes)) return [];
    return [
      {
        name: policyLabel[p],
        ...binnedSeries(
          minutes.map((m: { minute: number; replicas: number }) => [m.minute / 60, m.replicas] as const),
          10 / 60,
        ),
        color: ['#999999', '#0072B2', '#E69F00'][i],
      },
    ];
  });
  const chart = lineChartSvg({
    title: `${recipeLabel[choice.name]}: replicas (10-minute means, range shaded)`,
    series,
    xLabel: 'hour of the day',
    yLabel: 'replicas',
    width: 600,
    height: 420,
    xTicks: [0, 3, 6, 9, 12, 15, 18, 21, 24],
  });
  const costBars = figures.flatMap((f) =>
    policies.flatMap((p) => {
      const cost = f.costPerDay[p];
      if (cost === undefined || (f.name === 'predecessor' && p !== 'fixed-peak')) return [];
      return [
        {
          label: `${recipeLabel[f.name]}, ${policyLabel[p].toLowerCase()}`,
          value: cost,
          color: recipeColour[f.name],
          valueText: dollars(cost),
        },
      ];
    }),
  );
  const rows = figures.flatMap((f) =>
    policies.flatMap((p) =>
      f.costPerDay[p] === undefined || (f.name === 'predecessor' && p !== 'fixed-peak')
        ? []
        : [
            [
              `${recipeLabel[f.name]}`,
              policyLabel[p],
              dollars(costPerMillion(f, p)),
              percent(f.overTarget[p], 2),
            ],
          ],
    ),
  );
  return {
    title: 'A day of load',
    headline: `Autoscaled, the ${recipeLabel[choice.name].toLowerCase()} recipe costs ${dollars(choice.costPerDay.hpa)} a day (${dollars(costPerMillion(choice, 'hpa'))} per million photos) against ${dollars(figures[0]?.costPerDay['fixed-peak'])} for the predecessor provisioned for the peak.`,
    body: `<div class="cols"><div class="box">${chart}</div><div class="box">${barChartSvg({ bars: costBars, axisLabel: 'cost per day (US$)', better: 'lower', width: 640, format: (v) => `$${v.toFixed(0)}` })}${table(['Recipe', 'Policy', 'Per million photos', 'Over target'], rows)}${paragraph(`A model of the cluster fed with measured figures, not a measurement of a cluster: prices ${dollars(source.figure(costFile, 'prices.vcpuHour', 'price per vCPU-hour'))} per vCPU-hour and ${dollars(source.figure(costFile, 'prices.gibHour', 'price per GiB-hour'))} per GiB-hour of requested resources.`, 'small')}</div></div>`,
    notes: [
      'The trace has morning, lunch and evening peaks plus short bursts of many clients. Fixed provisioning pays for the peak all day; the autoscaler follows the traffic with a delay; scale to zero is cheapest but the first request after a quiet spell waits for a replica to start.',
      '"Over target" is the share of requests that take longer than the latency target: the price of following traffic instead of pre-provisioning.',
    ],
  };
}
