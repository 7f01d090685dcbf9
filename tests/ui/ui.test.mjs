// Browser tests of sitrep's web UI, in headless Chromium driven by playwright-core.
//
// Needs a running server over a store built from examples/corpus: scripts/ui-test.sh starts one
// and sets SITREP_URL. Environment:
//   SITREP_URL          base URL of the server (required), e.g. http://127.0.0.1:8080
//   CHROMIUM            the browser (default /usr/bin/chromium, Debian's `chromium` package)
//   SCREENSHOT_DIR      where to write screenshots (default: a temporary directory)
//   UPDATE_SCREENSHOTS  1: write them to docs/screenshots/ instead (to commit)
//
// Run: node --test tests/ui/ui.test.mjs

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const BASE = process.env.SITREP_URL;
if (!BASE) throw new Error("set SITREP_URL to the server's base URL (scripts/ui-test.sh does)");
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? join(ROOT, "docs/screenshots")
    : process.env.SCREENSHOT_DIR || mkdtempSync(join(tmpdir(), "sitrep-ui-shots-"));
mkdirSync(SHOTS, { recursive: true });
const VIEWPORT = { width: 1280, height: 800 };

let browser;
// The story the tests open: the first on the list whose page has event cards.
let storyHref;
// Requests the pages made to anywhere but the server (must stay empty).
const outside = [];

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    // playwright gives each launch a fresh temporary profile (user-data-dir). The network of
    // the test machine is closed: nothing may phone home.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  assert.deepEqual(outside, [], "pages asked for something outside the server");
  console.log(`screenshots in ${SHOTS}`);
});

async function page(opts = {}) {
  const ctx = await browser.newContext({ viewport: VIEWPORT, ...opts });
  const p = await ctx.newPage();
  p.setDefaultTimeout(15000);
  // Everything must come from the server itself: no CDN, no tile server.
  await ctx.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith(new URL(BASE).origin + "/")) return route.continue();
    outside.push(u);
    return route.abort();
  });
  return p;
}

async function shot(p, name) {
  await p.screenshot({ path: join(SHOTS, name), fullPage: false });
}

test("story list: headlines, source counts, a story with events opens", async () => {
  const p = await page();
  const resp = await p.goto(BASE + "/");
  assert.equal(resp.status(), 200);
  const rows = p.locator("li.story-row");
  assert.ok((await rows.count()) >= 3, "the example corpus makes several stories");
  assert.match(await rows.first().locator(".sources").innerText(), /\d+ independent sources?/);
  // Copies are collapsed: the Ottawa wire story has one copy.
  assert.ok((await p.locator("li.story-row .copies").count()) >= 1, "a '+1 copy' label");
  await shot(p, "stories.png");

  // Pick the first story whose page has event cards, then open it by clicking.
  const links = await p.locator("li.story-row h2 a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  for (const href of links) {
    const html = await (await p.request.get(BASE + href)).text();
    if (html.includes('class="event"')) {
      storyHref = href;
      break;
    }
  }
  assert.ok(storyHref, "some story has coded events");
  await p.locator(`li.story-row h2 a[href="${storyHref}"]`).click();
  await p.waitForURL(BASE + storyHref);
  assert.ok((await p.locator("article.event").count()) >= 1);
  await p.context().close();
});

test("story page: clicking an event card shows its sentence highlighted in the panel", async () => {
  const p = await page();
  await p.goto(BASE + storyHref);
  const card = p.locator("article.event").first();
  const sentence = await card.getAttribute("data-sentence");
  const start = await card.getAttribute("data-start");
  assert.ok(sentence && sentence.length > 10);
  await card.locator("a.ev-link").click();
  const mark = p.locator("aside#evidence mark.evidence");
  await mark.waitFor();
  // The panel replaced the page's content, not the page: still on the story.
  assert.equal(new URL(p.url()).pathname, storyHref);
  assert.equal(await mark.textContent(), sentence, "the highlight is exactly the event's sentence");
  assert.equal(await mark.getAttribute("data-start"), start);
  // Scrolled into view inside the panel.
  const [mb, ab] = [await mark.boundingBox(), await p.locator("aside#evidence").boundingBox()];
  assert.ok(mb.y >= ab.y - 1 && mb.y < ab.y + ab.height, `mark at ${mb.y} inside panel ${ab.y}+${ab.height}`);
  assert.ok(await card.evaluate((el) => el.classList.contains("selected")));
  await shot(p, "story-evidence.png");

  // A figure's evidence link does the same (when the story has figures).
  const fig = p.locator("table.figures a.evidence-link").first();
  if ((await fig.count()) > 0) {
    await fig.click();
    await p.waitForFunction(
      (s) => document.querySelector("aside#evidence mark.evidence")?.dataset.start === s,
      await fig.getAttribute("data-start"),
    );
  }
  await p.context().close();
});

test("without JavaScript, an event card opens the article with the sentence marked", async () => {
  const p = await page({ javaScriptEnabled: false });
  await p.goto(BASE + storyHref);
  const card = p.locator("article.event").first();
  const sentence = await card.getAttribute("data-sentence");
  await card.locator("a.ev-link").click();
  await p.waitForURL(/\/articles\/[^?]+\?hl=\d+-\d+#hl$/);
  const mark = p.locator("mark.evidence#hl");
  assert.equal(await mark.count(), 1);
  assert.equal(await mark.textContent(), sentence);
  assert.ok(await mark.isVisible());
  await shot(p, "article-nojs.png");
  await p.context().close();
});

test("entity page: an actor's events over time", async () => {
  const p = await page();
  await p.goto(BASE + storyHref);
  // The first coded participant of the first card.
  const chip = p.locator("article.event .ev-meta a.chip").first();
  const code = (await chip.innerText()).trim();
  await chip.click();
  await p.waitForURL(/\/entities\//);
  assert.match(await p.locator("h1").innerText(), /\S/);
  const both = await p.locator("nav.tabs a").allInnerTexts();
  assert.equal(both.length, 2);
  assert.ok((await p.locator("article.event").count()) >= 1, `events of ${code}`);
  // Every card links to its evidence.
  const href = await p.locator("article.event a.ev-link").first().getAttribute("href");
  assert.match(href, /^\/articles\/.+\?hl=\d+-\d+#hl$/);
  await shot(p, "entity.png");
  // Unknown entity: a 404 page.
  const r = await p.goto(BASE + "/entities/NO%20SUCH%20THING");
  assert.equal(r.status(), 404);
  await p.context().close();
});

test("search: the box on every page; a bad query answers 400 with the position", async () => {
  const p = await page();
  await p.goto(BASE + "/");
  await p.locator("header form.search input[name=q]").fill("Kursk");
  const [resp] = await Promise.all([p.waitForNavigation(), p.locator("header form.search input[name=q]").press("Enter")]);
  assert.match(p.url(), /\/search\?q=Kursk/);
  assert.equal(resp.status(), 200);
  assert.ok((await p.locator("li.story-hit").count()) >= 1, "Kursk is in the example corpus");
  assert.ok((await p.locator("mark.hit").count()) >= 1, "snippets mark the matches");
  await shot(p, "search.png");
  const bad = await p.goto(BASE + "/search?q=" + encodeURIComponent('"unclosed phrase'));
  assert.equal(bad.status(), 400);
  assert.match(await p.locator(".query-message").innerText(), /At character \d+/);
  await p.context().close();
});

test("unknown story and article ids answer a 404 page", async () => {
  const p = await page();
  for (const u of ["/stories/999999", "/articles/no-such-article", "/nowhere"]) {
    const r = await p.goto(BASE + u);
    assert.equal(r.status(), 404, u);
    assert.match(await p.locator("h1").innerText(), /404/);
  }
  await p.context().close();
});
