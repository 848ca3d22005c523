import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Service } from 'kubernetes-models/v1/Service';
import { parse } from 'yaml';
import { projectPath } from '../../src/core/index.js';
import {
  type DeployOptions,
  image,
  RecipeSectionMissingError,
  renderManifests,
  terminationGraceSeconds,
} from '../../src/deploy/index.js';
import { loadRecipe, parseRecipe, type Recipe } from '../../src/recipes/index.js';
import { inferenceServiceSchema, servingRuntimeSchema } from './kserve-schema.js';

const options: DeployOptions = {
  image: 'registry.example.com/gourmetgram:0.1.0',
  namespace: 'food',
  prometheusUrl: 'http://prometheus.monitoring.svc:9090',
  canaryTrafficPercent: 10,
  store: { cacheDir: '/nonexistent' },
};

function recipeWith(metric: 'cpu' | 'inflight' | 'queue_depth', extra = ''): Recipe {
  return parseRecipe(`
name: test-${metric.replace('_', '-')}
description: a recipe for rendering tests
model: { backbone: mobilenetv2-12-int8, input_size: 224, head: food11-test }
serving: { timeout_ms: 2500 }
resources:
  requests: { cpu: 500m, memory: 512Mi }
  limits: { cpu: "2", memory: 1Gi }
autoscaling: { min_replicas: 0, max_replicas: 7, metric: ${metric}, target: ${metric === 'cpu' ? 70 : 3}, scale_down_delay_s: 120 }
${extra}`);
}

/** Validates each rendered object against its real schema; throws on the first invalid one. */
function validate(file: string, object: object): void {
  const kind = (object as { kind: string }).kind;
  // The YAML that is written, not the object in memory, is what kubectl would read.
  const data = parse(JSON.stringify(object));
  if (kind === 'Deployment') new Deployment(data).validate();
  else if (kind === 'Service') new Service(data).validate();
  else if (kind === 'HorizontalPodAutoscaler') new HorizontalPodAutoscaler(data).validate();
  else if (kind === 'ScaledObject') new ScaledObject(data).validate();
  else if (kind === 'ServingRuntime') servingRuntimeSchema.parse(data);
  else if (kind === 'InferenceService') inferenceServiceSchema.parse(data);
  else assert.fail(`${file}: no schema for kind ${kind}`);
}

// The model server's objects by kind; the web app's (app-*.yaml) are checked on their own below.
const byKind = (recipe: Recipe, target: 'k8s' | 'kserve') =>
  Object.fromEntries(
    renderManifests(recipe, target, options)
      .filter((m) => !m.file.startsWith('app-'))
      .map((m) => [(m.object as { kind: string }).kind, m.object]),
  ) as Record<
    string,
    // biome-ignore lint/suspicious/noExplicitAny: the tests walk rendered manifests by path.
    any
  >;

describe('Kubernetes manifests', () => {
  for (const metric of ['cpu', 'inflight', 'queue_depth'] as const) {
    it(`should render schema-valid k8s and kserve manifests for a ${metric}-scaled recipe`, () => {
      const recipe = recipeWith(metric);
      for (const target of ['k8s', 'kserve'] as const)
        for (const manifest of renderManifests(recipe, target, options))
          validate(manifest.file, manifest.object);
    });
  }

  it('should reject a manifest that breaks the Kubernetes schema', () => {
    const { Deployment: deployment } = byKind(recipeWith('cpu'), 'k8s');
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'eight thousand';
    assert.throws(() => validate('deployment.yaml', broken));
    const noSelector = structuredClone(deployment);
    delete noSelector.spec.selector;
    assert.throws(() => validate('deployment.yaml', noSelector));
    const { InferenceService: isvc } = byKind(recipeWith('cpu'), 'kserve');
    assert.throws(() =>
      validate('inferenceservice.yaml', {
        ...isvc,
        spec: { predictor: { ...isvc.spec.predictor, minReplica: 0 } },
      }),
    );
  });

  it('should carry the recipe into the Deployment: resources, probes, drain, non-root, read-only root, cache emptyDir', () => {
    const recipe = recipeWith('inflight');
    const { Deployment: d } = byKind(recipe, 'k8s');
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    assert.deepEqual(c.resources, {
      requests: { cpu: '500m', memory: '512Mi' },
      limits: { cpu: '2', memory: '1Gi' },
    });
    assert.equal(c.readinessProbe.httpGet.path, '/v2/health/ready');
    assert.equal(c.livenessProbe.httpGet.path, '/v2/health/live');
    assert.deepEqual(c.args, [
      'serve',
      '--recipe',
      `/app/recipes/${recipe.name}.yaml`,
      '--port',
      String(image.port),
    ]);
    // 5 s pre-stop + the 2.5 s request deadline rounded up + 5 s to exit.
    assert.equal(pod.terminationGracePeriodSeconds, 13);
    assert.equal(terminationGraceSeconds(recipe), 13);
    assert.equal(c.securityContext.runAsNonRoot, true);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    const cacheMount = c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === image.cacheDir);
    const cacheVolume = pod.volumes.find((v: { name: string }) => v.name === cacheMount.name);
    assert.ok(cacheVolume.emptyDir);
    assert.ok(
      c.env.some(
        (e: { name: string; value: string }) => e.name === 'GOURMETGRAM_CACHE' && e.value === image.cacheDir,
      ),
    );
    assert.equal(d.spec.replicas, undefined);
  });

  it('should scale on the recipe metric with its scale-down stabilisation', () => {
    const cpu = byKind(recipeWith('cpu'), 'k8s');
    assert.deepEqual(cpu.HorizontalPodAutoscaler.spec.metrics, [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
      },
    ]);
    assert.equal(cpu.HorizontalPodAutoscaler.spec.minReplicas, 1);
    assert.equal(cpu.HorizontalPodAutoscaler.spec.behavior.scaleDown.stabilizationWindowSeconds, 120);
    // KEDA reads CPU seconds from Prometheus: 70 % of a 500m request is 0.35 cores.
    assert.equal(cpu.ScaledObject.spec.triggers[0].metadata.threshold, '0.35');
    const queue = byKind(recipeWith('queue_depth'), 'k8s');
    assert.equal(queue.HorizontalPodAutoscaler.spec.metrics[0].pods.metric.name, 'gourmetgram_queue_depth');
    assert.equal(queue.HorizontalPodAutoscaler.spec.metrics[0].pods.target.averageValue, '3');
    const so = byKind(recipeWith('inflight'), 'k8s').ScaledObject;
    assert.equal(so.spec.minReplicaCount, 0);
    assert.equal(so.spec.maxReplicaCount, 7);
    assert.equal(so.spec.cooldownPeriod, 120);
    assert.match(so.spec.triggers[0].metadata.query, /^sum\(gourmetgram_inflight_requests\{namespace="food"/);
  });

  it('should render an InferenceService that scales to zero on the v2 protocol with a canary share', () => {
    const { InferenceService: isvc, ServingRuntime: runtime } = byKind(recipeWith('inflight'), 'kserve');
    assert.equal(isvc.spec.predictor.minReplicas, 0);
    assert.equal(isvc.spec.predictor.scaleMetric, 'concurrency');
    assert.equal(isvc.spec.predictor.scaleTarget, 3);
    assert.equal(isvc.spec.predictor.canaryTrafficPercent, 10);
    assert.equal(isvc.spec.predictor.model.protocolVersion, 'v2');
    assert.equal(isvc.spec.predictor.model.runtime, runtime.metadata.name);
    assert.deepEqual(runtime.spec.protocolVersions, ['v2']);
    assert.equal(runtime.spec.containers[0].name, 'kserve-container');
  });

  it('should run one fixed replica when the recipe has no autoscaling, and refuse without resources', () => {
    const fixed = parseRecipe(`
name: fixed
description: one replica
model: { backbone: mobilenetv2-12-int8, input_size: 224, head: food11-test }
resources: { requests: { cpu: "1", memory: 2Gi }, limits: { cpu: "2", memory: 4Gi } }
`);
    const manifests = renderManifests(fixed, 'k8s', options);
    assert.deepEqual(
      manifests.map((m) => m.file),
      ['deployment.yaml', 'service.yaml', 'app-deployment.yaml', 'app-service.yaml'],
    );
    assert.equal((manifests[0]!.object as { spec: { replicas: number } }).spec.replicas, 1);
    const bare = parseRecipe(
      'name: bare\ndescription: x\nmodel: { backbone: b, input_size: 224, head: h }\n',
    );
    assert.throws(() => renderManifests(bare, 'k8s', options), RecipeSectionMissingError);
  });

  it('should render every shipped recipe that has a resources section into valid manifests', async () => {
    const names = (await readdir(projectPath('recipes'))).filter((n) => n.endsWith('.yaml'));
    let rendered = 0;
    for (const name of names) {
      const recipe = await loadRecipe(projectPath('recipes', name));
      if (!recipe.resources) continue;
      for (const target of ['k8s', 'kserve'] as const)
        for (const manifest of renderManifests(recipe, target, options))
          validate(`${name}/${manifest.file}`, manifest.object);
      rendered++;
    }
    assert.ok(rendered >= 2, `only ${rendered} shipped recipes have resources`);
  });
});
