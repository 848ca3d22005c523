import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IHorizontalPodAutoscalerBehavior } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscalerBehavior';
import type { IMetricSpec } from 'kubernetes-models/autoscaling/v2/MetricSpec';
import type { IService } from 'kubernetes-models/v1/Service';
import type { Recipe } from '../recipes/index.js';
import { RecipeSectionMissingError } from './errors.js';
import { metricGauges, type ScalingPolicy, scalingPolicyOf } from './scaling-policy.js';
import {
  type ContainerOptions,
  image,
  podSecurityContext,
  serverContainer,
  serverVolumes,
  terminationGraceSeconds,
} from './server-container.js';

export interface KubernetesOptions extends ContainerOptions {
  readonly namespace: string;
  /** Prometheus that KEDA queries (the server's gauges are scraped into it). */
  readonly prometheusUrl: string;
}

export interface KubernetesManifests {
  readonly deployment: IDeployment;
  readonly service: IService;
  /** Absent when the recipe has no autoscaling (a fixed replica count). */
  readonly hpa?: IHorizontalPodAutoscaler;
  /** The scale-to-zero variant: apply it instead of the HPA (KEDA creates and owns its own HPA). */
  readonly scaledObject?: IScaledObject;
}

/** The name every object of a recipe's deployment shares. */
export function appName(recipe: Recipe): string {
  return `gourmetgram-${recipe.name}`;
}

/** Deployment, Service, HPA (autoscaling/v2) and a KEDA ScaledObject, all from the recipe. */
export function renderKubernetes(recipe: Recipe, options: KubernetesOptions): KubernetesManifests {
  const name = appName(recipe);
  const labels = { 'app.kubernetes.io/name': 'gourmetgram', 'app.kubernetes.io/instance': name };
  const metadata = { name, namespace: options.namespace, labels };
  const policy = scalingPolicyOf(recipe);
  const deployment: IDeployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      // Left out when autoscaled, so that re-applying the manifest does not reset the autoscaler's choice.
      ...(recipe.autoscaling ? {} : { replicas: 1 }),
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(image.port),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: terminationGraceSeconds(recipe),
          securityContext: podSecurityContext(),
          containers: [serverContainer(recipe, options, 'k8s')],
          volumes: serverVolumes(),
        },
      },
    },
  };
  const service: IService = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  };
  if (!recipe.autoscaling) return { deployment, service };
  const hpa: IHorizontalPodAutoscaler = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      // An HPA cannot go below one replica; scaling to zero is the ScaledObject's job.
      minReplicas: Math.max(1, policy.minReplicas),
      maxReplicas: policy.maxReplicas,
      metrics: [hpaMetric(policy)],
      behavior: hpaBehavior(policy),
    },
  };
  return { deployment, service, hpa, scaledObject: renderScaledObject(recipe, policy, options, metadata) };
}

function hpaMetric(policy: ScalingPolicy): IMetricSpec {
  if (policy.metric === 'cpu')
    return {
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: policy.target } },
    };
  // Served to the HPA by the Prometheus adapter as a per-pod custom metric.
  return {
    type: 'Pods',
    pods: {
      metric: { name: metricGauges[policy.metric] },
      target: { type: 'AverageValue', averageValue: String(policy.target) },
    },
  };
}

/** HPA behaviour: the recipe's scale-down stabilisation, the default policies written out. */
export function hpaBehavior(policy: ScalingPolicy): IHorizontalPodAutoscalerBehavior {
  return {
    scaleUp: {
      stabilizationWindowSeconds: policy.scaleUp.stabilisationS,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: policy.scaleUp.pods, periodSeconds: policy.scaleUp.periodS },
        { type: 'Percent', value: policy.scaleUp.percent, periodSeconds: policy.scaleUp.periodS },
      ],
    },
    scaleDown: {
      stabilizationWindowSeconds: policy.scaleDown.stabilisationS,
      selectPolicy: 'Max',
      policies: [
        { type: 'Percent', value: policy.scaleDown.percent, periodSeconds: policy.scaleDown.periodS },
      ],
    },
  };
}

function renderScaledObject(
  recipe: Recipe,
  policy: ScalingPolicy,
  options: KubernetesOptions,
  metadata: IDeployment['metadata'],
): IScaledObject {
  if (!recipe.resources) throw new RecipeSectionMissingError(recipe.name, 'resources', 'k8s');
  const name = appName(recipe);
  const pods = `namespace="${options.namespace}",pod=~"${name}-.*"`;
  // CPU has no per-request gauge; KEDA's own cpu trigger cannot scale to zero, so CPU seconds come from cAdvisor.
  const query =
    policy.metric === 'cpu'
      ? `sum(rate(container_cpu_usage_seconds_total{${pods},container="server"}[1m]))`
      : `sum(${metricGauges[policy.metric]}{${pods}})`;
  const threshold =
    policy.metric === 'cpu'
      ? String((cpuCores(recipe.resources.requests.cpu) * policy.target) / 100)
      : String(policy.target);
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { ...metadata, name: `${name}-scale-to-zero` },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicaCount: 0,
      maxReplicaCount: policy.maxReplicas,
      pollingInterval: policy.keda.pollingIntervalS,
      cooldownPeriod: policy.keda.cooldownS,
      advanced: { horizontalPodAutoscalerConfig: { behavior: hpaBehavior(policy) } },
      triggers: [
        {
          type: 'prometheus',
          name: 'load',
          metadata: { serverAddress: options.prometheusUrl, query, threshold },
        },
        {
          // With no pod running, none of our gauges exist: the ingress's request rate is what wakes the
          // deployment. Its threshold is so high that it never asks for more than one replica by itself.
          type: 'prometheus',
          name: 'wake-on-request',
          metadata: {
            serverAddress: options.prometheusUrl,
            query: `sum(rate(nginx_ingress_controller_requests{exported_namespace="${options.namespace}",exported_service="${name}"}[1m]))`,
            threshold: '1000000',
            activationThreshold: '0',
          },
        },
      ],
    },
  };
}

/** CPU cores of a Kubernetes quantity ("500m" → 0.5, "2" → 2). */
export function cpuCores(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

/** GiB of a Kubernetes memory quantity ("512Mi" → 0.5, "2Gi" → 2; plain numbers are bytes). */
export function memoryGiB(quantity: string): number {
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, m: 1e-3 };
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|m)?$/.exec(quantity);
  if (!match) throw new Error(`bug: '${quantity}' passed the recipe schema but is not a quantity`);
  return (Number(match[1]) * (match[2] ? (units[match[2]] ?? 1) : 1)) / 2 ** 30;
}
