import type { Recipe } from '../recipes/index.js';

/**
 * How replicas follow load, as one object that both the rendered autoscalers and the cost model read, so the
 * manifests and the model of them cannot drift apart. Values not in the recipe are Kubernetes' and KEDA's
 * documented defaults, written out explicitly so that a cluster's defaults changing does not change our behaviour.
 */
export interface ScalingPolicy {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly metric: 'cpu' | 'inflight' | 'queue_depth';
  /** Percent of the CPU request for cpu; requests per replica for inflight and queue_depth. */
  readonly target: number;
  /** Kubernetes HPA: how often desired replicas are recomputed (kube-controller-manager default 15 s). */
  readonly syncPeriodS: number;
  /** Kubernetes HPA: ratios within 1 ± tolerance change nothing (default 0.1). */
  readonly tolerance: number;
  /** Scale-up: at most max(+pods, +percent %) per period (HPA default policy: 4 pods or 100 % per 15 s). */
  readonly scaleUp: {
    readonly pods: number;
    readonly percent: number;
    readonly periodS: number;
    readonly stabilisationS: number;
  };
  /** Scale-down: the highest recommendation of the last stabilisationS seconds wins (the recipe's delay). */
  readonly scaleDown: { readonly percent: number; readonly periodS: number; readonly stabilisationS: number };
  /** KEDA: how often triggers are polled, and how long all triggers must be idle before scaling to zero. */
  readonly keda: { readonly pollingIntervalS: number; readonly cooldownS: number };
}

/** The recipe's autoscaling section made explicit; a recipe without one runs min = max = 1 replica. */
export function scalingPolicyOf(recipe: Recipe): ScalingPolicy {
  const a = recipe.autoscaling ?? {
    min_replicas: 1,
    max_replicas: 1,
    metric: 'cpu' as const,
    target: 80,
    scale_down_delay_s: 300,
  };
  return Object.freeze({
    minReplicas: a.min_replicas,
    maxReplicas: a.max_replicas,
    metric: a.metric,
    target: a.target,
    syncPeriodS: 15,
    tolerance: 0.1,
    scaleUp: Object.freeze({ pods: 4, percent: 100, periodS: 15, stabilisationS: 0 }),
    scaleDown: Object.freeze({ percent: 100, periodS: 15, stabilisationS: a.scale_down_delay_s }),
    keda: Object.freeze({ pollingIntervalS: 15, cooldownS: a.scale_down_delay_s }),
  });
}

/** The Prometheus gauge each request-based metric reads (exported by `gourmetgram serve`). */
export const metricGauges = Object.freeze({
  inflight: 'gourmetgram_inflight_requests',
  queue_depth: 'gourmetgram_queue_depth',
});
