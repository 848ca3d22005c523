// `npm run docs` writes every generated section of README.md (between <!-- generated:NAME --> markers) from
// the code's schemas and from results/; `npm run docs:check` (CI) fails when README disagrees with them.
// Runs on the compiled code (npm run build first; the npm scripts do).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => import(join(root, 'dist', 'src', path));
const readJson = (path) => {
  const full = join(root, path);
  return existsSync(full) ? JSON.parse(readFileSync(full, 'utf8')) : undefined;
};
const pct = (v) => `${(v * 100).toFixed(1)} %`;
const cell = (text) => String(text).replaceAll('|', '\\|');
const table = (header, rows) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');

async function environment() {
  const { environmentVariables } = await dist('core/index.js');
  return table(
    ['variable', 'meaning', 'default', 'read by'],
    Object.entries(environmentVariables).map(([name, v]) => [
      `\`${name}\``,
      v.meaning,
      v.shownDefault,
      v.scope,
    ]),
  );
}

async function errors() {
  const faces = [
    ['http', 'http/index.js', 'httpErrorCodes'],
    ['core', 'core/index.js', 'coreErrorCodes'],
    ['app', 'app/index.js', 'appErrorCodes'],
    ['server', 'server/index.js', 'serverErrorCodes'],
    ['inference', 'inference/index.js', 'inferenceErrorCodes'],
    ['vision', 'vision/index.js', 'visionErrorCodes'],
    ['models', 'models/index.js', 'modelErrorCodes'],
    ['data', 'data/index.js', 'dataErrorCodes'],
    ['recipes', 'recipes/index.js', 'recipeErrorCodes'],
    ['deploy', 'deploy/index.js', 'deployErrorCodes'],
    ['bench', 'bench/index.js', 'benchErrorCodes'],
    ['study', 'study/index.js', 'studyErrorCodes'],
    ['report', 'report/deck/index.js', 'deckErrorCodes'],
    ['cli', 'cli/errors.js', 'cliErrorCodes'],
  ];
  const rows = [];
  for (const [domain, path, name] of faces) {
    const catalogue = (await dist(path))[name];
    for (const [code, info] of Object.entries(catalogue))
      rows.push([`\`${code}\``, info.status, domain, info.summary]);
  }
  return table(['code', 'status', 'domain', 'meaning'], rows);
}

function measurements() {
  const saved = readJson('results/bench-summary.json');
  if (!saved) return '_No results/bench-summary.json yet: run `gourmetgram bench --all`._';
  const { recipes, baseline, rows } = saved.summary;
  const number = (v) =>
    v === null || v === undefined
      ? '–'
      : Math.abs(v) >= 100
        ? v.toFixed(0)
        : Math.abs(v) >= 10
          ? v.toFixed(1)
          : v.toFixed(2);
  const body = rows.map((r) => [
    r.metric,
    ...r.values.map((v, i) =>
      recipes[i] === baseline || r.ratios[i] == null
        ? number(v)
        : `${number(v)} (×${r.ratios[i].toFixed(2)})`,
    ),
  ]);
  const goals = (saved.goals ?? []).map(
    (g) => `- ${g.met === null ? '?' : g.met ? 'met' : 'NOT met'}: ${g.goal} (${g.measured})`,
  );
  return `${table(['metric', ...recipes], body)}\n\nRatios are to \`${baseline}\`. Goals:\n\n${goals.join('\n')}`;
}

function errorAnalysis() {
  const parts = [];
  for (const recipe of ['accuracy', 'latency']) {
    const a = readJson(`results/error-analysis/${recipe}/error-analysis.json`);
    if (!a) continue;
    const weakest = [...a.by_source].sort((x, y) => x.top1 - y.top1).slice(0, 2);
    const confused = a.confused_pairs.slice(0, 2).map((p) => `${p.true}→${p.predicted} ${p.count}`);
    parts.push(
      `\`${recipe}\` (model ${a.model.name} v${a.model.version}) top-1 ${pct(a.summary.top1)} on ${a.summary.n} ${a.split} photos ` +
        `(weakest sources ${weakest.map((s) => `${s.group} ${pct(s.top1)}`).join(', ')}; most confused ${confused.join(', ')})`,
    );
  }
  return parts.length
    ? `Committed for the test split: ${parts.join('; ')}.`
    : '_No error analysis in results/ yet._';
}

const sections = { environment, errors, measurements, 'error-analysis': errorAnalysis };

const readmePath = join(root, 'README.md');
const before = readFileSync(readmePath, 'utf8');
let after = before;
for (const [name, make] of Object.entries(sections)) {
  const pattern = new RegExp(`(<!-- generated:${name} -->)[\\s\\S]*?(<!-- /generated:${name} -->)`);
  if (!pattern.test(after)) {
    console.error(`README.md has no <!-- generated:${name} --> … <!-- /generated:${name} --> markers`);
    process.exit(1);
  }
  const text = await make();
  after = after.replace(pattern, (_m, open, close) => `${open}\n${text}\n${close}`);
}
if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error('README.md disagrees with results/ or the code: run `npm run docs` and commit README.md');
    process.exit(1);
  }
  console.log('README.md agrees with results/ and the code');
} else {
  writeFileSync(readmePath, after);
  console.log(
    after === before ? 'README.md was up to date' : 'README.md rewritten from results/ and the code',
  );
}
