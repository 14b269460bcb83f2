#!/usr/bin/env node
/* Parity harness: runs the site's search engine (templates/assets/search.js) on queries under
 * Node, for Tests/SiteBuilderTests/Search/SearchParityTests.swift, which compares the output with
 * the Swift Matcher.
 *
 * usage: node harness.js SEARCH_JS INDEX_JS QUERIES_JSON
 *   INDEX_JS     an assets/search-index.js written by the build (it sets globalThis.BounceKBSearchIndex)
 *   QUERIES_JSON a JSON array of query strings
 * Prints a JSON array with, per query: the matcher tier's entry ids (best first), the codes found,
 * the implied reason, the tokens, and the first result of the full search (typing and not). */
'use strict';
const path = require('path');
const fs = require('fs');

const [searchPath, indexPath, queriesPath] = process.argv.slice(2);
if (!searchPath || !indexPath || !queriesPath) {
  process.stderr.write('usage: node harness.js SEARCH_JS INDEX_JS QUERIES_JSON\n');
  process.exit(2);
}
const search = require(path.resolve(searchPath));
require(path.resolve(indexPath));
const data = globalThis[search.indexGlobal];
if (!data) {
  process.stderr.write('the index script did not define ' + search.indexGlobal + '\n');
  process.exit(1);
}
const engine = search.createEngine(data);
const queries = JSON.parse(fs.readFileSync(queriesPath, 'utf8'));

const status = (s) => (s ? s.k + '.' + s.s + '.' + s.d : null);
const results = queries.map((query) => {
  const match = engine.match(query, 5);
  const complete = engine.search(query, { typing: false });
  const typing = engine.search(query, { typing: true });
  return {
    query,
    ids: match.matches.map((m) => m.entry.id),
    scores: match.matches.map((m) => Math.round(m.total * 1000) / 1000),
    reply: match.codes.reply,
    status: status(match.codes.status),
    expired: match.codes.expired,
    implied: match.impliedReason,
    tokens: engine.tokens(query).map((t) => (t.host ? 'host:' : '') + t.text),
    searchFirst: complete.results.length ? complete.results[0].entry.id : null,
    typingFirst: typing.results.length ? typing.results[0].entry.id : null,
  };
});
process.stdout.write(JSON.stringify(results));
