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
    ['monitoring', 'monitoring/index.js', 'monitoringErrorCodes'],
    ['report', 'report/index.js', 'deckErrorCodes'],
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

const ci = (f) => (f?.interval ? ` [${f.interval.map((v) => (v * 100).toFixed(1)).join(', ')}]` : '');

// Ours and the course's model on the same photos: the ordinary test split and every source held out in turn.
function accuracy() {
  const rows = [];
  for (const recipe of ['accuracy', 'latency']) {
    const test = readJson(`results/${recipe}/eval-test.json`);
    const lso = readJson(`results/${recipe}/eval-leave-source-out.json`);
    if (!test && !lso) continue;
    const peerTest = test?.peers?.[0];
    const peerLso = lso?.peers?.[0]?.pooled;
    rows.push([
      `\`${recipe}\`${test ? ` (${test.model.name} v${test.model.version})` : ''}`,
      test ? `${pct(test.top1)}${ci(test)}` : '–',
      test ? pct(test.macro_f1) : '–',
      lso ? `${pct(lso.pooled.top1)}${ci(lso.pooled)}` : '–',
      peerTest ? `${pct(peerTest.top1)}${ci(peerTest)}` : '–',
      peerLso ? `${pct(peerLso.top1)}${ci(peerLso)}` : '–',
    ]);
  }
  if (rows.length === 0) return '_No results/<recipe>/eval-*.json yet._';
  const header = [
    'recipe',
    'test top-1 [95 % CI]',
    'test macro-F1',
    'leave-source-out pooled top-1',
    'course model, test',
    'course model, every photo',
  ];
  const lsoN = readJson('results/accuracy/eval-leave-source-out.json')?.pooled?.n;
  return `${table(header, rows)}\n\nTest: the packaged model on the test split (it shares sources with train). Leave-source-out: ${
    lsoN ? `each of the ${lsoN} photos` : 'every photo'
  } scored by a head fitted without its source (the protocol's per-fold head). The course's Food-11 model, with its own head, never saw any of these sources.\n\n${backbones()}\n\n${headCv()}`;
}

// `gourmetgram study --head-cv`: the accuracy recipe's head for each number of training views, cross-validated.
function headCv() {
  const study = readJson('results/accuracy/head-cv.json');
  if (!study)
    return '_No results/accuracy/head-cv.json yet: run `gourmetgram study --head-cv --recipe accuracy`._';
  const rows = study.rows.map((r, i) => [
    r.label,
    `${pct(r.top1)}${ci(r)}`,
    pct(r.macro_f1),
    i === 0 ? '–' : `+${r.versus_first.gained} / −${r.versus_first.lost}`,
    Math.round(r.fit_seconds),
  ]);
  return `The accuracy recipe's head by ${study.folds}-fold cross-validation over train + validation (\`gourmetgram study --head-cv --recipe accuracy --views ${study.rows.map((r) => r.views).join(',')}\`, results/accuracy/head-cv.json; ${study.data.photos} photos, each scored once by a head fitted without its fold, head alone; test never read):\n\n${table(
    ['head', 'top-1 [95 % CI]', 'macro-F1', 'photos gained / lost against the first row', 'fit CPU s'],
    rows,
  )}`;
}

// `gourmetgram study --backbones`: each backbone and combination with the same head.
function backbones() {
  const study = readJson('results/study-backbones.json');
  if (!study) return '_No results/study-backbones.json yet: run `gourmetgram study --backbones`._';
  const rows = study.rows.map((r) => [
    r.step,
    pct(r.validation_top1),
    `${pct(r.test_top1)}${ci({ interval: r.test_interval })}`,
    pct(r.test_macro_f1),
    `${pct(r.leave_source_out.top1)}${ci(r.leave_source_out)}`,
    r.p50_ms.toFixed(1),
    (r.model_bytes / 1e6).toFixed(1),
  ]);
  const p = study.peer;
  rows.push([
    'course model, own head (peer)',
    pct(p.validation.top1),
    `${pct(p.test.top1)}${ci(p.test)}`,
    pct(p.test.macro_f1),
    `${pct(p.every_photo.top1)}${ci(p.every_photo)}`,
    '–',
    '–',
  ]);
  return `Backbones and combinations (\`gourmetgram study --backbones\`, results/study-backbones.json; the same softmax head on centre crops for all rows; p50 of the embedding graph alone, batch 1, 1 thread, on 2 cores shared at load average ${study.machine.load_average[0].toFixed(1)}):\n\n${table(
    [
      'backbones',
      'validation top-1',
      'test top-1 [95 % CI]',
      'test macro-F1',
      'leave-source-out pooled',
      'p50 ms',
      'MB',
    ],
    rows,
  )}`;
}

// Each detector's false-alarm rate on clean windows and its power on shifted photos, per window size.
function monitoring() {
  const v = readJson('results/monitoring/validation.json');
  if (!v) return '_No results/monitoring/validation.json yet: run `gourmetgram monitor validate`._';
  const sizes = [...new Set(v.results.map((r) => r.window))].sort((a, b) => a - b);
  const conditions = [...new Set(v.results.map((r) => r.condition))];
  const cell = (condition, window) => {
    const r = v.results.find((x) => x.condition === condition && x.window === window);
    return r ? `${pct(r.any)} / ${pct(r.persistent)}` : '–';
  };
  const rows = conditions.map((c) => {
    const r = v.results.find((x) => x.condition === c);
    return [`\`${c}\`: ${r.description}`, `${r.windows}`, ...sizes.map((w) => cell(c, w))];
  });
  const clean = v.results.filter((r) => r.condition === 'clean');
  const tests = Object.keys(clean[0]?.flagged ?? {});
  const perTest = tests.map((t) => [`\`${t}\``, ...clean.map((r) => pct(r.flagged[t]))]);
  return `From \`${v.command}\` (results/monitoring/validation.json, model ${v.model.name} v${v.model.version}, reference: ${v.reference.photos}). Each cell: windows with any drift flag / windows where the alert fires (${v.settings.persistence} flagged windows in a row); α = ${v.settings.alpha} per window, Bonferroni across its tests. Rows after \`clean\` are power (higher is better); \`clean\` is the false-alarm rate (lower is better).\n\n${table(
    ['condition', 'windows', ...sizes.map((w) => `window ${w}`)],
    rows,
  )}\n\nFalse alarms per test on clean windows:\n\n${table(['test', ...clean.map((r) => `window ${r.window}`)], perTest)}\n\n![detector validation](results/monitoring/validation.svg)`;
}

// The long soak's table (npm run soak), through the same function that prints it.
async function soak() {
  const result = readJson('results/soak.json');
  if (!result) return '_No results/soak.json yet: run `npm run soak`._';
  const { soakTable } = await import(join(root, 'dist', 'bench', 'soak', 'registry.js'));
  const { header, cells } = soakTable(result.rows);
  const verdict = result.failed.length ? `failed: ${result.failed.join('; ')}` : 'every check passed';
  return `From \`npm run soak\`${result.short ? ' -- --short' : ''} (results/soak.json, ${result.rows.length} scenarios in ${Math.round(result.seconds)} s; ${verdict}):\n\n${table(header, cells)}`;
}

const sections = {
  environment,
  errors,
  measurements,
  'error-analysis': errorAnalysis,
  accuracy,
  monitoring,
  soak,
};

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
