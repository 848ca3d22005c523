import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IService } from 'kubernetes-models/v1/Service';
import type { Recipe } from '../recipes/index.js';
import { appName } from './kubernetes-manifests.js';
import {
  containerSecurityContext,
  healthChecks,
  image,
  podSecurityContext,
  terminationGraceSeconds,
} from './server-container.js';

export interface AppManifestOptions {
  readonly image: string;
  readonly namespace: string;
}

export interface AppManifests {
  readonly deployment: IDeployment;
  readonly service: IService;
}

/** Facts about the web app's container that the manifests, compose.yaml and the Dockerfile agree on. */
export const appImage = Object.freeze({
  /** Writable (an emptyDir in Kubernetes): the instance id, admin exports; photos and rows live in S3 and PostgreSQL. */
  dataDir: '/var/lib/gourmetgram',
  health: Object.freeze({ live: '/health/live', ready: '/health' }),
});

/**
 * The Secret the app's settings come from (create it with `kubectl create secret generic`): PostgreSQL, the S3
 * bucket and its keys, the CSRF key every replica must share, and the admin token. Only the admin token may
 * be left out.
 */
export const appSecret = Object.freeze({
  name: 'gourmetgram-app',
  keys: Object.freeze({
    GOURMETGRAM_DATABASE_URL: 'database-url',
    GOURMETGRAM_S3_ENDPOINT: 's3-endpoint',
    GOURMETGRAM_S3_BUCKET: 's3-bucket',
    GOURMETGRAM_S3_ACCESS_KEY: 's3-access-key',
    GOURMETGRAM_S3_SECRET_KEY: 's3-secret-key',
    GOURMETGRAM_APP_SECRET: 'app-secret',
    GOURMETGRAM_ADMIN_TOKEN: 'admin-token',
  }),
});

// The app decodes and re-encodes uploads (sharp) but classifies remotely, so it needs less than a model replica.
// Memory: two 20 MB uploads decoded at the recipe's pixel cap fit in 1 GiB with the Node heap.
const appResources = {
  requests: { cpu: '250m', memory: '384Mi' },
  limits: { cpu: '1', memory: '1Gi' },
};
const replicas = 2;

/**
 * The web app in front of the recipe's model Service: stateless replicas (PostgreSQL and S3 hold the state),
 * settings from a Secret, readiness on /health (false while the database or the model server is unreachable),
 * liveness on /health/live (a database outage must not restart every pod).
 */
export function renderAppManifests(recipe: Recipe, options: AppManifestOptions): AppManifests {
  const name = `${appName(recipe)}-app`;
  const labels = { 'app.kubernetes.io/name': 'gourmetgram-app', 'app.kubernetes.io/instance': name };
  const metadata = { name, namespace: options.namespace, labels };
  const modelService = `http://${appName(recipe)}.${options.namespace}.svc`;
  const env: IEnvVar[] = Object.entries(appSecret.keys).map(([variable, key]) => ({
    name: variable,
    valueFrom: {
      secretKeyRef: { name: appSecret.name, key, ...(key === 'admin-token' ? { optional: true } : {}) },
    },
  }));
  const deployment: IDeployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // The app drains like the server: the longest request it waits on is the model's deadline.
          terminationGracePeriodSeconds: terminationGraceSeconds(recipe),
          securityContext: podSecurityContext(),
          containers: [
            {
              name: 'app',
              image: options.image,
              args: [
                'app',
                '--recipe',
                `${image.recipesDir}/${recipe.name}.yaml`,
                '--host',
                '0.0.0.0',
                '--port',
                String(image.port),
                '--data-dir',
                appImage.dataDir,
                '--inference-url',
                modelService,
                '--inference-model',
                recipe.model.head,
                // Only the ingress reaches the pods; it sets X-Forwarded-For/-Proto (per-client limits, HSTS).
                '--trust-proxy',
                'true',
              ],
              ports: [{ name: 'http', containerPort: image.port, protocol: 'TCP' }],
              env,
              resources: appResources,
              ...healthChecks(appImage.health, { periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 2 }),
              securityContext: containerSecurityContext(),
              volumeMounts: [
                { name: 'data', mountPath: appImage.dataDir },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'data', emptyDir: { sizeLimit: '1Gi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
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
  return { deployment, service };
}
