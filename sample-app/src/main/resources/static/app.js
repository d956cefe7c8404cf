// Draws id maps as two columns of ranges, inside on the left and outside on the right, with an arrow per entry.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const ROW = 34;

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

function showSandbox(whoami) {
  document.getElementById('status').textContent = 'Ran id in a fresh user namespace.';
  document.getElementById('facts').hidden = false;
  document.getElementById('workload').textContent = whoami.workload;
  document.getElementById('host-ids').textContent = `uid ${whoami.hostUid}, gid ${whoami.hostGid}`;
  document.getElementById('setgroups').textContent = whoami.setgroups;
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
  } catch (error) {
    document.getElementById('status').textContent = `Failed: ${error.message}`;
  } finally {
    button.disabled = false;
  }
}

document.getElementById('run').addEventListener('click', run);
drawMap(document.getElementById('sandbox-uid-map'), []);
drawMap(document.getElementById('sandbox-gid-map'), []);
loadSelf();
loadLast();
