import { Container } from 'kubernetes-models/v1/Container';
import { Volume } from 'kubernetes-models/v1/Volume';
import { z } from 'zod';

/**
 * No npm package ships KServe's CRD schemas, so these are written by hand from the CRDs
 * (serving.kserve.io_servingruntimes.yaml, serving.kserve.io_inferenceservices.yaml): the fields we render,
 * strict so that a misspelt field fails. Embedded containers and volumes are checked against the real
 * Kubernetes core/v1 schemas from kubernetes-models.
 */
const k8sContainer = z.custom<object>((value) => {
  new Container(value as ConstructorParameters<typeof Container>[0]).validate();
  return true;
});
const k8sVolume = z.custom<object>((value) => {
  new Volume(value as ConstructorParameters<typeof Volume>[0]).validate();
  return true;
});
const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
  .max(63);
const metadata = z.strictObject({
  name,
  namespace: name,
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
const protocol = z.enum(['v1', 'v2', 'grpc-v1', 'grpc-v2']);
const quantity = z.union([z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G)?$/), z.number()]);
const resources = z.strictObject({
  requests: z.record(z.string(), quantity).optional(),
  limits: z.record(z.string(), quantity).optional(),
});

export const servingRuntimeSchema = z.strictObject({
  apiVersion: z.literal('serving.kserve.io/v1alpha1'),
  kind: z.literal('ServingRuntime'),
  metadata,
  spec: z.strictObject({
    supportedModelFormats: z
      .array(
        z.strictObject({
          name: z.string(),
          version: z.string().optional(),
          autoSelect: z.boolean().optional(),
          priority: z.number().int().min(1).optional(),
        }),
      )
      .nonempty(),
    protocolVersions: z.array(protocol).optional(),
    multiModel: z.boolean().optional(),
    disabled: z.boolean().optional(),
    containers: z.array(k8sContainer).nonempty(),
    volumes: z.array(k8sVolume).optional(),
  }),
});

export const inferenceServiceSchema = z.strictObject({
  apiVersion: z.literal('serving.kserve.io/v1beta1'),
  kind: z.literal('InferenceService'),
  metadata,
  spec: z.strictObject({
    predictor: z.strictObject({
      minReplicas: z.number().int().min(0).optional(),
      maxReplicas: z.number().int().min(0).optional(),
      scaleMetric: z.enum(['cpu', 'memory', 'concurrency', 'rps']).optional(),
      scaleTarget: z.number().int().optional(),
      canaryTrafficPercent: z.number().int().min(0).max(100).optional(),
      containerConcurrency: z.number().int().min(0).optional(),
      timeout: z.number().int().optional(),
      model: z.strictObject({
        modelFormat: z.strictObject({ name: z.string(), version: z.string().optional() }),
        runtime: z.string().optional(),
        protocolVersion: protocol.optional(),
        storageUri: z.string().optional(),
        resources: resources.optional(),
      }),
    }),
  }),
});
