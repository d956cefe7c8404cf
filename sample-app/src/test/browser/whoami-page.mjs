// End-to-end check of the sample's page in headless Chromium: node whoami-page.mjs <base-url> <screenshot.png>
// Prints one line per check; exits non-zero on the first failure.
import { chromium } from 'playwright-core';

const [baseUrl, screenshot] = process.argv.slice(2);
if (!baseUrl || !screenshot) {
  console.error('usage: node whoami-page.mjs <base-url> <screenshot.png>');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // The machine has no outside network: keep Chromium from trying to reach it.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto(baseUrl, { waitUntil: 'networkidle' });
  await page.locator('#self-uid-map g.mapping').first().waitFor();
  console.log(`ok: the application's own uid map is drawn (${await page.locator('#self-uid-map g.mapping').count()} range(s))`);

  await page.click('#run');
  await page.locator('#workload', { hasText: 'uid=0(root)' }).waitFor({ timeout: 15000 });
  console.log(`ok: the workload saw: ${await page.locator('#workload').textContent()}`);

  const mapping = page.locator('#sandbox-uid-map g.mapping').first();
  await mapping.waitFor();
  const inside = await mapping.getAttribute('data-inside');
  const outside = await mapping.getAttribute('data-outside');
  const hostIds = await page.locator('#host-ids').textContent();
  if (inside !== '0') throw new Error(`sandbox uid map starts at inside ${inside}, expected 0`);
  if (!hostIds.startsWith(`uid ${outside},`)) throw new Error(`host ids "${hostIds}" do not match the map's outside id ${outside}`);
  if ((await page.locator('#sandbox-uid-map line.arrow').count()) < 1) throw new Error('no arrow drawn');
  console.log(`ok: the sandbox's uid map is drawn: 0 -> ${outside}, and it really ran as ${hostIds}`);

  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`ok: screenshot ${screenshot}`);
  if (problems.length > 0) throw new Error(`page errors: ${problems.join('; ')}`);
} finally {
  await browser.close();
}
