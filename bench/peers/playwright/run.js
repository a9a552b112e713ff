// Peer for P9: renders --pages pages of --url (each with its own ?i=N) through Playwright (playwright-core) on the
// Chromium at --chromium, --concurrency pages at once, each in a fresh browser context, as the gateway does:
// load event, then a quiet network (Playwright's `networkidle`: no request for 500 ms, the gateway's
// GATEWAY_RENDER_NETWORK_IDLE default), then document.documentElement.outerHTML. Checks that the page's script ran
// (data-rendered on the body). --warmup N first renders N untimed pages the same way (the browser is started
// before both). Prints {"pages","seconds","rate","bytes"}: first page opened to last DOM taken.
"use strict";
const { chromium } = require("playwright-core");

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
const pages = Number(args.pages);
const concurrency = Number(args.concurrency || 2);

async function render(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load", timeout: 60000 });
    await page.waitForLoadState("networkidle", { timeout: 60000 });
    const html = await page.evaluate(() => document.documentElement.outerHTML);
    if (!html.includes('data-rendered="yes"')) throw new Error(`the script of ${url} did not run`);
    return html.length;
  } finally {
    await context.close();
  }
}

// One round: n pages numbered from `first`, `concurrency` workers taking the next page as soon as one is done.
async function round(browser, first, n) {
  let next = first;
  let bytes = 0;
  const t0 = Date.now();
  const worker = async () => {
    for (let i; (i = next++) < first + n; ) bytes += await render(browser, `${args.url}?p=peer&i=${i}`);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { seconds: (Date.now() - t0) / 1000, bytes };
}

async function main() {
  const browser = await chromium.launch({ executablePath: args.chromium, headless: true,
    args: process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : [] });
  try {
    const warmup = Number(args.warmup || 0);
    if (warmup > 0) await round(browser, -warmup, warmup);
    const { seconds, bytes } = await round(browser, 0, pages);
    console.log(JSON.stringify({ pages, seconds, rate: pages / seconds, bytes }));
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
