#!/usr/bin/env node
/* Site search benchmark: index size per entry and time per keystroke of the browser engine
 * (templates/assets/search.js) under Node, on a built site.
 *
 * usage: node bench.js SITE_DIR [SEARCH_JS]
 *   SITE_DIR   a site built by `bouncekb build` (holds assets/search-index.js)
 *   SEARCH_JS  the engine; default SITE_DIR/assets/search.js
 *
 * Each query is typed one character at a time, and every prefix is searched the way the box
 * does it (`search(prefix, {typing: true})`, prefix and typo matching on). Each keystroke is
 * searched REPEAT times (default 5) and its time is the median of those runs, which keeps a
 * busy machine's scheduling and garbage-collection pauses out of the per-keystroke figure; the
 * first, cold run of every keystroke is reported apart (`firstRunMs`). */
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const site = process.argv[2];
if (!site) { process.stderr.write('usage: node bench.js SITE_DIR [SEARCH_JS]\n'); process.exit(2); }
const indexPath = path.join(site, 'assets', 'search-index.js');
const searchPath = path.resolve(process.argv[3] || path.join(site, 'assets', 'search.js'));

const now = () => Number(process.hrtime.bigint()) / 1e6;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
function stats(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  const pick = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { n: values.length, mean: +mean.toFixed(3), p50: +pick(0.5).toFixed(3), p95: +pick(0.95).toFixed(3), max: +sorted[sorted.length - 1].toFixed(3) };
}

const search = require(searchPath);
const source = fs.readFileSync(indexPath);
let wall = now(), used = cpu();
require(path.resolve(indexPath));
const data = globalThis[search.indexGlobal];
const engine = search.createEngine(data);
const load = { wallMs: +(now() - wall).toFixed(1), cpuMs: +(cpu() - used).toFixed(1) };
const entries = data.entries.length;

// Queries: codes, words of the corpus, a title, a summary start, a pasted line built from a
// phrase, and typos. Picked from the index itself so they fit any corpus.
const pick = (i) => data.entries[Math.floor(i * (entries - 1))];
const words = (text, n) => text.split(/\s+/).slice(0, n).join(' ');
const typo = (word) => (word.length >= 5 ? word.slice(0, 2) + word[3] + word[2] + word.slice(4) : word);
const title = pick(1 / 3)[2], summary = pick(2 / 3)[3];
const vocabulary = [];
data.terms.forEach((group) => group[1].split(' ').forEach((t) => vocabulary.push(t)));
const phrase = pick(0.5)[9][0].map((id) => vocabulary[id]).join(' ').replace('{email}', 'someone@example.org').replace('{host}', 'mx.example.org');
const queries = [
  '550 5.7.26',
  '550-5.1.1',
  'mailbox full',
  words(title, 4),
  words(summary, 6),
  typo(words(title, 1).toLowerCase()) + ' ' + words(title, 3).split(' ').slice(1).join(' '),
  'host mx.example.org[192.0.2.10] said: 550 5.1.1 <someone@example.org>: ' + phrase + ' (in reply to RCPT TO command)',
];

// The first keyword search builds the keyword tier's tables: measured apart.
wall = now(); used = cpu();
engine.search('mailbox', { typing: true });
const firstKeyword = { wallMs: +(now() - wall).toFixed(1), cpuMs: +(cpu() - used).toFixed(1) };

const repeat = Math.max(1, parseInt(process.env.REPEAT || '5', 10));
const perKeystrokeWall = [], perKeystrokeCPU = [], firstRun = [];
let slowest = { prefix: '', ms: 0 };
const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const perQuery = [];
for (const query of queries) {
  let results = 0;
  const start = perKeystrokeWall.length;
  for (let i = 1; i <= query.length; i++) {
    const prefix = query.slice(0, i);
    const walls = [], cpus = [];
    let found = null;
    for (let r = 0; r < repeat; r++) {
      const w0 = now(), c0 = cpu();
      found = engine.search(prefix, { typing: true });
      walls.push(now() - w0);
      cpus.push(cpu() - c0);
    }
    firstRun.push(walls[0]);
    const elapsed = median(walls);
    if (elapsed > slowest.ms) slowest = { prefix: prefix.length > 60 ? prefix.slice(0, 57) + '...' : prefix, ms: +elapsed.toFixed(3) };
    perKeystrokeWall.push(elapsed);
    perKeystrokeCPU.push(median(cpus));
    results = found.total;
  }
  perQuery.push({ query: query.length > 60 ? query.slice(0, 57) + '...' : query, keystrokes: query.length, results, meanMs: stats(perKeystrokeWall.slice(start)).mean, maxMs: stats(perKeystrokeWall.slice(start)).max });
}

const gzip = zlib.gzipSync(source, { level: 9 }).length;
const report = {
  entries,
  indexBytes: source.length,
  bytesPerEntry: +(source.length / entries).toFixed(1),
  gzipBytesPerEntry: +(gzip / entries).toFixed(1),
  engineBytes: fs.statSync(searchPath).size,
  load,
  firstKeywordSearch: firstKeyword,
  keystrokeWallMs: stats(perKeystrokeWall),
  keystrokeCpuMs: stats(perKeystrokeCPU),
  firstRunMs: stats(firstRun),
  repeat,
  slowestKeystroke: slowest,
  queries: perQuery,
};
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
