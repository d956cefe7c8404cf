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

  // The axis as the page found it: a context shared with other tests may have drawn runs already.
  await page.locator('#pool-axis rect.cell').first().waitFor();
  const before = await page.evaluate(() => document.querySelector('#pool-axis g.run.last')?.getAttribute('data-run') ?? null);

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

  // The host id axis: the pool block by block, each run's block labelled; two runs land in two different blocks.
  const cells = await page.locator('#pool-axis rect.cell').count();
  if (cells < 2) throw new Error(`the pool axis shows ${cells} block(s), expected the pool's blocks`);
  const first = await lastRun(page, before);
  console.log(`ok: run #${first.run} is drawn on the host uid axis in block ${first.start} (${cells} blocks)`);

  await page.click('#run');
  const second = await lastRun(page, first.run);
  if (second.start === first.start) throw new Error(`runs #${first.run} and #${second.run} share block ${first.start}`);
  const earlier = page.locator(`#pool-axis g.run[data-run="${first.run}"]`);
  if ((await earlier.getAttribute('data-start')) !== first.start) throw new Error(`run #${first.run} moved on the axis`);
  if (!(await earlier.locator('text.label').textContent()).startsWith(`#${first.run}`)) throw new Error(`run #${first.run} lost its label`);
  const x1 = Number(await earlier.locator('rect').getAttribute('x'));
  const x2 = Number(await page.locator(`#pool-axis g.run[data-run="${second.run}"] rect`).getAttribute('x'));
  if (x1 === x2) throw new Error('the two blocks are drawn at the same place');
  console.log(`ok: two runs, two labelled blocks: #${first.run} at host uid ${first.start}, #${second.run} at ${second.start}`);

  // Live workloads: a sleep started from the page is listed, from actuator/userns, while it runs, and the page's own
  // polling takes it off the list once it has exited.
  await page.click('#sleep');
  await page.locator('#sleep-status', { hasText: 'as pid' }).waitFor({ timeout: 15000 });
  const pid = (await page.locator('#sleep-status').textContent()).match(/as pid (\d+)/)[1];
  const row = page.locator(`#workloads tr[data-pid="${pid}"]`);
  await row.waitFor({ timeout: 5000 });
  const columns = await row.locator('td').allTextContents();
  if (columns[0] !== pid) throw new Error(`the row of pid ${pid} says pid ${columns[0]}`);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /.test(columns[1])) throw new Error(`started "${columns[1]}" is not ISO-8601 UTC`);
  if (!columns[2].split(', ').includes('user')) throw new Error(`namespaces "${columns[2]}" lack user`);
  if (!columns[3].startsWith('0')) throw new Error(`the uid map "${columns[3]}" does not start at inside 0`);
  if (columns.join(' ').includes('sleep')) throw new Error(`the row shows the command line: ${columns.join(' | ')}`);
  console.log(`ok: a live workload appears: pid ${pid}, started ${columns[1]}, namespaces ${columns[2]}, uid map ${columns[3]}`);

  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`ok: screenshot ${screenshot}`);

  await row.waitFor({ state: 'detached', timeout: 20000 });
  if ((await page.locator('#workloads-summary').textContent()) === '') throw new Error('the workloads summary is empty');
  console.log(`ok: the workload disappears once it has exited: pid ${pid}`);
  if (problems.length > 0) throw new Error(`page errors: ${problems.join('; ')}`);
} finally {
  await browser.close();
}

// The run drawn as the last one on the axis, once it is another than `previous`; its label must name it.
async function lastRun(page, previous) {
  await page.waitForFunction((before) => {
    const last = document.querySelector('#pool-axis g.run.last');
    return last !== null && last.getAttribute('data-run') !== String(before);
  }, previous, { timeout: 15000 });
  const last = page.locator('#pool-axis g.run.last');
  const run = await last.getAttribute('data-run');
  const start = await last.getAttribute('data-start');
  const label = await last.locator('text.label').textContent();
  if (!label.startsWith(`#${run} last`)) throw new Error(`the last block is labelled "${label}", expected "#${run} last"`);
  const block = await page.locator('#block').textContent();
  if (!block.includes(`uids ${start}..`)) throw new Error(`the page says the block is "${block}", the axis ${start}`);
  return { run, start };
}
