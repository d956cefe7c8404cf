// Draws id maps as two columns of ranges, inside on the left and outside on the right, with an arrow per entry, and
// the host uid axis: the isolation pool block by block, with the blocks of the recent runs labelled on it. Lists the
// live workloads as actuator/userns reports them, polled every second.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const ROW = 34;
const POLL_MS = 1000;

function el(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function range(first, length) {
  return length === 1 ? String(first) : `${first}..${first + length - 1}`;
}

function drawMap(svg, entries) {
  svg.replaceChildren();
  const defs = el('defs', {});
  const head = `${svg.id}-head`;
  const marker = el('marker', { id: head, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' });
  marker.append(el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#374151' }));
  defs.append(marker);
  svg.append(defs);
  svg.append(el('text', { x: 10, y: 14, class: 'column' }, 'inside'));
  svg.append(el('text', { x: 280, y: 14, class: 'column' }, 'outside (host)'));
  const rows = Math.max(entries.length, 1);
  svg.setAttribute('viewBox', `0 0 460 ${24 + rows * ROW}`);
  svg.style.height = `${24 + rows * ROW}px`;
  if (entries.length === 0) {
    svg.append(el('text', { x: 10, y: 44, class: 'column' }, 'not written yet'));
    return;
  }
  entries.forEach((entry, i) => {
    const y = 22 + i * ROW;
    const group = el('g', { class: 'mapping', 'data-inside': entry.inside, 'data-outside': entry.outside, 'data-length': entry.length });
    group.append(el('rect', { x: 4, y, width: 170, height: 26, rx: 4, class: 'inside' }));
    group.append(el('text', { x: 12, y: y + 17 }, range(entry.inside, entry.length)));
    group.append(el('line', { x1: 176, y1: y + 13, x2: 272, y2: y + 13, class: 'arrow', 'marker-end': `url(#${head})` }));
    group.append(el('rect', { x: 274, y, width: 180, height: 26, rx: 4, class: 'outside' }));
    group.append(el('text', { x: 282, y: y + 17 }, range(entry.outside, entry.length)));
    svg.append(group);
  });
}

const AXIS = { left: 40, right: 920, top: 34, height: 46 };

// The pool as one bar of equal cells, one per block; each recent run's block labelled "#n", the last one highlighted.
function drawPool(svg, pool, runs) {
  svg.replaceChildren();
  const blocks = pool.blocks;
  const width = (AXIS.right - AXIS.left) / blocks;
  const x = (id) => AXIS.left + ((id - pool.uids.start) / pool.size) * width;
  svg.setAttribute('viewBox', '0 0 960 126');
  svg.append(el('rect', { x: AXIS.left, y: AXIS.top, width: AXIS.right - AXIS.left, height: AXIS.height, class: 'pool' }));
  for (let i = 0; i < blocks; i++) {
    svg.append(el('rect', { x: AXIS.left + i * width, y: AXIS.top, width, height: AXIS.height, class: 'cell' }));
  }
  const ticks = Math.min(blocks, 8);
  for (let i = 0; i <= ticks; i++) {
    const block = Math.round((i * blocks) / ticks);
    const tx = AXIS.left + block * width;
    svg.append(el('line', { x1: tx, y1: AXIS.top + AXIS.height, x2: tx, y2: AXIS.top + AXIS.height + 6, class: 'tick' }));
    // Each tick is where a block starts; the last one marks the pool's last id.
    const id = pool.uids.start + block * pool.size - (block === blocks ? 1 : 0);
    svg.append(el('text', { x: tx, y: AXIS.top + AXIS.height + 20, class: 'tick-label' }, String(id)));
  }
  svg.append(el('text', { x: AXIS.left, y: 16, class: 'column' }, `host uids ${range(pool.uids.start, blocks * pool.size)}, ${blocks} blocks of ${pool.size} (gids: the same blocks of ${range(pool.gids.start, blocks * pool.size)})`));
  // Runs that landed in the same block (a pool wraps around) share its cell: their labels stack.
  const perBlock = new Map();
  const last = runs.length > 0 ? runs[runs.length - 1].run : null;
  for (const run of runs) {
    const start = run.block.uids.start;
    const stacked = perBlock.get(start) ?? 0;
    perBlock.set(start, stacked + 1);
    const classes = ['run'];
    if (run.run === last) classes.push('last');
    if (run.live) classes.push('live');
    const group = el('g', { class: classes.join(' '), 'data-run': run.run, 'data-start': start, 'data-count': run.block.uids.count });
    group.append(el('title', {}, `run #${run.run}: host uids ${range(start, run.block.uids.count)}, gids ${range(run.block.gids.start, run.block.gids.count)}${run.live ? ', still running' : ''}`));
    const bx = x(start);
    const bw = Math.max((run.block.uids.count / pool.size) * width, 3);
    if (stacked === 0) group.append(el('rect', { x: bx + 1, y: AXIS.top + 1, width: bw - 2, height: AXIS.height - 2, rx: 3 }));
    const label = `#${run.run}${run.run === last ? ' last' : ''}${run.live ? ' live' : ''}`;
    group.append(el('text', { x: bx + bw / 2, y: AXIS.top + 18 + stacked * 14, class: 'label' }, label));
    svg.append(group);
  }
  svg.append(el('text', { x: AXIS.left, y: 120, class: 'column' }, 'each cell is one block; #n is the block run n was leased, given back once its namespace was empty'));
}

async function loadPool() {
  const [report, recent] = await Promise.all([
    fetch('actuator/userns').then((r) => (r.ok ? r.json() : null)),
    fetch('whoami/recent').then((r) => (r.ok ? r.json() : [])),
  ]);
  const svg = document.getElementById('pool-axis');
  const legend = document.getElementById('pool-legend');
  const figure = svg.closest('figure');
  if (!report || !report.pool) {
    svg.replaceChildren();
    figure.hidden = true;
    document.getElementById('pool-summary').textContent = '(isolation is off)';
    legend.textContent = 'Isolation is off: every sandbox is mapped to the same host ids (see the application log).';
    return;
  }
  figure.hidden = false;
  const pool = report.pool;
  showPoolSummary(pool);
  drawPool(svg, pool, recent);
  const last = recent.length > 0 ? recent[recent.length - 1] : null;
  legend.textContent = last
    ? `Last run #${last.run}: host uids ${range(last.block.uids.start, last.block.uids.count)}, gids ${range(last.block.gids.start, last.block.gids.count)}.`
    : 'No run yet: press the button below.';
}

function showPoolSummary(pool) {
  document.getElementById('pool-summary').textContent = `(${pool.leased ?? '?'} of ${pool.blocks} blocks leased now)`;
}

// One map as lines of "inside -> outside" ranges, coloured as the drawn maps are.
function mapCell(entries) {
  const cell = document.createElement('td');
  if (entries.length === 0) cell.textContent = 'not written';
  for (const entry of entries) {
    const line = document.createElement('div');
    const inside = document.createElement('code');
    inside.className = 'inside';
    inside.textContent = range(entry.inside, entry.length);
    const outside = document.createElement('code');
    outside.className = 'outside';
    outside.textContent = range(entry.outside, entry.length);
    line.append(inside, ' → ', outside);
    cell.append(line);
  }
  return cell;
}

function textCell(text) {
  const cell = document.createElement('td');
  cell.textContent = text;
  return cell;
}

function workloadRow(workload) {
  const row = document.createElement('tr');
  row.dataset.pid = workload.pid;
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(workload.started)) / 1000));
  row.append(textCell(String(workload.pid)), textCell(`${workload.started} (${seconds} s ago)`),
    textCell(workload.namespaces.join(', ')), mapCell(workload.uidMap), mapCell(workload.gidMap));
  return row;
}

function showWorkloads(report, status) {
  const table = document.getElementById('workloads');
  const empty = document.getElementById('workloads-empty');
  const summary = document.getElementById('workloads-summary');
  const workloads = report?.workloads;
  if (!workloads) {
    table.hidden = true;
    empty.hidden = false;
    summary.textContent = '';
    empty.textContent = report ? 'This application has no launcher: no workloads to list.'
      : `actuator/userns answered ${status}.`;
    return;
  }
  summary.textContent = `(${workloads.length} running now)`;
  table.querySelector('tbody').replaceChildren(...workloads.map(workloadRow));
  table.hidden = workloads.length === 0;
  empty.hidden = workloads.length > 0;
  empty.textContent = 'None running now.';
  if (report.pool) showPoolSummary(report.pool);
}

async function refreshWorkloads() {
  try {
    const response = await fetch('actuator/userns');
    showWorkloads(response.ok ? await response.json() : null, response.status);
  } catch (error) {
    showWorkloads(null, `nothing: ${error.message}`);
  }
}

async function pollWorkloads() {
  await refreshWorkloads();
  setTimeout(pollWorkloads, POLL_MS);
}

async function startSleep() {
  const button = document.getElementById('sleep');
  const status = document.getElementById('sleep-status');
  button.disabled = true;
  try {
    const response = await fetch('sleep', { method: 'POST' });
    if (response.status === 429) throw new Error('enough sleeps are running already, wait for one to end');
    if (!response.ok) throw new Error(`sleep answered ${response.status}`);
    const sleeping = await response.json();
    status.textContent = `Started sleep ${sleeping.seconds} as pid ${sleeping.pid}: listed while it runs, gone once it has exited.`;
    await refreshWorkloads();
  } catch (error) {
    status.textContent = `Failed: ${error.message}`;
  } finally {
    button.disabled = false;
  }
}

function showSandbox(whoami) {
  document.getElementById('status').textContent = 'Ran id in a fresh user namespace.';
  document.getElementById('facts').hidden = false;
  document.getElementById('workload').textContent = whoami.workload;
  document.getElementById('host-ids').textContent = `uid ${whoami.hostUid}, gid ${whoami.hostGid}`;
  document.getElementById('setgroups').textContent = whoami.setgroups;
  document.getElementById('block').textContent = whoami.block
    ? `run #${whoami.run}: uids ${range(whoami.block.uids.start, whoami.block.uids.count)}, gids ${range(whoami.block.gids.start, whoami.block.gids.count)}`
    : 'none of its own: isolation is off';
  drawMap(document.getElementById('sandbox-uid-map'), whoami.uidMap);
  drawMap(document.getElementById('sandbox-gid-map'), whoami.gidMap);
}

async function loadSelf() {
  const response = await fetch('actuator/userns');
  if (!response.ok) {
    document.getElementById('self-pid').textContent = `(actuator/userns answered ${response.status})`;
    return;
  }
  const report = await response.json();
  document.getElementById('self-pid').textContent = `(pid ${report.self.pid})`;
  drawMap(document.getElementById('self-uid-map'), report.self.uidMap);
  drawMap(document.getElementById('self-gid-map'), report.self.gidMap);
}

async function loadLast() {
  const response = await fetch('whoami/last');
  if (response.status === 200) showSandbox(await response.json());
}

async function run() {
  const button = document.getElementById('run');
  button.disabled = true;
  document.getElementById('status').textContent = 'Running…';
  try {
    const response = await fetch('whoami');
    if (!response.ok) throw new Error(`whoami answered ${response.status}`);
    showSandbox(await response.json());
    await loadPool();
pollWorkloads();
  } catch (error) {
    document.getElementById('status').textContent = `Failed: ${error.message}`;
  } finally {
    button.disabled = false;
  }
}

document.getElementById('run').addEventListener('click', run);
document.getElementById('sleep').addEventListener('click', startSleep);
drawMap(document.getElementById('sandbox-uid-map'), []);
drawMap(document.getElementById('sandbox-gid-map'), []);
loadSelf();
loadLast();
loadPool();
pollWorkloads();
