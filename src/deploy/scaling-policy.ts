import type { Recipe } from '../recipes/index.js';
import type { Autoscaler } from './cost-model.js';

/**
 * How replicas follow load, as one object that both the rendered autoscalers and the cost model read, so the
 * manifests and the model of them cannot drift apart. Values not in the recipe are Kubernetes' and KEDA's
 * documented defaults, written out explicitly so that a cluster's defaults changing does not change our behaviour.
 */
export interface ScalingPolicy extends Autoscaler {
  readonly scaleUp: Autoscaler['scaleUp'] & { readonly periodS: number };
  readonly scaleDown: Autoscaler['scaleDown'] & { readonly percent: number; readonly periodS: number };
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
