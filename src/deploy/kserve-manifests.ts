import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { Recipe } from '../recipes/index.js';
import { RecipeSectionMissingError } from './errors.js';
import { appName } from './kubernetes-manifests.js';
import { scalingPolicyOf } from './scaling-policy.js';
import { type ContainerOptions, serverContainer, serverVolumes } from './server-container.js';

/**
 * KServe has no published TypeScript models, so these types are written from its CRDs
 * (serving.kserve.io/v1alpha1 ServingRuntime, v1beta1 InferenceService), covering the fields we render.
 */
export interface ServingRuntime {
  apiVersion: 'serving.kserve.io/v1alpha1';
  kind: 'ServingRuntime';
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: {
    supportedModelFormats: { name: string; version?: string; autoSelect?: boolean }[];
    protocolVersions: ('v1' | 'v2' | 'grpc-v1' | 'grpc-v2')[];
    multiModel?: boolean;
    containers: IContainer[];
    volumes?: IVolume[];
  };
}

export interface InferenceService {
  apiVersion: 'serving.kserve.io/v1beta1';
  kind: 'InferenceService';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: {
    predictor: {
      minReplicas?: number;
      maxReplicas?: number;
      scaleMetric?: 'cpu' | 'memory' | 'concurrency' | 'rps';
      scaleTarget?: number;
      canaryTrafficPercent?: number;
      model: {
        modelFormat: { name: string; version?: string };
        runtime?: string;
        protocolVersion?: 'v1' | 'v2' | 'grpc-v1' | 'grpc-v2';
        resources?: IContainer['resources'];
      };
    };
  };
}

export interface KServeOptions extends ContainerOptions {
  readonly namespace: string;
  /** Share of traffic the newly applied revision gets while the previous one takes the rest. */
  readonly canaryTrafficPercent: number;
}

/** Our server as a KServe ServingRuntime speaking the v2 protocol, and an InferenceService that scales to zero. */
export function renderKServe(
  recipe: Recipe,
  options: KServeOptions,
): { runtime: ServingRuntime; inferenceService: InferenceService } {
  if (!recipe.resources) throw new RecipeSectionMissingError(recipe.name, 'resources', 'kserve');
  const name = appName(recipe);
  const labels = { 'app.kubernetes.io/name': 'gourmetgram', 'app.kubernetes.io/instance': name };
  const modelFormat = { name: 'gourmetgram-food11', version: '1' };
  const policy = scalingPolicyOf(recipe);
  const runtime: ServingRuntime = {
    apiVersion: 'serving.kserve.io/v1alpha1',
    kind: 'ServingRuntime',
    metadata: { name, namespace: options.namespace, labels },
    spec: {
      supportedModelFormats: [{ ...modelFormat, autoSelect: true }],
      protocolVersions: ['v2'],
      multiModel: false,
      // KServe requires its serving container to be called kserve-container.
      containers: [serverContainer(recipe, { ...options, name: 'kserve-container' }, 'kserve')],
      volumes: serverVolumes(),
    },
  };
  const inferenceService: InferenceService = {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name,
      namespace: options.namespace,
      labels,
      annotations: { 'serving.kserve.io/deploymentMode': 'Serverless' },
    },
    spec: {
      predictor: {
        minReplicas: 0,
        maxReplicas: policy.maxReplicas,
        // Knative's concurrency counts requests in flight per pod, queued ones included: our inflight and
        // queue-depth targets both map to it.
        scaleMetric: policy.metric === 'cpu' ? 'cpu' : 'concurrency',
        // KServe's scaleTarget is an integer.
        scaleTarget: Math.max(1, Math.round(policy.target)),
        canaryTrafficPercent: options.canaryTrafficPercent,
        model: { modelFormat, runtime: name, protocolVersion: 'v2', resources: { ...recipe.resources } },
      },
    },
  };
  return { runtime, inferenceService };
}
