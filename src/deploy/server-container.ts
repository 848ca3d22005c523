import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { Recipe } from '../recipes/index.js';
import { RecipeSectionMissingError } from './errors.js';

/** Facts about the container image the project's Dockerfile builds; the manifests and the Dockerfile agree on them. */
export const image = Object.freeze({
  /** distroless "nonroot" user and group. */
  uid: 65532,
  port: 8080,
  /** The recipes folder inside the image (the Dockerfile copies recipes/ there). */
  recipesDir: '/app/recipes',
  /** Backbone files fetched at build time and checked by SHA-256, so a pod needs no internet. */
  mirrorDir: '/app/mirror',
  /** Packaged models are written here at start: an emptyDir, since the root filesystem is read-only. */
  cacheDir: '/var/cache/gourmetgram',
  health: Object.freeze({ live: '/v2/health/live', ready: '/v2/health/ready' }),
});

export interface ContainerOptions {
  /** Image reference, e.g. registry.example.com/gourmetgram:0.1.0. */
  readonly image: string;
  readonly name?: string;
}

// Endpoint controllers and ingresses take a few seconds to stop sending to a terminating pod; the pod keeps
// serving meanwhile, then the server's own SIGTERM drain (readiness false, finish in-flight work) begins.
const preStopSleepS = 5;
const drainMarginS = 5;

/**
 * Seconds Kubernetes waits after SIGTERM before SIGKILL: the pre-stop pause plus the longest a request admitted
 * just before SIGTERM may still run (the recipe's per-request deadline), plus a margin for the process to exit.
 */
export function terminationGraceSeconds(recipe: Recipe): number {
  return preStopSleepS + Math.ceil(recipe.serving.timeout_ms / 1000) + drainMarginS;
}

/** The pod's security context: the image's non-root user, its group owning the mounted volumes, seccomp on. */
export function podSecurityContext(): IPodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: image.uid,
    runAsGroup: image.uid,
    fsGroup: image.uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The container's: no privilege escalation, a read-only root, no capabilities. */
export function containerSecurityContext(): ISecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: image.uid,
    runAsGroup: image.uid,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Readiness (how often and how strictly is the caller's choice), liveness every 10 s, and a startup probe that
 * holds liveness back until the process has started once, however long loading the model takes; then the
 * pre-stop pause before the drain.
 */
export function healthChecks(
  health: { readonly live: string; readonly ready: string },
  readiness: {
    readonly periodSeconds: number;
    readonly failureThreshold: number;
    readonly timeoutSeconds: number;
  },
): Pick<IContainer, 'readinessProbe' | 'livenessProbe' | 'startupProbe' | 'lifecycle'> {
  return {
    readinessProbe: { httpGet: { path: health.ready, port: 'http' }, ...readiness },
    livenessProbe: {
      httpGet: { path: health.live, port: 'http' },
      periodSeconds: 10,
      failureThreshold: 3,
      timeoutSeconds: 2,
    },
    startupProbe: {
      httpGet: { path: health.live, port: 'http' },
      periodSeconds: 1,
      failureThreshold: 60,
    },
    lifecycle: { preStop: { sleep: { seconds: preStopSleepS } } },
  };
}

/** The `gourmetgram serve` container for a recipe: resources, probes, a locked-down security context. */
export function serverContainer(recipe: Recipe, options: ContainerOptions, target: string): IContainer {
  if (!recipe.resources) throw new RecipeSectionMissingError(recipe.name, 'resources', target);
  const { requests, limits } = recipe.resources;
  return {
    name: options.name ?? 'server',
    image: options.image,
    args: ['serve', '--recipe', `${image.recipesDir}/${recipe.name}.yaml`, '--port', String(image.port)],
    ports: [{ name: 'http', containerPort: image.port, protocol: 'TCP' }],
    env: [
      { name: 'GOURMETGRAM_MODEL_MIRROR', value: image.mirrorDir },
      { name: 'GOURMETGRAM_CACHE', value: image.cacheDir },
    ],
    resources: { requests: { ...requests }, limits: { ...limits } },
    // Readiness polls often so a new replica takes traffic as soon as its model is warm (cold start counts).
    ...healthChecks(image.health, { periodSeconds: 2, failureThreshold: 1, timeoutSeconds: 1 }),
    securityContext: containerSecurityContext(),
    volumeMounts: [
      { name: 'model-cache', mountPath: image.cacheDir },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

/** The writable scratch volumes the container mounts over its read-only root filesystem. */
export function serverVolumes(): IVolume[] {
  return [
    { name: 'model-cache', emptyDir: { sizeLimit: '512Mi' } },
    { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
  ];
}
