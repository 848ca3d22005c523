import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  loadBackboneSpec,
  type ModelStoreOptions,
  preparePackagedModel,
  resolveBackbone,
} from '../models/index.js';
import { type Recipe, recipeBackbones } from '../recipes/index.js';
import { renderAppManifests } from './app-manifests.js';
import { renderKServe } from './kserve-manifests.js';
import { renderKubernetes } from './kubernetes-manifests.js';
import { writeTritonRepository } from './triton-repository.js';

export const deployTargets = ['k8s', 'kserve', 'triton', 'mirror'] as const;
export type DeployTarget = (typeof deployTargets)[number];

export interface DeployOptions {
  readonly image: string;
  readonly namespace: string;
  readonly prometheusUrl: string;
  readonly canaryTrafficPercent: number;
  /** Where models come from (triton and mirror targets). */
  readonly store: ModelStoreOptions;
}

/** A manifest file: its name in the output folder and the object it holds. */
export interface Manifest {
  readonly file: string;
  readonly object: object;
}

/** The manifests of a manifest target (k8s, kserve), in the order they should be applied. */
export function renderManifests(
  recipe: Recipe,
  target: 'k8s' | 'kserve',
  options: DeployOptions,
): Manifest[] {
  if (target === 'kserve') {
    const { runtime, inferenceService } = renderKServe(recipe, options);
    return [
      { file: 'servingruntime.yaml', object: runtime },
      { file: 'inferenceservice.yaml', object: inferenceService },
    ];
  }
  const k = renderKubernetes(recipe, options);
  const app = renderAppManifests(recipe, options);
  return [
    { file: 'deployment.yaml', object: k.deployment },
    { file: 'service.yaml', object: k.service },
    ...(k.hpa ? [{ file: 'hpa.yaml', object: k.hpa }] : []),
    ...(k.scaledObject ? [{ file: 'keda-scaledobject.yaml', object: k.scaledObject }] : []),
    { file: 'app-deployment.yaml', object: app.deployment },
    { file: 'app-service.yaml', object: app.service },
  ];
}

/** Manifest objects as YAML documents that say where they came from. */
export function manifestYaml(recipe: Recipe, object: object): string {
  return `# Rendered by 'gourmetgram deploy' from recipes/${recipe.name}.yaml: change the recipe, not this file.\n${stringify(object)}`;
}

/**
 * Renders a target into `outDir` and returns the paths written: k8s/kserve manifests, a Triton model repository,
 * or a backbone mirror folder (what the container image carries so that pods need no internet).
 */
export async function renderTarget(
  recipe: Recipe,
  target: DeployTarget,
  outDir: string,
  options: DeployOptions,
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  if (target === 'triton') {
    const packaged = await preparePackagedModel(recipe.model, options.store);
    const repository = await writeTritonRepository(recipe, packaged, outDir);
    return repository.files.map((file) => join(outDir, file));
  }
  if (target === 'mirror') {
    const written: string[] = [];
    for (const { name } of recipeBackbones(recipe.model)) {
      const spec = await loadBackboneSpec(name);
      const backbone = await resolveBackbone(spec, {
        mirrorDir: options.store.mirrorDir,
        cacheDir: join(options.store.cacheDir, 'backbones'),
      });
      const path = join(outDir, spec.file);
      await copyFile(backbone.path, path);
      written.push(path);
    }
    return written;
  }
  const written: string[] = [];
  for (const manifest of renderManifests(recipe, target, options)) {
    const path = join(outDir, manifest.file);
    await writeFile(path, manifestYaml(recipe, manifest.object));
    written.push(path);
  }
  return written;
}
