// Logs in through the edge's openid-connect action in headless Chromium (playwright-core, Debian's /usr/bin/chromium),
// reaches the upstream, logs out (confirming at the provider) and checks it is sent back to the provider's login.
// Usage: node login-browser.js <app origin> <issuer> <screenshot path>
// Protocol on stdout: "STEP <what>" as it goes, "DONE" at the end; any failure exits 1 with "FAIL <reason>".
const { chromium } = require('playwright-core');

const [app, issuer, screenshot] = process.argv.slice(2);
const TIMEOUT = 20000;

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  let page;
  try {
    page = await browser.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await page.goto(app + '/echo?step=first');
    await page.waitForURL(url => url.href.startsWith(issuer + '/interaction/'));
    console.log('STEP login page ' + page.url());

    await page.fill('input[name=login]', 'erin');
    await page.fill('input[name=password]', 'any password');
    await page.click('button[type=submit]');
    await page.waitForURL(app + '/echo?step=first');
    const cookies = await page.context().cookies(app);
    const session = cookies.find(c => c.name === 'burrow_oidc_session');
    if (!session || !session.httpOnly || session.sameSite !== 'Lax') throw new Error('session cookie: ' + JSON.stringify(cookies));
    console.log('STEP reached the upstream ' + page.url());

    await page.goto(app + '/_burrow/oidc/logout');
    await page.waitForURL(url => url.href.startsWith(issuer + '/session/end'));
    console.log('STEP provider asks to confirm the logout');
    await page.click('button[name=logout]');
    await page.waitForURL(url => url.href.startsWith(issuer + '/interaction/'));
    await page.locator('input[name=login]').waitFor();
    const after = await page.context().cookies(app);
    if (after.some(c => c.name === 'burrow_oidc_session')) throw new Error('the session cookie survived the logout');
    console.log('STEP back at the login page ' + page.url());
    await page.screenshot({ path: screenshot, fullPage: true });
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
