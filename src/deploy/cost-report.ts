import type { Recipe } from '../recipes/index.js';
import { binnedSeries, lineChartSvg, stackSvg } from '../report/index.js';
import type { CapacityFigures } from './capacity-figures.js';
import {
  type Load,
  type Policy,
  type PolicyOutcome,
  peakReplicas,
  replicaCost,
  simulatePolicy,
} from './cost-model.js';
import { RecipeSectionMissingError } from './errors.js';
import { cpuCores, memoryGiB } from './kubernetes-manifests.js';
import { scalingPolicyOf } from './scaling-policy.js';

export interface Prices {
  readonly vcpuHour: number;
  readonly gibHour: number;
}

export interface CostReport {
  readonly schema: 'gourmetgram.cost/1';
  readonly recipe: string;
  readonly trace: string;
  readonly note: string;
  readonly assumptions: readonly string[];
  readonly figures: CapacityFigures;
  readonly request: { readonly cpu: number; readonly memoryGiB: number };
  readonly prices: Prices;
  readonly policies: readonly {
    readonly name: string;
    readonly description: string;
    readonly replicaHours: number;
    readonly cost: number;
    readonly requests: number;
    readonly overTargetShare: number;
    readonly peakReplicas: number;
    readonly minutes: PolicyOutcome['minutes'];
  }[];
  /** Warnings about the inputs, e.g. a replica that uses more memory than it requests. */
  readonly warnings: readonly string[];
}

export const costAssumptions = [
  'a replica serves up to its measured throughput at the latency target; below it a request takes the measured p50',
  'above it, open-loop requests queue first-in first-out and are never rejected; closed-loop clients share capacity by the requests present',
  'requests that arrive while no replica is ready wait for the first one (as behind an activator), so scale-from-zero costs a cold start',
  'a pod is billed from creation and ready after the measured cold start; nodes always have room (no node provisioning time)',
  'the HPA follows Kubernetes defaults (15 s sync, 10 % tolerance, +4 pods or +100 % per 15 s) on metrics averaged over the sync period',
  'price = replica-hours x (CPU request x price per vCPU-hour + memory request x price per GiB-hour)',
] as const;

/** Replays the load against fixed peak provisioning, the recipe's HPA and its scale-to-zero variant. */
export function compareCosts(
  recipe: Recipe,
  load: Load,
  figures: CapacityFigures,
  prices: Prices,
  tracePath: string,
): CostReport {
  if (!recipe.resources) throw new RecipeSectionMissingError(recipe.name, 'resources', 'cost');
  const request = {
    cpu: cpuCores(recipe.resources.requests.cpu),
    memoryGiB: memoryGiB(recipe.resources.requests.memory),
  };
  const replica = {
    throughputRps: figures.throughputRps,
    latencyTargetMs: figures.latencyTargetMs,
    latencyP50Ms: figures.latencyP50Ms,
    coldStartS: figures.coldStartS,
    cpuShareAtThroughput:
      figures.cpuCoresAtThroughput === undefined ? undefined : figures.cpuCoresAtThroughput / request.cpu,
  };
  const autoscaler = scalingPolicyOf(recipe);
  const fixed = peakReplicas(load, replica);
  const policies: { name: string; description: string; policy: Policy }[] = [
    {
      name: 'fixed-peak',
      description: `${fixed} replicas all day, enough for the peak`,
      policy: { kind: 'fixed', replicas: fixed },
    },
    {
      name: 'hpa',
      description: `HPA ${Math.max(1, autoscaler.minReplicas)}-${autoscaler.maxReplicas} on ${autoscaler.metric} ${autoscaler.target}, scale-down after ${autoscaler.scaleDown.stabilisationS} s`,
      policy: { kind: 'hpa', autoscaler },
    },
    {
      name: 'scale-to-zero',
      description: `KEDA 0-${autoscaler.maxReplicas}, to zero after ${autoscaler.keda.cooldownS} s without requests`,
      policy: { kind: 'scale-to-zero', autoscaler: { ...autoscaler, minReplicas: 0 } },
    },
  ];
  const warnings: string[] = [];
  if (figures.memoryMiB / 1024 > request.memoryGiB)
    warnings.push(
      `a replica uses ${figures.memoryMiB} MiB but requests ${recipe.resources.requests.memory}: raise the request`,
    );
  if (!recipe.autoscaling)
    warnings.push('the recipe has no autoscaling section: its HPA is one fixed replica');
  return {
    schema: 'gourmetgram.cost/1',
    recipe: recipe.name,
    trace: tracePath,
    note: 'A model of the cluster fed with measured figures, not a measurement of a cluster.',
    assumptions: costAssumptions,
    figures,
    request,
    prices,
    policies: policies.map(({ name, description, policy }) => {
      const outcome = simulatePolicy(load, replica, policy);
      return {
        name,
        description,
        replicaHours: outcome.replicaHours,
        cost: replicaCost(outcome.replicaHours, request, prices),
        requests: outcome.requests,
        overTargetShare: outcome.overTargetShare,
        peakReplicas: outcome.peakReplicas,
        minutes: outcome.minutes,
      };
    }),
    warnings,
  };
}

/** Replicas and mean latency per minute for each policy, stacked in one SVG. */
export function costChartSvg(report: CostReport): string {
  // HPA and scale-to-zero run the same autoscaler and agree most of the day; the later policy is dashed so
  // the line it is drawn over stays visible.
  const dash = (i: number) => (i === report.policies.length - 1 && i > 0 ? { dash: '5 4' } : {});
  const hours = Array.from({ length: 9 }, (_, i) => i * 180);
  const formatX = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:00`;
  const replicas = lineChartSvg({
    title: `${report.recipe}: replicas over the day (modelled; 10-minute means, range shaded)`,
    xLabel: 'time of day',
    yLabel: 'replicas',
    xTicks: hours,
    formatX,
    series: report.policies.map((p, i) => ({
      name: p.name,
      ...dash(i),
      ...binnedSeries(
        p.minutes.map((m) => [m.minute, m.replicas] as const),
        10,
      ),
    })),
  });
  const latency = lineChartSvg({
    title: `${report.recipe}: mean latency (modelled; 10-minute means of per-minute means, range shaded)`,
    xLabel: 'time of day',
    yLabel: 'latency (ms, log)',
    xTicks: hours,
    formatX,
    logY: true,
    reference: { y: report.figures.latencyTargetMs, label: `target ${report.figures.latencyTargetMs} ms` },
    series: report.policies.map((p, i) => ({
      name: p.name,
      ...dash(i),
      ...binnedSeries(
        p.minutes.flatMap((m) => (m.meanLatencyMs === null ? [] : [[m.minute, m.meanLatencyMs] as const])),
        10,
      ),
    })),
  });
  return stackSvg([replicas, latency]);
}
