// Drives the inspector UI in headless Chromium (playwright-core, Debian's /usr/bin/chromium).
// Usage: node inspector-browser.js <web url> <screenshot path>
// Protocol with the JUnit test on stdout: "READY" once the page is live (the test then sends a request through the
// tunnel), "STEP <what>" as it goes, "DONE" at the end; any failure exits 1 with "FAIL <reason>".
const { chromium } = require('playwright-core');

const [webUrl, screenshot] = process.argv.slice(2);
const TIMEOUT = 20000;

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  let page;
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    page.setDefaultTimeout(TIMEOUT);
    const consoleErrors = [];
    page.on('pageerror', err => consoleErrors.push(String(err)));
    const response = await page.goto(webUrl + '/inspect/http');
    if (response.status() !== 200) throw new Error('GET /inspect/http answered ' + response.status() + ': ' + (await response.text()));
    await page.locator('#live', { hasText: /^live$/ }).waitFor();
    console.log('READY');

    // The request the test sends appears without a reload.
    const row = page.locator('#list tr.row', { hasText: '/echo' }).first();
    await row.waitFor();
    console.log('STEP listed ' + (await row.innerText()).replace(/\s+/g, ' '));
    await row.click();
    await page.locator('#detail .uri').filter({ hasText: '/echo?from=browser' }).waitFor();
    await page.locator('#detail .request-headers', { hasText: 'browser-1' }).waitFor();
    await page.locator('#detail .response-body pre.json').waitFor();
    console.log('STEP detail ' + (await page.locator('#detail .response-body pre').innerText()).replace(/\s+/g, ' '));

    await page.click('#replay');
    const replayRow = page.locator('#list tr.row', { has: page.locator('.badge-replay') }).first();
    await replayRow.waitFor();
    await replayRow.click();
    await page.locator('#detail .replay-of', { hasText: 'replay of' }).waitFor();
    console.log('STEP replayed ' + (await page.locator('#detail .summary').innerText()).replace(/\s+/g, ' '));

    await page.fill('#filter-path', 'no-such-path');
    await page.locator('#empty').waitFor({ state: 'visible' });
    await page.fill('#filter-path', '');
    await page.screenshot({ path: screenshot, fullPage: true });
    if (consoleErrors.length) throw new Error('page errors: ' + consoleErrors.join('; '));
    console.log('DONE');
  } catch (err) {
    if (page) await page.screenshot({ path: screenshot.replace(/\.png$/, '-failed.png'), fullPage: true }).catch(() => {});
    throw err;
  } finally {
    await browser.close();
  }
})().catch(err => {
  console.log('FAIL ' + String(err && err.message || err).split('\n')[0]);
  process.exit(1);
});
