import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { parse } from 'yaml';
import { projectPath } from '../../src/core/index.js';
import { appImage, appSecret, image, renderManifests } from '../../src/deploy/index.js';
import type { Classifier } from '../../src/inference/index.js';
import { loadRecipe } from '../../src/recipes/index.js';

const run = promisify(execFile);
const main = projectPath('dist', 'src', 'cli', 'main.js');

/** The flags a verb really takes, read from its own --help (what a typo in a manifest would miss). */
async function flagsOf(verb: string): Promise<Set<string>> {
  const { stdout } = await run(process.execPath, [main, verb, '--help']);
  return new Set(stdout.match(/--[a-z][a-z0-9-]*/g) ?? []);
}

function flagsIn(args: readonly string[]): string[] {
  return args.filter((a) => a.startsWith('--'));
}

/** The value after a flag in an argument list. */
function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

describe('the web app deploys with the model server', () => {
  it('should render a schema-valid app Deployment and Service that reach the model Service, with settings from a Secret', async () => {
    const recipe = await loadRecipe('latency');
    const manifests = renderManifests(recipe, 'k8s', {
      image: 'registry.example.com/gourmetgram:0.1.0',
      namespace: 'food',
      prometheusUrl: 'http://prometheus:9090',
      canaryTrafficPercent: 10,
      store: { cacheDir: '/nonexistent' },
    });
    const file = (name: string) => {
      const found = manifests.find((m) => m.file === name);
      assert.ok(found, `${name} is rendered`);
      // biome-ignore lint/suspicious/noExplicitAny: the test walks the rendered YAML by path.
      return parse(JSON.stringify(found.object)) as any;
    };
    const deployment = file('app-deployment.yaml');
    const service = file('app-service.yaml');
    new Deployment(deployment).validate();
    new Service(service).validate();
    const modelService = file('service.yaml');

    const c = deployment.spec.template.spec.containers[0];
    const appFlags = await flagsOf('app');
    for (const f of flagsIn(c.args)) assert.ok(appFlags.has(f), `${f} is a flag of 'gourmetgram app'`);
    assert.equal(c.args[0], 'app');
    assert.equal(flag(c.args, '--recipe'), `${image.recipesDir}/latency.yaml`);
    assert.equal(flag(c.args, '--port'), String(image.port));
    assert.equal(flag(c.args, '--inference-url'), `http://${modelService.metadata.name}.food.svc`);
    assert.equal(modelService.spec.ports[0].port, 80);
    assert.equal(flag(c.args, '--inference-model'), recipe.model.head);
    assert.equal(flag(c.args, '--data-dir'), appImage.dataDir);
    assert.equal(c.readinessProbe.httpGet.path, '/health');
    assert.equal(c.livenessProbe.httpGet.path, '/health/live');
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.ok(
      deployment.spec.template.spec.volumes.some(
        (v: { name: string; emptyDir?: object }) =>
          v.emptyDir &&
          c.volumeMounts.some(
            (m: { name: string; mountPath: string }) => m.name === v.name && m.mountPath === appImage.dataDir,
          ),
      ),
      'the data folder is writable',
    );
    const fromSecret = Object.fromEntries(
      c.env.map((e: { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }) => [
        e.name,
        e.valueFrom.secretKeyRef,
      ]),
    );
    for (const variable of [
      'GOURMETGRAM_DATABASE_URL',
      'GOURMETGRAM_S3_ENDPOINT',
      'GOURMETGRAM_S3_BUCKET',
      'GOURMETGRAM_S3_ACCESS_KEY',
      'GOURMETGRAM_S3_SECRET_KEY',
      'GOURMETGRAM_APP_SECRET',
    ])
      assert.equal(fromSecret[variable]?.name, appSecret.name, variable);
    assert.equal(
      deployment.spec.selector.matchLabels['app.kubernetes.io/instance'],
      service.spec.selector['app.kubernetes.io/instance'],
    );
    assert.notDeepEqual(
      service.spec.selector,
      modelService.spec.selector,
      'the two Services select different pods',
    );
  });

  it('should answer the probes the manifests use', async () => {
    const { buildApp, FolderBlobStore, openDatabase } = await import('../../src/app/index.js');
    const database = await openDatabase({ url: ':memory:' });
    // A stand-in: the probes only ask whether a classifier is ready and what it is.
    const classifier: Classifier = {
      ready: () => true,
      info: () => ({ model: 'food11-latency', version: 1, classes: ['Bread'] }),
      classify: () => Promise.reject(new Error('not used')),
      close: async () => {},
    };
    const app = await buildApp({ classifier, database, blobs: new FolderBlobStore('/nonexistent') });
    try {
      assert.equal((await app.inject({ url: appImage.health.ready })).statusCode, 200);
      assert.equal((await app.inject({ url: appImage.health.live })).statusCode, 200);
    } finally {
      await app.close();
      await database.close();
    }
  });

  it('should run app, model server, PostgreSQL and an S3 store in compose.yaml with the CLI’s real flags', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: compose.yaml is walked by path.
    const compose = parse(await readFile(projectPath('compose.yaml'), 'utf8')) as any;
    const services = compose.services;
    assert.deepEqual(Object.keys(services).sort(), ['app', 'models', 'postgres', 's3', 's3-bucket']);
    const { app, models, postgres, s3 } = services;
    assert.match(postgres.image, /^postgres:\d+/);
    assert.match(s3.image, /^minio\/minio:/);
    assert.equal(models.build.context, '.');
    assert.equal(app.image, models.image, 'one image for both');

    const appFlags = await flagsOf('app');
    const serveFlags = await flagsOf('serve');
    assert.equal(app.command[0], 'app');
    assert.equal(models.command[0], 'serve');
    for (const f of flagsIn(app.command)) assert.ok(appFlags.has(f), `${f} is a flag of 'gourmetgram app'`);
    for (const f of flagsIn(models.command))
      assert.ok(serveFlags.has(f), `${f} is a flag of 'gourmetgram serve'`);
    const recipeFile = flag(models.command, '--recipe') ?? '';
    assert.ok(recipeFile.startsWith(`${image.recipesDir}/`));
    const recipe = await loadRecipe(projectPath('recipes', recipeFile.slice(image.recipesDir.length + 1)));
    assert.equal(flag(app.command, '--inference-model'), recipe.model.head);
    assert.equal(flag(app.command, '--inference-url'), `http://models:${flag(models.command, '--port')}`);
    assert.equal(flag(models.command, '--host'), '0.0.0.0');
    assert.equal(flag(app.command, '--host'), '0.0.0.0');
    assert.equal(app.ports[0], `127.0.0.1:3000:${flag(app.command, '--port')}`);

    const env = app.environment;
    const db = new URL(env.GOURMETGRAM_DATABASE_URL);
    assert.equal(db.hostname, 'postgres');
    assert.equal(db.username, postgres.environment.POSTGRES_USER);
    assert.equal(db.password, postgres.environment.POSTGRES_PASSWORD);
    assert.equal(db.pathname, `/${postgres.environment.POSTGRES_DB}`);
    const s3Url = new URL(env.GOURMETGRAM_S3_ENDPOINT);
    assert.equal(s3Url.hostname, 's3');
    assert.ok(s3.command.join(' ').includes(`--address :${s3Url.port}`));
    assert.equal(env.GOURMETGRAM_S3_ACCESS_KEY, s3.environment.MINIO_ROOT_USER);
    assert.equal(env.GOURMETGRAM_S3_SECRET_KEY, s3.environment.MINIO_ROOT_PASSWORD);
    assert.ok(services['s3-bucket'].command.join(' ').includes(`local/${env.GOURMETGRAM_S3_BUCKET}`));
    assert.ok(env.GOURMETGRAM_APP_SECRET, 'replicas share the CSRF key');
    assert.equal(app.depends_on.postgres.condition, 'service_healthy');
    assert.equal(app.depends_on['s3-bucket'].condition, 'service_completed_successfully');
    assert.ok(app.volumes.includes(`app-data:${flag(app.command, '--data-dir')}`));
    assert.ok(models.volumes.includes(`model-cache:${image.cacheDir}`));
  });

  it('should put web/ in the image, since the app serves it', async () => {
    const dockerfile = await readFile(projectPath('Dockerfile'), 'utf8');
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    assert.match(finalStage, /^COPY web \.\/web$/m);
    assert.match(finalStage, /\/var\/lib\/gourmetgram$/m);
    assert.equal(appImage.dataDir, '/var/lib/gourmetgram');
  });
});
