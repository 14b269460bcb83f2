/* BounceKB site search: instant, offline, code-aware.
 *
 * Two parts in one file:
 * - the engine (createEngine): a re-implementation of the library's Normalizer.tokens,
 *   CodeExtractor.extract and Matcher.match (Sources/BounceKB/Matching/), driven by the data
 *   the build exports from it (SearchExport → assets/search-index.js): weights, thresholds,
 *   word lists, phrases with token rarities, cues and what codes imply. It runs in browsers
 *   and under Node (Tests/SearchParity/harness.js, Benchmarks/search/).
 * - the page behaviour (start): the header box and the search page.
 *
 * When the engines agree: the *matcher tier* reads every token as complete, exactly as
 * `bounce` does, so its first result is `bounce`'s first result for the same text. Prefix
 * matching of the word being typed and one-typo tolerance (words of five letters or more) live
 * only in the *keyword tier*, whose results always come after the matcher tier's.
 *
 * Safety: results are built from DOM nodes and text nodes only; nothing from the index is
 * ever parsed as HTML.
 */
(function (global) {
  'use strict';

  // ---------------------------------------------------------------------------------------
  // Normaliser (Normalizer.swift): text → tokens {text, host}

  var PLACEHOLDERS = [['{email}', '{email}'], ['{domain}', '{host}'], ['{host}', '{host}'], ['{ip}', '{ip}'], ['{n}', '{n}']];
  var EMAIL = '{email}', HOST = '{host}', IP = '{ip}', NUMBER = '{n}';
  var WORD_SCALAR = /^[\p{L}\p{M}\p{N}]$/u;
  var ASCII_ATOM = new Uint8Array(128);
  (function () {
    var c;
    for (c = 48; c <= 57; c++) ASCII_ATOM[c] = 1;
    for (c = 65; c <= 90; c++) ASCII_ATOM[c] = 1;
    for (c = 97; c <= 122; c++) ASCII_ATOM[c] = 1;
    '_.-@+%:'.split('').forEach(function (ch) { ASCII_ATOM[ch.charCodeAt(0)] = 1; });
  })();
  var K_WORD = 0, K_NUMBER = 1, K_REPLY_LIKE = 2, K_STATUS = 3, K_HOST = 4, K_PLACEHOLDER = 5;

  function isPlaceholder(token) {
    return token.charCodeAt(0) === 123 && token.charCodeAt(token.length - 1) === 125;
  }
  function isDigitCode(c) { return c >= 48 && c <= 57; }
  function isLowerCode(c) { return c >= 97 && c <= 122; }
  function isTrimmedCode(c) { return c === 46 || c === 45 || c === 43 || c === 37 || c === 64 || c === 58; }

  function placeholderAt(text, index) {
    for (var p = 0; p < PLACEHOLDERS.length; p++) {
      var name = PLACEHOLDERS[p][0];
      if (index + name.length > text.length) continue;
      var equal = true;
      for (var o = 0; o < name.length; o++) {
        var c = text.charCodeAt(index + o);
        if (c >= 65 && c <= 90) c += 32;
        if (c !== name.charCodeAt(o)) { equal = false; break; }
      }
      if (equal) return PLACEHOLDERS[p];
    }
    return null;
  }

  /** Non-empty pieces of `text` between `separator`s. */
  function pieces(text, separator) {
    var parts = text.split(separator), result = [];
    for (var i = 0; i < parts.length; i++) if (parts[i].length > 0) result.push(parts[i]);
    return result;
  }

  function isIPv6(atom) {
    var colons = 0, hexLetter = false, doubleColon = false, previousColon = false;
    for (var i = 0; i < atom.length; i++) {
      var c = atom.charCodeAt(i);
      if (c === 58) { colons++; if (previousColon) doubleColon = true; previousColon = true; }
      else if (isDigitCode(c)) previousColon = false;
      else if (c >= 97 && c <= 102) { hexLetter = true; previousColon = false; }
      else return false;
    }
    return colons >= 2 && (doubleColon || hexLetter);
  }

  function isIPv4(atom) {
    var groups = 0, length = 0;
    for (var i = 0; i < atom.length; i++) {
      var c = atom.charCodeAt(i);
      if (c === 46) { if (length === 0) return false; groups++; length = 0; }
      else if (isDigitCode(c)) { length++; if (length > 3) return false; }
      else return false;
    }
    return groups === 3 && length > 0;
  }

  function isDottedDigits(piece) {
    if (!piece.length || !isDigitCode(piece.charCodeAt(0)) || !isDigitCode(piece.charCodeAt(piece.length - 1))) return false;
    var previousDot = false;
    for (var i = 0; i < piece.length; i++) {
      var c = piece.charCodeAt(i);
      if (c === 46) { if (previousDot) return false; previousDot = true; }
      else if (isDigitCode(c)) previousDot = false;
      else return false;
    }
    return true;
  }

  function isStatusShape(piece) {
    if (piece.length < 5 || piece.length > 9) return false;
    var k = piece.charCodeAt(0);
    if (!(k === 50 || k === 52 || k === 53) || piece.charCodeAt(1) !== 46) return false;
    var groups = 0, length = 0;
    for (var i = 2; i < piece.length; i++) {
      var c = piece.charCodeAt(i);
      if (c === 46) { if (length < 1 || length > 3) return false; groups++; length = 0; }
      else if (isDigitCode(c)) length++;
      else return false;
    }
    return groups === 1 && length >= 1 && length <= 3;
  }

  /** `tlds`: the top-level domains over six letters that still end a host name (a Set). */
  function isHostName(atom, tlds) {
    var dots = 0, length = 0, allLetters = true, start = true;
    for (var i = 0; i < atom.length; i++) {
      var c = atom.charCodeAt(i);
      if (c === 46) {
        if (length === 0) return false;
        dots++; length = 0; allLetters = true; start = true;
        continue;
      }
      if (start && c === 45) return false;
      start = false;
      length++;
      if (isLowerCode(c)) continue;
      allLetters = false;
      if (!(c === 45 || isDigitCode(c) || c >= 0x80)) return false;
    }
    if (!(dots >= 1 && allLetters)) return false;
    if (length >= 2 && length <= 6) return true;
    return tlds.has(atom.slice(atom.lastIndexOf('.') + 1));
  }

  function singular(word) {
    var n = word.length;
    if (n < 5 || word.charCodeAt(n - 1) !== 115 || word.charCodeAt(n - 2) === 115) return word;
    for (var i = 0; i < n; i++) if (!isLowerCode(word.charCodeAt(i))) return word;
    return word.slice(0, n - 1);
  }

  function pushRaw(raw, text, kind, joined) { raw.push({ t: text, k: kind, j: !!joined }); }

  function classifyPiece(raw, piece, joined) {
    if (isStatusShape(piece)) { pushRaw(raw, '', K_STATUS); return; }
    if (isDottedDigits(piece)) {
      var first = piece.charCodeAt(0);
      var replyLike = piece.length === 3 && first >= 50 && first <= 53;
      pushRaw(raw, '', replyLike ? K_REPLY_LIKE : K_NUMBER, joined);
      return;
    }
    var words = pieces(piece, '.');
    for (var w = 0; w < words.length; w++) {
      var word = words[w], digits = true;
      for (var i = 0; i < word.length; i++) if (!isDigitCode(word.charCodeAt(i))) { digits = false; break; }
      if (digits) pushRaw(raw, '', K_NUMBER); else pushRaw(raw, singular(word), K_WORD);
    }
  }
  function classifyColonFree(raw, atom, tlds) {
    if (isIPv4(atom)) { pushRaw(raw, IP, K_PLACEHOLDER); return; }
    if (isHostName(atom, tlds)) { pushRaw(raw, atom, K_HOST); return; }
    var parts = pieces(atom, '-');
    for (var p = 0; p < parts.length; p++) classifyPiece(raw, parts[p], p < parts.length - 1);
  }
  /** One atom (already lower-cased and trimmed) into raw tokens. */
  function classify(raw, atom, tlds) {
    // Fast paths, same outcome as the rules below: a plain word, or plain digits.
    var letters = true, digits = true;
    for (var i = 0; i < atom.length && (letters || digits); i++) {
      var c = atom.charCodeAt(i);
      if (!isLowerCode(c)) letters = false;
      if (!isDigitCode(c)) digits = false;
    }
    if (letters) { pushRaw(raw, singular(atom), K_WORD); return; }
    if (digits) {
      var first = atom.charCodeAt(0);
      pushRaw(raw, '', atom.length === 3 && first >= 50 && first <= 53 ? K_REPLY_LIKE : K_NUMBER, false);
      return;
    }
    if (atom.indexOf('@') >= 0) { pushRaw(raw, EMAIL, K_PLACEHOLDER); return; }
    if (atom.indexOf(':') < 0) { classifyColonFree(raw, atom, tlds); return; }
    if (isIPv6(atom)) { pushRaw(raw, IP, K_PLACEHOLDER); return; }
    var parts = pieces(atom, ':');
    for (var p = 0; p < parts.length; p++) classifyColonFree(raw, parts[p], tlds);
  }
  function flushAtom(raw, atom, tlds) {
    var start = 0, end = atom.length;
    while (start < end && isTrimmedCode(atom.charCodeAt(start))) start++;
    while (end > start && isTrimmedCode(atom.charCodeAt(end - 1))) end--;
    if (start < end) classify(raw, start === 0 && end === atom.length ? atom : atom.slice(start, end), tlds);
  }
  function isAtomOrApostrophe(c) { return c < 0x80 && (ASCII_ATOM[c] === 1 || c === 39 || c === 96); }
  var APOSTROPHES = /['`]/g;

  var NO_TLDS = new Set();

  /** Normalizer.tokens: the tokens of `text`, each {text, host}. `tlds` (a Set): the index's
   *  `rules.long_tlds`; without it only top-level domains of two to six letters end a host name. */
  function tokenize(input, tlds) {
    if (!tlds) tlds = NO_TLDS;
    var text = String(input).normalize('NFC');
    var raw = [];
    var atom = '';
    var n = text.length, index = 0;
    while (index < n) {
      var c = text.charCodeAt(index);
      if (c < 0x80) {
        if (c === 123) {
          var placeholder = placeholderAt(text, index);
          if (placeholder) {
            if (atom) { flushAtom(raw, atom, tlds); atom = ''; }
            pushRaw(raw, placeholder[1], K_PLACEHOLDER);
            index += placeholder[0].length;
            continue;
          }
        }
        if (isAtomOrApostrophe(c)) {
          // A run of ASCII atom characters: lower-cased at once, apostrophes deleted.
          var end = index + 1;
          while (end < n && isAtomOrApostrophe(text.charCodeAt(end))) end++;
          var run = text.slice(index, end);
          if (run.indexOf("'") >= 0 || run.indexOf('`') >= 0) run = run.replace(APOSTROPHES, '');
          atom += run.toLowerCase();
          index = end;
          continue;
        }
        if (atom) { flushAtom(raw, atom, tlds); atom = ''; }
        index++;
        continue;
      }
      var cp = text.codePointAt(index);
      var ch = String.fromCodePoint(cp);
      index += ch.length;
      if (cp === 0x2019 || cp === 0x2018) continue;
      if (WORD_SCALAR.test(ch)) {
        var lower = ch.toLowerCase();
        // Swift keeps a scalar whose lower-case mapping is more than one scalar.
        atom += (lower.length === 1 || (lower.length === 2 && lower.codePointAt(0) > 0xffff)) ? lower : ch;
      } else if (atom) {
        flushAtom(raw, atom, tlds);
        atom = '';
      }
    }
    if (atom) flushAtom(raw, atom, tlds);

    var tokens = [];
    for (var r = 0; r < raw.length; r++) {
      var token = raw[r];
      switch (token.k) {
        case K_STATUS: break;
        case K_REPLY_LIKE:
          if ((r + 1 < raw.length && raw[r + 1].k === K_STATUS) || token.j) break;
          tokens.push({ text: NUMBER, host: false });
          break;
        case K_NUMBER: tokens.push({ text: NUMBER, host: false }); break;
        case K_HOST: tokens.push({ text: token.t, host: true }); break;
        default: tokens.push({ text: token.t, host: false });
      }
    }
    return tokens;
  }

  // ---------------------------------------------------------------------------------------
  // Code extraction (CodeExtractor.swift), on UTF-8 bytes like the original.

  var encoder = typeof TextEncoder !== 'undefined' ? new TextEncoder() : null;
  var decoder = typeof TextDecoder !== 'undefined' ? new TextDecoder() : null;

  function utf8(text) {
    if (encoder) return encoder.encode(text);
    var bytes = [], s = unescape(encodeURIComponent(text));
    for (var i = 0; i < s.length; i++) bytes.push(s.charCodeAt(i));
    return bytes;
  }
  function fromUTF8(bytes, start, end) {
    if (decoder) return decoder.decode(bytes.subarray ? bytes.subarray(start, end) : new Uint8Array(bytes.slice(start, end)));
    var s = '';
    for (var i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
    return decodeURIComponent(escape(s));
  }

  function makeExtractor(rules) {
    var knownReplies = new Set();
    rules.replies.forEach(function (pair) { knownReplies.add(pair[0]); });
    var keywords = new Set(rules.keywords), blockers = new Set(rules.blockers), units = new Set(rules.units);
    var maximumScan = rules.scan;

    function isDigit(b) { return b >= 0x30 && b <= 0x39; }
    function isLetter(b) { return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b >= 0x80; }
    function isCodeNeighbour(b) { return isDigit(b) || isLetter(b) || b === 0x2e || b === 0x2f || b === 0x2b || b === 0x24; }
    function followsAddressColon(bytes, index) {
      if (index < 2 || bytes[index - 1] !== 0x3a) return false;
      var before = bytes[index - 2];
      return isDigit(before) || isLetter(before) || before === 0x3a || before === 0x5d;
    }
    function endsCleanly(bytes, end) {
      if (end >= bytes.length) return true;
      var next = bytes[end];
      if (isDigit(next) || isLetter(next)) return false;
      if (next === 0x2e || next === 0x3a || next === 0x2c) return end + 1 >= bytes.length || !isDigit(bytes[end + 1]);
      if (next === 0x25 || next === 0x40 || next === 0x2f) return false;
      return true;
    }
    /** [klass, subject, detail, end] or null. */
    function statusCode(bytes, start) {
      var count = bytes.length, index = start + 1;
      if (!(start < count && isDigit(bytes[start]) && index < count && bytes[index] === 0x2e)) return null;
      index++;
      var numbers = [bytes[start] - 0x30];
      for (var part = 0; part < 2; part++) {
        var partStart = index, value = 0;
        while (index < count && isDigit(bytes[index]) && index - partStart < 4) { value = value * 10 + (bytes[index] - 0x30); index++; }
        var length = index - partStart;
        if (length < 1 || length > 3) return null;
        if (length > 1 && bytes[partStart] === 0x30) return null;
        numbers.push(value);
        if (part === 0) {
          if (!(index < count && bytes[index] === 0x2e)) return null;
          index++;
        }
      }
      if (index < count) {
        var next = bytes[index];
        if (isDigit(next) || isLetter(next)) return null;
        if (next === 0x2e && index + 1 < count && isDigit(bytes[index + 1])) return null;
      }
      var k = numbers[0], s = numbers[1], d = numbers[2];
      if (!(k === 2 || k === 4 || k === 5) || s > 7 || d > 999) return null;
      return [k, s, d, index];
    }
    function previousWord(bytes, start) {
      var index = start - 1, skipped = 0;
      while (index >= 0 && !(isLetter(bytes[index]) || isDigit(bytes[index]))) {
        if (bytes[index] === 0x0a) return null;
        index--; skipped++;
        if (skipped > 4) return null;
      }
      if (index < 0) return null;
      var end = index + 1;
      while (index >= 0 && (isLetter(bytes[index]) || isDigit(bytes[index]) || bytes[index] === 0x2d)) {
        index--;
        if (end - index > 24) return null;
      }
      return fromUTF8(bytes, index + 1, end).toLowerCase();
    }
    function nextWord(bytes, end) {
      var index = end;
      while (index < bytes.length && (bytes[index] === 0x20 || bytes[index] === 0x09)) index++;
      var start = index;
      while (index < bytes.length && isLetter(bytes[index]) && index - start < 24) index++;
      if (index <= start) return null;
      return fromUTF8(bytes, start, index).toLowerCase();
    }
    function lineStartOrKeyword(bytes, start) {
      var index = start - 1;
      while (index >= 0) {
        var b = bytes[index];
        if (b === 0x0a || b === 0x0d) return true;
        if (isLetter(b) || isDigit(b)) break;
        index--;
      }
      if (index < 0) return true;
      var word = previousWord(bytes, start);
      return word !== null && keywords.has(word);
    }
    function statusStrength(bytes, start) {
      if (start > 0) {
        var previous = bytes[start - 1];
        if (previous === 0x23 || previous === 0x28 || previous === 0x5b) return 2;
      }
      return lineStartOrKeyword(bytes, start) ? 2 : 1;
    }
    function followingStatusStart(bytes, end) {
      var index = end;
      if (index >= bytes.length) return -1;
      var separator = bytes[index];
      if (!(separator === 0x20 || separator === 0x2d || separator === 0x09)) return -1;
      index++;
      while (index < bytes.length && bytes[index] === 0x20) index++;
      if (index < bytes.length && (bytes[index] === 0x23 || bytes[index] === 0x28)) index++;
      if (!(index < bytes.length) || statusCode(bytes, index) === null) return -1;
      return index;
    }
    function replyStrength(bytes, start, end, value) {
      if (followingStatusStart(bytes, end) >= 0) return 3;
      var known = knownReplies.has(value);
      if (lineStartOrKeyword(bytes, start)) {
        var second = Math.floor(value / 10) % 10;
        return known || second <= 7 ? 2 : 0;
      }
      if (!known || value < 400) return 0;
      var previous = previousWord(bytes, start);
      if (previous !== null && blockers.has(previous)) return 0;
      var next = nextWord(bytes, end);
      if (next !== null && units.has(next)) return 0;
      return 1;
    }

    return function extract(text) {
      var bytes = utf8(text);
      if (bytes.length > maximumScan) bytes = bytes.slice(0, maximumScan);
      var statuses = [], replies = [], paired = new Map();
      var index = 0, count = bytes.length;
      while (index < count) {
        var b = bytes[index];
        if (!isDigit(b) || (index !== 0 && isCodeNeighbour(bytes[index - 1])) || followsAddressColon(bytes, index)) { index++; continue; }
        var end = index;
        while (end < count && isDigit(bytes[end])) end++;
        var digits = end - index;
        if (digits === 1) {
          var status = statusCode(bytes, index);
          if (status !== null) {
            statuses.push({ k: status[0], s: status[1], d: status[2], offset: index, strength: statusStrength(bytes, index) });
            index = status[3];
            continue;
          }
        }
        if (digits === 3 && endsCleanly(bytes, end)) {
          var value = (bytes[index] - 0x30) * 100 + (bytes[index + 1] - 0x30) * 10 + (bytes[index + 2] - 0x30);
          if (value >= 200 && value <= 599) {
            var strength = replyStrength(bytes, index, end, value);
            if (strength > 0) {
              replies.push({ code: value, offset: index, strength: strength });
              if (strength === 3) {
                var statusStart = followingStatusStart(bytes, end);
                if (statusStart >= 0) paired.set(statusStart, value);
              }
            }
          }
        }
        index = end;
      }

      var result = { reply: null, status: null, expired: false, statuses: statuses, replies: replies };
      var chosen = null, i;
      for (i = 0; i < statuses.length; i++) {
        if (statuses[i].s === 4 && statuses[i].d === 7) { chosen = statuses[i]; result.expired = true; break; }
      }
      if (!chosen && statuses.length) {
        var ranked = statuses.map(function (m, position) { return { m: m, p: position }; });
        ranked.sort(function (l, r) {
          var lg = isGeneric(l.m) ? 1 : 0, rg = isGeneric(r.m) ? 1 : 0;
          if (lg !== rg) return lg - rg;
          if (l.m.strength !== r.m.strength) return r.m.strength - l.m.strength;
          return l.p - r.p;
        });
        chosen = ranked[0].m;
      }
      if (chosen) result.status = { k: chosen.k, s: chosen.s, d: chosen.d };
      if (chosen && paired.has(chosen.offset)) {
        result.reply = paired.get(chosen.offset);
      } else if (result.expired) {
        result.reply = null;
      } else if (replies.length) {
        var best = null;
        for (i = 0; i < replies.length; i++) if (best === null || replies[i].strength > best.strength) best = replies[i];
        result.reply = best.code;
      }
      return result;
    };
  }

  function isGeneric(status) { return status.s === 0 && status.d === 0; }
  function statusText(status) { return status ? status.k + '.' + status.s + '.' + status.d : ''; }
  function parseStatus(text) {
    var m = /^([245])\.(\d{1,3})\.(\d{1,3})$/.exec(text || '');
    return m ? { k: +m[1], s: +m[2], d: +m[3] } : null;
  }

  // ---------------------------------------------------------------------------------------
  // The text as the matcher sees it (TextView in Matcher.swift).

  function TextView(tokens) {
    var map = new Map(), hosts = [];
    for (var p = 0; p < tokens.length; p++) {
      var list = map.get(tokens[p].text);
      if (!list) { list = []; map.set(tokens[p].text, list); }
      list.push(p);
      if (tokens[p].host) hosts.push(p);
    }
    this.map = map;
    this.hosts = hosts;
    var literals = [];
    map.forEach(function (_, key) { if (!isPlaceholder(key)) literals.push(key); });
    this.literals = literals;
  }
  TextView.prototype.positions = function (token) {
    if (token === HOST) {
      var explicit = this.map.get(HOST) || [];
      return explicit.length === 0 ? this.hosts : explicit.concat(this.hosts).sort(function (a, b) { return a - b; });
    }
    return this.map.get(token) || [];
  };
  TextView.prototype.containsSequence = function (sequence) {
    if (!sequence.length) return false;
    var starts = this.positions(sequence[0]);
    if (!starts.length) return false;
    if (sequence.length === 1) return true;
    var lists = [];
    for (var i = 1; i < sequence.length; i++) {
      var list = this.positions(sequence[i]);
      if (!list.length) return false;
      lists.push(list);
    }
    return starts.some(function (start) {
      return lists.every(function (list, offset) { return sortedContains(list, start + offset + 1); });
    });
  };
  function sortedContains(list, value) {
    var low = 0, high = list.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      if (list[middle] < value) low = middle + 1; else high = middle;
    }
    return low < list.length && list[low] === value;
  }

  // ---------------------------------------------------------------------------------------
  // The engine

  var MAX_KEYWORD_WORDS = 12;

  var PERMANENCE = [
    { id: 'permanent', label: 'Permanent' },
    { id: 'transient', label: 'Transient' },
    { id: 'none', label: 'Not a failure' }
  ];

  /** An engine over the data of assets/search-index.js. */
  function createEngine(data) {
    var w = data.weights, rules = data.rules;
    var extract = makeExtractor(rules);
    var longTlds = new Set(rules.long_tlds || []);
    function tokensOf(text) { return tokenize(text, longTlds); }
    var reasons = data.reasons, categories = data.categories;

    // Vocabulary: terms grouped by weight; a term's id is its position over all groups.
    var vocabulary = [], termWeights = [];
    data.terms.forEach(function (group) {
      group[1].split(' ').forEach(function (term) {
        vocabulary.push(term.normalize('NFC'));
        termWeights.push(group[0]);
      });
    });
    // Words only titles and summaries have (keyword tier); ids continue after the terms'.
    if (data.words) data.words.split(' ').forEach(function (word) { vocabulary.push(word.normalize('NFC')); });

    var entries = [], phrases = [], phrasesByToken = new Map();
    var entriesByCode = new Map(), entriesByReason = new Map();
    data.entries.forEach(function (row, position) {
      var status = parseStatus(row[5]);
      var entry = {
        position: position, id: row[0], category: categories[row[1]], title: row[2], summary: row[3],
        reply: row[4], statusText: row[5], status: status, permanence: PERMANENCE[row[6]] || PERMANENCE[0],
        reason: reasons[row[7]], generic: row[8] === 1, phraseTokens: [],
        titleWords: (row[10] || []).map(function (id) { return vocabulary[id]; }),
        summaryWords: (row[11] || []).map(function (id) { return vocabulary[id]; })
      };
      entry.path = entry.category + '/' + entry.id + '/index.html';
      row[9].forEach(function (ids) {
        var tokens = [], weights = [], total = 0, heaviest = 0;
        for (var i = 0; i < ids.length; i++) {
          tokens.push(vocabulary[ids[i]]);
          weights.push(termWeights[ids[i]]);
          total += termWeights[ids[i]];
          if (!isPlaceholder(vocabulary[ids[i]]) && termWeights[ids[i]] > heaviest) heaviest = termWeights[ids[i]];
        }
        var index = phrases.length;
        phrases.push({ entry: position, tokens: tokens, weights: weights, total: total, short: tokens.length <= w.short_phrase, heaviest: heaviest });
        tokens.forEach(function (token) {
          if (isPlaceholder(token)) return;
          var list = phrasesByToken.get(token);
          if (!list) { list = []; phrasesByToken.set(token, list); }
          if (list[list.length - 1] !== index) list.push(index);
          entry.phraseTokens.push(token);
        });
      });
      if (status) addTo(entriesByCode, status.s + '.' + status.d, position);
      addTo(entriesByReason, entry.reason, position);
      entries.push(entry);
    });
    var cues = data.cues.map(function (cue) {
      return { reason: reasons[cue[0]], weight: cue[1], tokens: cue[2].split(' ').map(function (t) { return t.normalize('NFC'); }) };
    });

    // What codes imply (CodeRegistry.explain's impliedReason).
    var replyImplied = new Map();
    rules.replies.forEach(function (pair) { replyImplied.set(pair[0], pair[1]); });
    var statusImplied = new Map();
    rules.statuses.forEach(function (row) { statusImplied.set(row[0] + '.' + row[1], [row[2], row[3]]); });
    function impliedReason(reply, status) {
      var replyClass = reply !== null && reply >= 200 && reply <= 599 ? Math.floor(reply / 100) : null;
      var effectiveClass = replyClass !== null ? replyClass : status ? status.k : null;
      if (effectiveClass === 2) return 'not-a-failure';
      if (effectiveClass !== 4 && effectiveClass !== 5) return null;
      if (status && status.k !== 2) {
        var byClass = statusImplied.get(status.s + '.' + status.d);
        var outcome = byClass ? byClass[status.k === 4 ? 0 : 1] : null;
        if (outcome === '') return null;
        if (outcome !== null) return outcome;
      }
      var fromReply = replyClass !== null ? replyImplied.get(reply) : undefined;
      return fromReply === undefined ? null : fromReply;
    }

    function phraseScore(phrase, view) {
      if (!(phrase.total > 0)) return [0, 0];
      var matched = 0, longestRun = 0, previous = [], missingRarest = false;
      for (var offset = 0; offset < phrase.tokens.length; offset++) {
        var positions = view.positions(phrase.tokens[offset]);
        var weight = phrase.weights[offset];
        if (!positions.length) {
          if (!isPlaceholder(phrase.tokens[offset]) && weight >= phrase.heaviest) missingRarest = true;
          previous = [];
          continue;
        }
        matched += weight;
        var current = [], cursor = 0;
        for (var i = 0; i < positions.length; i++) {
          var position = positions[i];
          while (cursor < previous.length && previous[cursor][0] < position - 1) cursor++;
          var run = weight;
          if (cursor < previous.length && previous[cursor][0] === position - 1) run += previous[cursor][1];
          current.push([position, run]);
          if (run > longestRun) longestRun = run;
        }
        previous = current;
      }
      var coverage = matched / phrase.total;
      // A short phrase without its rarest word says something else ("unable to relay").
      if (missingRarest && phrase.short) return [0, coverage];
      if (!(coverage >= w.minimum_coverage && longestRun >= w.minimum_run * phrase.total)) return [0, coverage];
      var order = (1 - w.order) + w.order * (longestRun / phrase.total);
      return [matched * coverage * order, coverage];
    }

    function codeScore(entry, codes, phraseScoreValue) {
      var score = 0;
      var doubt = Math.max(0, 1 - phraseScoreValue / w.strong_phrase);
      var status = codes.status, entryStatus = entry.status;
      if (status && entryStatus) {
        if (status.k === entryStatus.k && status.s === entryStatus.s && status.d === entryStatus.d) score += w.status_exact;
        else if (status.s === entryStatus.s && status.d === entryStatus.d) score += w.status_other_class;
        else if (isGeneric(status) || isGeneric(entryStatus)) { /* X.0.0 says nothing either way */ }
        else if (status.s === entryStatus.s) score -= w.status_other_detail * doubt;
        else score -= w.status_other_subject * doubt;
      }
      var textClass = codes.reply !== null ? Math.floor(codes.reply / 100) : status ? status.k : null;
      if (codes.reply !== null && codes.reply === entry.reply) {
        score += w.reply_exact;
      } else if (textClass === 4 || textClass === 5) {
        var entryClass = Math.floor(entry.reply / 100);
        if ((entryClass === 4 || entryClass === 5) && entryClass !== textClass) score -= w.reply_other_class * doubt;
      }
      return score;
    }

    /** Matcher.subjectReason: the first of the library's subject rules that fits. */
    function subjectReason(status) {
      if (!status) return null;
      var list = rules.subjects || [];
      for (var i = 0; i < list.length; i++) {
        var rule = list[i];
        if ((rule[0] === null || rule[0] === status.k) && (rule[1] === null || rule[1] === status.s) && status.d >= rule[2] && status.d <= rule[3]) return rule[4];
      }
      return null;
    }

    /** Evidence per reason: cue weights plus code_prior for the reason the codes imply. */
    function reasonScores(cueScores, codeReason) {
      var scores = new Map(cueScores);
      if (codeReason !== null) scores.set(codeReason, (scores.get(codeReason) || 0) + w.code_prior);
      return scores;
    }

    /** [reason, score] best supported (ties: smaller id), when it reaches minimum_reason_score. */
    function bestReason(scores) {
      var top = null;
      scores.forEach(function (value, key) {
        if (top === null || value > top[1] || (value === top[1] && key < top[0])) top = [key, value];
      });
      return top !== null && top[1] >= w.minimum_reason_score ? top : null;
    }

    /** Matcher.filterWeak: drops entries the wording and codes contradict. */
    function filterWeak(scored, support, cueScores, priorityReason) {
      var best = bestReason(support);
      if (best === null) return scored;
      var bestCues = cueScores.get(best[0]) || 0;
      var decisive = bestCues >= w.decisive_cue;
      return scored.filter(function (item) {
        var reason = item.entry.reason;
        if (reason === best[0] || reason === priorityReason) return true;
        var supported = (support.get(reason) || 0) + w.support_margin >= best[1];
        var complete = item.coverage >= 1;
        if (item.phraseScore < w.weak_phrase && (!complete || bestCues > 0)) return supported;
        if (decisive && !complete) return supported;
        return true;
      });
    }

    /**
     * Matcher.match: the entries that fit `text`, best first, with the codes found and the
     * reason the registry implies. Every token is read as complete.
     */
    function match(text, limit) {
      if (limit === undefined) limit = 5;
      var codes = extract(text);
      var view = new TextView(tokensOf(text));

      var cueScores = new Map();
      cues.forEach(function (cue) {
        if (view.containsSequence(cue.tokens)) cueScores.set(cue.reason, (cueScores.get(cue.reason) || 0) + cue.weight);
      });
      // Wording that says the message is only delayed keeps a 4.4.7 from reading as an expiry.
      var delayWording = (cueScores.get('not-a-failure') || 0) >= w.decisive_cue;
      var expired = !delayWording && (codes.expired || (cueScores.get('delivery-expired') || 0) >= w.expiry_cue);
      var priorityReason = expired ? 'delivery-expired' : null;

      var seen = new Set(), candidates = [];
      view.literals.forEach(function (token) {
        var list = phrasesByToken.get(token);
        if (!list) return;
        for (var i = 0; i < list.length; i++) if (!seen.has(list[i])) { seen.add(list[i]); candidates.push(list[i]); }
      });
      candidates.sort(function (a, b) { return a - b; });
      var hits = new Map();
      candidates.forEach(function (index) {
        var phrase = phrases[index];
        var result = phraseScore(phrase, view);
        if (!(result[0] > 0)) return;
        var hit = hits.get(phrase.entry);
        if (!hit) { hit = { best: 0, coverage: 0, sum: 0 }; hits.set(phrase.entry, hit); }
        hit.sum += result[0];
        if (result[0] > hit.best) { hit.best = result[0]; hit.coverage = result[1]; }
      });

      var codeOnly = view.literals.length === 0;
      var positions = new Set(hits.keys());
      if (codeOnly && codes.status) (entriesByCode.get(codes.status.s + '.' + codes.status.d) || []).forEach(function (p) { positions.add(p); });
      if (priorityReason) (entriesByReason.get(priorityReason) || []).forEach(function (p) { positions.add(p); });
      // Entries without a phrase hit score 0; they can only qualify if the threshold allows it.
      if (!(w.minimum_phrase_score > 0)) entries.forEach(function (entry) { positions.add(entry.position); });
      var ordered = Array.from(positions).sort(function (a, b) { return a - b; });

      var scored = [];
      ordered.forEach(function (position) {
        var entry = entries[position], hit = hits.get(position);
        var phraseValue = hit ? hit.best + w.extra_phrase * (hit.sum - hit.best) : 0;
        var isPriority = entry.reason === priorityReason;
        var eligible = phraseValue >= w.minimum_phrase_score || isPriority;
        if (codeOnly && codes.status && entry.status && entry.status.s === codes.status.s && entry.status.d === codes.status.d) eligible = true;
        if (!eligible) return;
        var total = phraseValue;
        total += codeScore(entry, codes, phraseValue);
        total += Math.min(cueScores.get(entry.reason) || 0, w.cue_cap) * w.cue;
        scored.push({ entry: entry, total: total, phraseScore: phraseValue, priority: isPriority, coverage: hit ? hit.coverage : 0 });
      });

      var implied = impliedReason(codes.reply, codes.status);
      var codeReason = implied !== null ? implied : subjectReason(codes.status);
      var support = reasonScores(cueScores, codeReason);
      var best = bestReason(support);
      var verdict = best !== null && (cueScores.get(best[0]) || 0) > 0 ? best[0] : null;
      // A query of codes only lists the entries with that code: nothing to weigh against.
      if (!codeOnly) scored = filterWeak(scored, support, cueScores, priorityReason);
      scored.sort(function (l, r) {
        if (l.priority !== r.priority) return l.priority ? -1 : 1;
        if (Math.abs(l.total - r.total) > w.tie) return l.total > r.total ? -1 : 1;
        if (l.entry.generic !== r.entry.generic) return l.entry.generic ? -1 : 1;
        return l.entry.position - r.entry.position;
      });
      var top = null;
      for (var i = 0; i < scored.length; i++) if (!scored[i].priority) { top = scored[i].total; break; }
      if (top !== null && top > 0) scored = scored.filter(function (item) { return item.priority || item.total >= top * w.relative_cutoff; });
      if (priorityReason !== null) {
        var kept = 0;
        scored = scored.filter(function (item) {
          if (!(item.priority && item.phraseScore === 0)) return true;
          kept++;
          return kept <= 1;
        });
      }
      scored = scored.slice(0, Math.max(0, limit));
      var reason = scored.length ? scored[0].entry.reason : priorityReason || verdict || codeReason || null;
      return { matches: scored, codes: codes, impliedReason: implied, reason: reason, literals: view.literals };
    }

    // -------------------------------------------------------------------------------------
    // Keyword tier: words of titles, summaries and phrases, with prefix and typo matching.

    var keyword = null;
    function keywordIndex() {
      if (keyword) return keyword;
      var postings = new Map();
      entries.forEach(function (entry) {
        var weights = new Map();
        function add(tokens, weight) {
          for (var i = 0; i < tokens.length; i++) {
            var t = tokens[i];
            if (isPlaceholder(t)) continue;
            if (!(weights.get(t) >= weight)) weights.set(t, weight);
          }
        }
        add(entry.summaryWords, 1);
        add(entry.phraseTokens, 2);
        add(entry.titleWords, 3);
        weights.forEach(function (weight, term) {
          var list = postings.get(term);
          if (!list) { list = { entries: [], weights: [] }; postings.set(term, list); }
          list.entries.push(entry.position);
          list.weights.push(weight);
        });
      });
      var terms = Array.from(postings.keys()).sort();
      var byLength = new Map();
      terms.forEach(function (term) {
        var list = byLength.get(term.length);
        if (!list) { list = []; byLength.set(term.length, list); }
        list.push(term);
      });
      keyword = {
        postings: postings, terms: terms, byLength: byLength,
        scores: new Float64Array(entries.length), counts: new Uint16Array(entries.length), best: new Float64Array(entries.length)
      };
      return keyword;
    }

    function prefixTerms(prefix, limit) {
      var terms = keyword.terms, low = 0, high = terms.length;
      while (low < high) { var middle = (low + high) >> 1; if (terms[middle] < prefix) low = middle + 1; else high = middle; }
      var result = [];
      for (var i = low; i < terms.length && terms[i].lastIndexOf(prefix, 0) === 0 && result.length < limit; i++) {
        if (terms[i] !== prefix) result.push(terms[i]);
      }
      return result;
    }

    function typoTerms(term) {
      var result = [];
      for (var length = term.length - 1; length <= term.length + 1; length++) {
        var list = keyword.byLength.get(length);
        if (!list) continue;
        for (var i = 0; i < list.length; i++) if (withinOneEdit(term, list[i])) result.push(list[i]);
      }
      return result;
    }

    /**
     * The site search: matcher results first (what `bounce` says, in its order), then the
     * keyword tier's. `options.typing`: the last word may be incomplete (prefix matching).
     */
    function search(query, options) {
      options = options || {};
      var limit = options.limit || 30;
      var text = String(query || '').trim();
      var result = { query: text, results: [], total: 0, matched: 0, codes: null, impliedReason: null, highlight: { terms: new Set(), prefix: null, codes: new Set() } };
      if (!text) return result;
      // Every matcher result, so the count is true; only `limit` of them are shown.
      var matched = match(text, entries.length);
      result.codes = matched.codes;
      result.impliedReason = matched.impliedReason;
      result.reason = matched.reason;
      if (matched.codes.reply !== null) result.highlight.codes.add(String(matched.codes.reply));
      if (matched.codes.status) result.highlight.codes.add(statusText(matched.codes.status));
      var listed = new Set(), results = [];
      matched.matches.forEach(function (item) {
        listed.add(item.entry.position);
        results.push({ entry: item.entry, tier: 'matcher', score: item.total });
      });
      result.matched = results.length;

      var words = [], keywordTotal = 0;
      matched.literals.forEach(function (token) { if (words.indexOf(token) < 0) words.push(token); });
      // Still typing when the box does not end in a space or punctuation: the last word may be a prefix.
      var typing = !!options.typing && /[\p{L}\p{M}\p{N}]$/u.test(String(query));
      var lastTokens = typing ? tokensOf(text) : [];
      var partial = typing && lastTokens.length && !lastTokens[lastTokens.length - 1].host && !isPlaceholder(lastTokens[lastTokens.length - 1].text)
        ? lastTokens[lastTokens.length - 1].text : null;
      words.forEach(function (word) { if (word.length > 1) result.highlight.terms.add(word); });
      if (partial) result.highlight.prefix = partial;

      // A long paste is the matcher's job: all of its words will not be in one entry anyway.
      if (words.length && words.length <= MAX_KEYWORD_WORDS) {
        var index = keywordIndex(), scores = index.scores, counts = index.counts, best = index.best;
        scores.fill(0);
        counts.fill(0);
        // Each word with the terms it may stand for: itself, completions of the word being
        // typed (two letters or more), or, failing both, terms one edit away.
        var plans = [], usable = 0;
        for (var k = 0; k < words.length; k++) {
          var word = words[k], expansions = [], size = 0;
          if (index.postings.has(word)) expansions.push([word, 1]);
          if (word === partial && word.length >= 2) prefixTerms(word, 200).forEach(function (term) { expansions.push([term, 0.8]); });
          if (!expansions.length && letterCount(word) >= 5) typoTerms(word).forEach(function (term) { expansions.push([term, 0.6]); });
          if (!expansions.length) break;
          expansions.forEach(function (expansion) {
            size += index.postings.get(expansion[0]).entries.length;
            if (expansion[1] < 1 && word.length > 1) result.highlight.terms.add(expansion[0]);
          });
          plans.push({ expansions: expansions, size: size });
          usable++;
        }
        // Rarest word first, so an entry missing any word drops out early.
        plans.sort(function (l, r) { return l.size - r.size; });
        var touched = [];
        for (var p = 0; p < plans.length && usable === words.length; p++) {
          var marked = [];
          plans[p].expansions.forEach(function (expansion) {
            var list = index.postings.get(expansion[0]);
            var idf = Math.log(1 + entries.length / list.entries.length);
            for (var i = 0; i < list.entries.length; i++) {
              var position = list.entries[i];
              if (counts[position] !== p) continue; // missed an earlier word
              var value = list.weights[i] * idf * expansion[1];
              if (value > best[position]) {
                if (best[position] === 0) marked.push(position);
                best[position] = value;
              }
            }
          });
          for (var m = 0; m < marked.length; m++) {
            var hit = marked[m];
            counts[hit] = p + 1;
            scores[hit] += best[hit];
            best[hit] = 0;
          }
          if (p === 0) touched = marked;
          if (!marked.length) break;
        }
        if (usable === words.length) {
          // Only the best `room` keyword results are kept (no object per match: a two-letter
          // prefix can match thousands of entries on every keystroke); all are counted.
          var room = Math.max(0, limit - results.length), top = [];
          for (var t = 0; t < touched.length; t++) {
            var position = touched[t];
            if (counts[position] !== words.length || listed.has(position)) continue;
            keywordTotal++;
            var entry = entries[position], score = scores[position];
            if (matched.codes.status && entry.status && entry.status.s === matched.codes.status.s && entry.status.d === matched.codes.status.d) score += 2;
            if (matched.codes.reply !== null && entry.reply === matched.codes.reply) score += 0.5;
            if (room === 0 || (top.length === room && !keywordBefore(score, entry, top[top.length - 1]))) continue;
            var at = top.length;
            while (at > 0 && keywordBefore(score, entry, top[at - 1])) at--;
            top.splice(at, 0, { entry: entry, tier: 'keyword', score: score });
            if (top.length > room) top.pop();
          }
          results = results.concat(top);
        }
      }
      result.total = result.matched + keywordTotal;
      result.results = results.slice(0, limit);
      return result;
    }

    function code(kind, key) {
      var table = data.codes[kind];
      for (var i = 0; i < table.length; i++) if (table[i][0] === key) return table[i];
      return null;
    }

    /** What the site's code pages say about the codes found: [{label, title, explanation, path}]. */
    function explainCodes(codes) {
      var result = [];
      if (!codes) return result;
      if (codes.reply !== null) {
        var reply = code('reply', codes.reply);
        result.push(reply
          ? { label: String(codes.reply), title: reply[1], explanation: reply[2], path: 'codes/' + codes.reply + '/index.html' }
          : { label: String(codes.reply), title: 'Unregistered reply code', explanation: classMeaning(Math.floor(codes.reply / 100)), path: 'codes/index.html' });
      }
      if (codes.status) {
        var slug = 'x.' + codes.status.s + '.' + codes.status.d;
        var status = code('enhanced', slug);
        result.push(status
          ? { label: statusText(codes.status), title: status[2], explanation: status[3], path: 'codes/' + slug + '/index.html' }
          : { label: statusText(codes.status), title: 'Unregistered enhanced status code', explanation: (classMeaning(codes.status.k) + ' ' + subjectMeaning(codes.status.s)).trim(), path: 'codes/index.html' });
      }
      return result;
    }
    function classMeaning(digit) {
      var row = code('classes', digit);
      return row ? row[2] : '';
    }
    function subjectMeaning(digit) {
      var row = data.codes.subjects ? code('subjects', digit) : null;
      return row ? 'Subject ' + digit + ', ' + row[1] + ': ' + row[2] : '';
    }

    keywordIndex();

    return {
      tokens: tokensOf, extract: extract, match: match, search: search, explainCodes: explainCodes,
      entries: entries, impliedReason: impliedReason
    };
  }

  /** Keyword tier order: higher score, then an entry about the cause in general (as in the
   *  matcher), then knowledge-base order. */
  function keywordBefore(score, entry, other) {
    if (score !== other.score) return score > other.score;
    if (entry.generic !== other.entry.generic) return entry.generic;
    return entry.position < other.entry.position;
  }
  function addTo(map, key, value) {
    var list = map.get(key);
    if (!list) { list = []; map.set(key, list); }
    list.push(value);
  }
  function letterCount(word) {
    var count = 0;
    for (var i = 0; i < word.length; i++) if (/\p{L}/u.test(word.charAt(i))) count++;
    return count;
  }
  /** One insertion, deletion, substitution or swap of neighbours (optimal string alignment ≤ 1). */
  function withinOneEdit(a, b) {
    if (a === b) return false;
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return i + 1 < la && a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i) && a.slice(i + 2) === b.slice(i + 2);
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  // ---------------------------------------------------------------------------------------
  // The page: header boxes everywhere, the search page at search/index.html.

  var INDEX_GLOBAL = 'BounceKBSearchIndex';

  function start(document, window) {
    if (window.BounceKBSearchStarted) return; // the script tag may appear twice
    window.BounceKBSearchStarted = true;
    var script = document.currentScript;
    var root = script && script.src ? new URL('../', script.src).href : new URL('./', window.location.href).href;
    if (!document.querySelector('form[data-search-page]')) {
      // The results panel's styles; the search page links them itself.
      var css = document.createElement('link');
      css.rel = 'stylesheet';
      css.href = root + 'assets/search.css';
      document.head.appendChild(css);
    }
    var engine = null, loading = false, waiting = [];

    function withEngine(callback) {
      if (engine) { callback(engine); return; }
      waiting.push(callback);
      if (loading) return;
      loading = true;
      var loaded = function () {
        var data = window[INDEX_GLOBAL];
        if (!data) return failed();
        engine = createEngine(data);
        var callbacks = waiting;
        waiting = [];
        callbacks.forEach(function (f) { f(engine); });
      };
      var failed = function () {
        loading = false;
        waiting = [];
        views.forEach(function (view) { view.status('The search index could not be loaded.'); });
      };
      if (window[INDEX_GLOBAL]) { loaded(); return; }
      var tag = document.createElement('script');
      tag.src = root + 'assets/search-index.js';
      tag.onload = loaded;
      tag.onerror = failed;
      document.head.appendChild(tag);
    }

    function element(name, className, text) {
      var node = document.createElement(name);
      if (className) node.className = className;
      if (text !== undefined && text !== null) node.appendChild(document.createTextNode(text));
      return node;
    }
    function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

    var WORDS = /\d\.\d{1,3}\.\d{1,3}|[\p{L}\p{M}\p{N}]+(?:['’`][\p{L}\p{M}\p{N}]+)*/gu;
    /** `text` into `parent` as text nodes, with the words the query matched in <mark>s. */
    function appendHighlighted(parent, text, highlight) {
      var last = 0, found;
      WORDS.lastIndex = 0;
      while ((found = WORDS.exec(text)) !== null) {
        var word = found[0];
        var hit;
        if (/^\d/.test(word) && word.indexOf('.') > 0) hit = highlight.codes.has(word);
        else if (/^\d{3}$/.test(word)) hit = highlight.codes.has(word);
        else {
          var tokens = tokenize(word);
          var key = tokens.length === 1 ? tokens[0].text : null;
          hit = key !== null && (highlight.terms.has(key) || (highlight.prefix !== null && key.lastIndexOf(highlight.prefix, 0) === 0));
        }
        if (!hit) continue;
        if (found.index > last) parent.appendChild(document.createTextNode(text.slice(last, found.index)));
        parent.appendChild(element('mark', null, word));
        last = found.index + word.length;
      }
      if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    }

    function badge(label, highlight) {
      var node = element('span', 'code');
      if (highlight.codes.has(label)) node.appendChild(element('mark', null, label));
      else node.appendChild(document.createTextNode(label));
      return node;
    }

    /** One result: a link to the entry with its title, code badges, permanence and summary. */
    function resultNode(item, number, highlight, idPrefix) {
      var entry = item.entry;
      var link = element('a', 'search-result');
      link.href = root + entry.path;
      link.id = idPrefix + number;
      link.setAttribute('role', 'option');
      link.setAttribute('aria-selected', 'false');
      link.tabIndex = -1;
      var title = element('span', 'search-result-title');
      appendHighlighted(title, entry.title, highlight);
      link.appendChild(title);
      var badges = element('span', 'search-result-badges');
      badges.appendChild(badge(String(entry.reply), highlight));
      if (entry.statusText) { badges.appendChild(document.createTextNode(' ')); badges.appendChild(badge(entry.statusText, highlight)); }
      badges.appendChild(document.createTextNode(' '));
      badges.appendChild(element('span', 'badge badge-' + entry.permanence.id, entry.permanence.label));
      link.appendChild(badges);
      var summary = element('span', 'search-result-summary');
      appendHighlighted(summary, entry.summary, highlight);
      link.appendChild(summary);
      return link;
    }

    function countLabel(found) {
      if (found.total === 0) return 'No entry matches.';
      var label = found.total === 1 ? '1 result' : found.total + ' results';
      if (found.results.length < found.total) label += ', the first ' + found.results.length + ' shown';
      return label + '.';
    }

    /** The registry's words about the codes in a query nothing matched, with links to their pages. */
    function codeNode(list) {
      var box = element('div', 'search-codes');
      box.appendChild(element('p', 'search-codes-lead', 'What the code' + (list.length > 1 ? 's say' : ' says') + ' on its own:'));
      var dl = element('dl');
      list.forEach(function (info) {
        var term = element('dt');
        var link = element('a', 'code');
        link.href = root + info.path;
        link.appendChild(document.createTextNode(info.label));
        term.appendChild(link);
        term.appendChild(document.createTextNode(' ' + info.title));
        dl.appendChild(term);
        dl.appendChild(element('dd', null, info.explanation));
      });
      box.appendChild(dl);
      return box;
    }

    var views = [];

    /**
     * A search box with its results: `input`, a results list (a listbox the input controls,
     * id search-results), a live region for the count and a place for code explanations.
     */
    function SearchView(input, parts) {
      var self = this;
      this.input = input;
      this.list = parts.list;
      this.live = parts.live;
      this.extra = parts.extra;
      this.onShow = parts.onShow || function () {};
      this.active = -1;
      this.items = [];
      // A combobox must be a text input (ARIA in HTML allows no role but searchbox on type=search).
      if (input.type === 'search') input.type = 'text';
      input.setAttribute('role', 'combobox');
      input.setAttribute('aria-autocomplete', 'list');
      input.setAttribute('aria-expanded', 'false');
      input.setAttribute('aria-controls', 'search-results');
      input.addEventListener('input', function () { self.run(true); });
      input.addEventListener('keydown', function (event) { self.key(event); });
      views.push(this);
    }
    SearchView.prototype.status = function (text) {
      if (this.live.textContent !== text) this.live.textContent = text;
    };
    SearchView.prototype.run = function (typing) {
      var self = this, query = this.input.value;
      if (!query.trim()) { this.show(null); return; }
      withEngine(function (engine) {
        if (self.input.value !== query) return; // a newer keystroke will run
        self.show(engine.search(query, { typing: typing }), engine);
      });
    };
    SearchView.prototype.show = function (found, engine) {
      clear(this.list);
      clear(this.extra);
      this.extra.hidden = true;
      this.items = [];
      this.select(-1);
      if (!found) {
        this.input.setAttribute('aria-expanded', 'false');
        this.list.hidden = true;
        this.status('');
        this.onShow(false);
        return;
      }
      var self = this;
      found.results.forEach(function (item, number) {
        var node = resultNode(item, number, found.highlight, 'search-result-');
        self.items.push(node);
        self.list.appendChild(node);
      });
      this.list.hidden = this.items.length === 0;
      this.input.setAttribute('aria-expanded', this.items.length ? 'true' : 'false');
      if (found.total === 0) {
        var codes = engine.explainCodes(found.codes);
        if (codes.length) {
          this.extra.appendChild(codeNode(codes));
          this.extra.hidden = false;
        }
      }
      this.status(countLabel(found));
      this.onShow(true, found);
    };
    SearchView.prototype.select = function (index) {
      if (this.active >= 0 && this.items[this.active]) this.items[this.active].setAttribute('aria-selected', 'false');
      this.active = index;
      if (index >= 0 && this.items[index]) {
        var item = this.items[index];
        item.setAttribute('aria-selected', 'true');
        this.input.setAttribute('aria-activedescendant', item.id);
        if (item.scrollIntoView) item.scrollIntoView({ block: 'nearest' });
      } else {
        this.input.removeAttribute('aria-activedescendant');
      }
    };
    SearchView.prototype.key = function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      var count = this.items.length;
      switch (event.key) {
        case 'ArrowDown':
          if (!count) return;
          event.preventDefault();
          this.select(this.active + 1 >= count ? 0 : this.active + 1);
          break;
        case 'ArrowUp':
          if (!count) return;
          event.preventDefault();
          this.select(this.active <= 0 ? count - 1 : this.active - 1);
          break;
        case 'Enter':
          var chosen = this.items[this.active] || (this.opensFirst ? this.items[0] : null);
          if (!chosen) return;
          event.preventDefault();
          window.location.href = chosen.href;
          break;
        case 'Escape':
          event.preventDefault();
          if (this.input.value) {
            this.input.value = '';
            this.show(null);
            if (this.onClear) this.onClear();
          } else {
            this.show(null);
            this.input.blur();
          }
          break;
      }
    };

    var page = document.querySelector('form[data-search-page]');
    var primary = null;
    if (page) {
      var pageInput = page.querySelector('input[name=q]');
      var browse = document.getElementById('search-browse');
      var listNode = document.getElementById('search-results');
      listNode.setAttribute('role', 'listbox');
      listNode.setAttribute('aria-label', 'Search results');
      listNode.hidden = true;
      var pageView = new SearchView(pageInput, {
        list: listNode, live: document.getElementById('search-status'), extra: document.getElementById('search-codes'),
        onShow: function (shown) { if (browse) browse.hidden = shown; }
      });
      pageView.opensFirst = true;
      var remember = function () {
        try {
          var url = new URL(window.location.href);
          if (pageInput.value.trim()) url.searchParams.set('q', pageInput.value); else url.searchParams.delete('q');
          window.history.replaceState(null, '', url.href);
        } catch (error) { /* file:// pages may refuse history changes; the search still works */ }
      };
      pageInput.addEventListener('input', remember);
      pageView.onClear = remember;
      page.addEventListener('submit', function (event) { event.preventDefault(); pageView.run(false); remember(); });
      var initial = null;
      try { initial = new URL(window.location.href).searchParams.get('q'); } catch (error) { initial = null; }
      if (initial) {
        pageInput.value = initial;
        pageView.run(false);
      }
      primary = pageInput;
    }

    // Header (and home page) boxes share one results panel, shown under the box in use.
    var panel = null, panelView = null, panelForm = null;
    var forms = document.querySelectorAll('form.site-search');
    Array.prototype.forEach.call(forms, function (form) {
      var input = form.querySelector('input[name=q]');
      if (!input) return;
      if (!primary) primary = input;
      var attach = function () {
        if (page) return; // the search page has its own list
        if (!panel) {
          panel = element('div', 'search-panel');
          var live = element('p', 'search-panel-status');
          live.setAttribute('role', 'status');
          var list = element('div', 'search-results');
          list.id = 'search-results';
          list.setAttribute('role', 'listbox');
          list.setAttribute('aria-label', 'Search results');
          var extra = element('div', 'search-panel-codes');
          panel.appendChild(live);
          panel.appendChild(list);
          panel.appendChild(extra);
          panel.hidden = true;
          panelView = { live: live, list: list, extra: extra };
        }
        if (panelForm !== form) {
          form.appendChild(panel);
          panelForm = form;
        }
        if (!form.searchView) {
          form.searchView = new SearchView(input, {
            list: panelView.list, live: panelView.live, extra: panelView.extra,
            onShow: function (shown) { panel.hidden = !shown; }
          });
        }
        withEngine(function () {}); // start loading the index while the reader types
      };
      var focus = function () {
        attach();
        if (!page && input.value.trim()) form.searchView.run(true);
      };
      input.addEventListener('focus', focus);
      input.addEventListener('input', attach, true);
      if (document.activeElement === input) focus();
    });
    document.addEventListener('click', function (event) {
      if (panel && panelForm && !panelForm.contains(event.target)) panel.hidden = true;
    });

    document.addEventListener('keydown', function (event) {
      if (event.key !== '/' || event.altKey || event.ctrlKey || event.metaKey || !primary) return;
      var target = event.target;
      var tag = target && target.tagName ? target.tagName.toLowerCase() : '';
      if (tag === 'input' || tag === 'textarea' || tag === 'select' || (target && target.isContentEditable)) return;
      event.preventDefault();
      primary.focus();
      if (primary.select) primary.select();
    });
  }

  var api = { createEngine: createEngine, tokenize: tokenize, withinOneEdit: withinOneEdit, indexGlobal: INDEX_GLOBAL };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else global.BounceKBSearch = api;
  if (typeof document !== 'undefined' && typeof window !== 'undefined' && document.querySelector) start(document, window);
})(typeof globalThis !== 'undefined' ? globalThis : this);
