import { resolve } from 'node:path';
import type { Environment } from '../core/index.js';
import { type DeployTarget, deployTargets, renderTarget } from '../deploy/index.js';
import { loadRecipe } from '../recipes/index.js';
import { UsageError } from './errors.js';
import { storeOptions } from './store-options.js';
import { defineVerb, numberFlag, type VerbValues } from './verb.js';

const usage = `usage: gourmetgram deploy --recipe <file|name> --target <${deployTargets.join('|')}> --out <dir>
       [--image <ref>] [--namespace <ns>] [--prometheus-url <url>] [--canary <percent>]
Renders a recipe for a target: k8s (Deployment, Service, HPA, KEDA ScaledObject), kserve (ServingRuntime +
InferenceService), triton (a model repository of the packaged model), mirror (the backbone file for the image).`;

const options = {
  recipe: { type: 'string' },
  target: { type: 'string' },
  out: { type: 'string' },
  image: { type: 'string', default: 'gourmetgram:0.1.0' },
  namespace: { type: 'string', default: 'gourmetgram' },
  'prometheus-url': { type: 'string', default: 'http://prometheus-operated.monitoring.svc:9090' },
  canary: { type: 'string', default: '10' },
} as const;

export const run = defineVerb({
  usage,
  options,
  required: ['recipe', 'target', 'out'],
  run: ({ values }, env) => deploy(values, env),
});

async function deploy(values: VerbValues<typeof options>, env: Environment): Promise<number> {
  if (!(deployTargets as readonly string[]).includes(values.target!))
    throw new UsageError(`unknown target '${values.target}' (one of ${deployTargets.join(', ')})`);
  const canary = numberFlag('canary', values.canary, { integer: true, inclusive: true, max: 100 });
  const recipe = await loadRecipe(values.recipe!);
  const options = {
    image: values.image,
    namespace: values.namespace,
    prometheusUrl: values['prometheus-url'],
    canaryTrafficPercent: canary,
    store: storeOptions(env),
  };
  process.stderr.write(
    `deploy: recipe ${recipe.name}, target ${values.target}, image ${options.image}, namespace ${options.namespace}\n`,
  );
  const written = await renderTarget(recipe, values.target as DeployTarget, resolve(values.out!), options);
  for (const path of written) process.stdout.write(`${path}\n`);
  return 0;
}
