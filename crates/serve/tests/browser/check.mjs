// Headless Chromium check of the portal: pages render, internal links answer, the search
// form works, no console errors or failed requests, no horizontal overflow at 375 and
// 1280 px, and axe-core finds no serious or critical accessibility violations.
// Usage: node check.mjs BASE_URL ARTICLE_PATH OUT_DIR   (prints a JSON report, exit 1 on failure)
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const [base, articlePath, outDir] = process.argv.slice(2);
if (!base || !articlePath || !outDir) {
  console.error("usage: node check.mjs BASE_URL ARTICLE_PATH OUT_DIR");
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const axePath = require.resolve("axe-core/axe.min.js");
const axeSource = fs.readFileSync(axePath, "utf8");
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "khronika-chromium-"));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  userDataDir: profile,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    `--user-data-dir=${profile}`,
  ],
});
const failures = [];
const report = { pages: [], links_checked: 0, failures };
const pages = [
  ["front", "/"],
  ["article", articlePath],
  ["search", "/search?q=" + encodeURIComponent("саммита")],
];
try {
  for (const width of [375, 1280]) {
    for (const [name, p] of pages) {
      const page = await browser.newPage();
      const problems = [];
      // Lead images are the publishers' own (https, other origins) and this test runs without
      // a network: their failed loads are expected. Anything of ours that fails is a problem.
      const ours = (u) => { try { return new URL(u).origin === new URL(base).origin; } catch { return true; } };
      page.on("console", (m) => {
        const at = m.location() && m.location().url;
        if (m.type() === "error" && (!at || ours(at))) problems.push("console: " + m.text());
      });
      page.on("pageerror", (e) => problems.push("page error: " + e.message));
      page.on("requestfailed", (r) => { if (ours(r.url())) problems.push("request failed: " + r.url()); });
      page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
      await page.setViewport({ width, height: 900 });
      const resp = await page.goto(base + p, { waitUntil: "load" });
      // 304: the browser revalidated its cached copy by ETag, as it should.
      if (!resp || (resp.status() !== 200 && resp.status() !== 304)) problems.push(`status ${resp && resp.status()} for ${p}`);
      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        h1: document.querySelector("h1") ? document.querySelector("h1").textContent.trim() : "",
        lang: document.documentElement.lang,
        marks: document.querySelectorAll("mark").length,
      }));
      if (layout.scrollWidth > layout.innerWidth + 1) {
        problems.push(`horizontal overflow at ${width}px: ${layout.scrollWidth} > ${layout.innerWidth}`);
      }
      if (!layout.h1) problems.push("no h1");
      if (layout.lang !== "ru") problems.push("html lang is not ru");
      if (name === "search" && layout.marks === 0) problems.push("search shows no highlighted matches");
      const shot = path.join(outDir, `${name}-${width}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      // Evaluated through DevTools: the portal's CSP (rightly) refuses an injected <script>.
      await page.evaluate(axeSource);
      const axe = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { resultTypes: ["violations"] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
      });
      const bad = axe.filter((v) => v.impact === "serious" || v.impact === "critical");
      for (const v of bad) problems.push(`axe ${v.impact} ${v.id} (${v.nodes} nodes): ${v.help}`);
      report.pages.push({ name, width, h1: layout.h1, screenshot: shot, axe_all: axe, problems });
      for (const pr of problems) failures.push(`${name}@${width}: ${pr}`);
      await page.close();
    }
  }
  // Links work: every same-site link on the front page answers 200.
  const page = await browser.newPage();
  await page.goto(base + "/", { waitUntil: "load" });
  const links = await page.evaluate(() =>
    [...new Set([...document.querySelectorAll("a[href^='/']")].map((a) => a.getAttribute("href")))]);
  for (const l of links) {
    // From node: the portal's CSP (connect-src 'none') refuses fetch() inside the page.
    const status = (await fetch(base + l)).status;
    report.links_checked += 1;
    if (status !== 200) failures.push(`link ${l}: HTTP ${status}`);
  }
  // Clicking a headline opens its article; the search form submits without JavaScript.
  await Promise.all([page.waitForNavigation(), page.click("main article a")]);
  const h1 = await page.$eval("h1", (e) => e.textContent.trim()).catch(() => "");
  if (!page.url().includes("/article/") || !h1) failures.push("clicking a headline did not open an article");
  await page.type("#q", "саммита");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  const found = await page.$$eval("main ol.news li", (l) => l.length).catch(() => 0);
  if (!page.url().includes("/search?q=") || found === 0) failures.push("search form gave no results");
  await page.close();
} finally {
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(report, null, 1));
process.exit(failures.length ? 1 : 0);
