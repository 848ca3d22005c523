import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type DeployTarget, deployTargets, renderTarget } from '../deploy/index.js';
import { loadRecipe } from '../recipes/index.js';
import type { Environment } from './environment.js';
import { storeOptions } from './store-options.js';

const usage = `usage: gourmetgram deploy --recipe <file|name> --target <${deployTargets.join('|')}> --out <dir>
       [--image <ref>] [--namespace <ns>] [--prometheus-url <url>] [--canary <percent>]
Renders a recipe for a target: k8s (Deployment, Service, HPA, KEDA ScaledObject), kserve (ServingRuntime +
InferenceService), triton (a model repository of the packaged model), mirror (the backbone file for the image).`;

export async function run(argv: string[], env: Environment): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      recipe: { type: 'string' },
      target: { type: 'string' },
      out: { type: 'string' },
      image: { type: 'string', default: 'gourmetgram:0.1.0' },
      namespace: { type: 'string', default: 'gourmetgram' },
      'prometheus-url': { type: 'string', default: 'http://prometheus-operated.monitoring.svc:9090' },
      canary: { type: 'string', default: '10' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.recipe || !values.target || !values.out) {
    process.stdout.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  if (!(deployTargets as readonly string[]).includes(values.target)) {
    process.stderr.write(
      `gourmetgram deploy: unknown target '${values.target}' (one of ${deployTargets.join(', ')})\n`,
    );
    return 2;
  }
  const canary = Number(values.canary);
  if (!Number.isInteger(canary) || canary < 0 || canary > 100) {
    process.stderr.write('gourmetgram deploy: --canary must be a whole percentage 0-100\n');
    return 2;
  }
  const recipe = await loadRecipe(values.recipe);
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
  const written = await renderTarget(recipe, values.target as DeployTarget, resolve(values.out), options);
  for (const path of written) process.stdout.write(`${path}\n`);
  return 0;
}
