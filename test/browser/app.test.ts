import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { appDefaults } from '../../src/app/index.js';
import { projectPath, readEnvironment } from '../../src/core/index.js';
import type { LocalClassifier } from '../../src/inference/index.js';
import { launchChromium } from '../../src/report/index.js';
import { createTestClassifier, foodPhoto } from '../app/fixtures.js';
import { type Harness, startHarness, upload } from '../app/harness.js';

const artifacts = projectPath('test-artifacts', 'browser');

let classifier: LocalClassifier;
let h: Harness;
let browser: Browser;
let base: string;
let page: Page;
const problems: string[] = [];
const communityIds: string[] = [];

before(async () => {
  await mkdir(artifacts, { recursive: true });
  classifier = await createTestClassifier();
  h = await startHarness(classifier);
  // A few photos from other visitors first, so the pages show a community rather than an empty shell. The
  // captions fit the photos' folders (foodPhoto(i) takes class i mod 11: Dairy product, Fried food, Rice).
  for (const [i, caption] of [
    'A proper cheese board',
    'Crispy, golden, gone in minutes',
    'Brunch!',
  ].entries())
    communityIds.push(
      (await upload(h.app, undefined, await foodPhoto(i * 3 + 1), { json: true, caption })).json().id,
    );
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium(readEnvironment(process.env).chromium);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // A CSP violation or a script error would mean a page is broken for real users.
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
});

/** With the page's script, the answer shows on the upload page first; its link opens the photo. */
async function shareAndOpen(page: Page): Promise<void> {
  await page.click('form.upload button[type="submit"]');
  await Promise.all([page.waitForURL(/\/photos\/[a-f0-9]{20}$/), page.click('a.open-photo')]);
}

after(async () => {
  await browser?.close();
  await h?.close();
  await classifier?.close();
});

it('should upload a real photo, show its category page, browse the category and take a correction', async () => {
  await page.goto(`${base}/`);
  assert.equal(await page.locator('h1').textContent(), "What's on your plate?");
  await page.screenshot({ path: join(artifacts, '1-home.png'), fullPage: true });

  const dir = await mkdtemp(join(tmpdir(), 'gg-browser-'));
  const file = join(dir, 'my-dinner.jpg');
  await writeFile(file, await foodPhoto(20));
  await page.setInputFiles('input[name="photo"]', file);
  await page.fill('input[name="caption"]', 'My dinner <b>tonight</b>');
  await shareAndOpen(page);
  await rm(dir, { recursive: true, force: true });

  const photoUrl = page.url();
  const predicted = (await page.locator('.verdict h1 a').textContent())?.trim() ?? '';
  assert.ok(classifier.info().classes.includes(predicted), `'${predicted}' is a category`);
  assert.equal(await page.locator('figcaption').textContent(), 'My dinner <b>tonight</b>');
  assert.match((await page.locator('.meta').textContent()) ?? '', /Classified in \d+ ms/);
  assert.equal(await page.locator('.score').count(), 3);
  assert.ok(
    await page
      .locator('figure img')
      .evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0),
  );
  await page.screenshot({ path: join(artifacts, '2-photo.png'), fullPage: true });

  await Promise.all([page.waitForURL(/\/categories\//), page.click('.verdict h1 a')]);
  assert.match((await page.locator('h1').textContent()) ?? '', new RegExp(predicted.replace('/', '\\/')));
  const id = photoUrl.split('/').at(-1)!;
  assert.equal(await page.locator(`a[href="/photos/${id}"]`).count(), 1);
  assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), predicted);
  await page.screenshot({ path: join(artifacts, '3-category.png'), fullPage: true });

  await page.goto(photoUrl);
  // A visitor who disagrees most likely picks the runner-up, so the screenshots show a plausible correction.
  const target = (await page.locator('.score dt').nth(1).textContent())?.trim() ?? '';
  assert.ok(classifier.info().classes.includes(target) && target !== predicted);
  const details = page.locator('details.correct');
  if (!(await details.evaluate((d: { open: boolean }) => d.open)))
    await page.click('details.correct summary');
  await page.selectOption('select[name="category"]', target);
  await Promise.all([page.waitForURL(/corrected=1$/), page.click('details.correct button[type="submit"]')]);
  assert.match((await page.locator('.notice').textContent()) ?? '', /Thanks!/);
  assert.match(
    (await page.locator('.community').textContent()) ?? '',
    new RegExp(target.replace('/', '\\/')),
  );
  await page.screenshot({ path: join(artifacts, '4-corrected.png'), fullPage: true });

  const stored = await h.database.db
    .selectFrom('corrections')
    .selectAll()
    .where('photo_id', '=', id)
    .executeTakeFirstOrThrow();
  assert.equal(stored.category, target);
  assert.equal(stored.predicted_category, predicted);

  // Photo 85 scores 0.34 with food11-latency v3: the page should hedge and open the correction form. The
  // checks follow the stored confidence, so another head only changes which branch runs.
  const dir2 = await mkdtemp(join(tmpdir(), 'gg-browser-'));
  await writeFile(join(dir2, 'hard-one.jpg'), await foodPhoto(85));
  await page.goto(`${base}/`);
  await page.setInputFiles('input[name="photo"]', join(dir2, 'hard-one.jpg'));
  await shareAndOpen(page);
  await rm(dir2, { recursive: true, force: true });
  const hard = await h.database.db
    .selectFrom('photos')
    .select('confidence')
    .where('id', '=', page.url().split('/').at(-1)!)
    .executeTakeFirstOrThrow();
  const unsure = Number(hard.confidence) < appDefaults.lowConfidence;
  assert.equal(await page.locator('.eyebrow').textContent(), unsure ? 'Not sure' : 'Looks like');
  assert.equal(await page.locator('details.correct').evaluate((d: { open: boolean }) => d.open), unsure);
  await page.screenshot({ path: join(artifacts, '5-not-sure.png'), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/`);
  await page.screenshot({ path: join(artifacts, '6-home-phone.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

it('should refuse a correction that a form on another site posts, and keep the visitor’s owner cookie', async () => {
  await page.goto(`${base}/`);
  const cookiesBefore = await page.context().cookies(base);
  const owner = cookiesBefore.find((c) => c.name === 'gg_owner')?.value;
  assert.ok(owner, 'the visitor holds an owner cookie');
  const id = communityIds[0]!;
  const before = await h.database.db
    .selectFrom('photos')
    .select('category')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const target = classifier.info().classes.find((c) => c !== before.category)!;

  // Another site: a different host name (localhost, not 127.0.0.1) on another port, as an attacker's page.
  const attacker = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><title>Win a prize</title>
<form id="f" method="post" action="${base}/photos/${id}/corrections">
<input type="hidden" name="_csrf" value="forged"><input type="hidden" name="category" value="${target}">
</form><script>document.getElementById('f').submit()</script>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  try {
    const port = (attacker.address() as AddressInfo).port;
    const answered = page.waitForResponse((r) => r.url().endsWith(`/photos/${id}/corrections`));
    await page.goto(`http://localhost:${port}/`);
    const response = await answered;
    assert.equal(response.status(), 403);
    assert.equal(response.headers()['set-cookie'], undefined, 'no cookie is issued in answer to a write');
    await page.waitForLoadState();
    assert.match((await page.locator('main').textContent()) ?? '', /did not come from this site/);
    await page.screenshot({ path: join(artifacts, '7-cross-site-refused.png'), fullPage: true });
  } finally {
    await new Promise((resolve) => attacker.close(resolve));
  }
  const after = await h.database.db
    .selectFrom('photos')
    .select('category')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  assert.equal(after.category, before.category);
  const votes = await h.database.db
    .selectFrom('corrections')
    .select('id')
    .where('photo_id', '=', id)
    .execute();
  assert.equal(votes.length, 0);
  const cookiesAfter = await page.context().cookies(base);
  assert.equal(cookiesAfter.find((c) => c.name === 'gg_owner')?.value, owner, 'the owner cookie survives');
});
