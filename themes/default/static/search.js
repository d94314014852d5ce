// handbook search: loads the sharded index lazily and ranks with BM25.
// The tokenizer mirrors src/search/tokenize.rs; both are tested against
// tests/search/vectors.json, so change them together.
(function (global) {
  "use strict";

  var STOP = ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or", "that", "the", "this", "to", "was", "with"];
  /** A word as the tokenizer sees one (identifiers keep their dots). */
  var WORD = /[\p{L}\p{N}_.%-]+/gu;
  var SUFFIXES = [["ies", "y"], ["sses", "ss"], ["ing", ""], ["ed", ""], ["es", "e"], ["s", ""]];

  function stem(w) {
    if (w.length <= 3 || !/^[a-z]+$/.test(w)) return w;
    for (var i = 0; i < SUFFIXES.length; i++) {
      var suf = SUFFIXES[i][0];
      if (w.length > suf.length && w.slice(-suf.length) === suf) {
        var base = w.slice(0, -suf.length);
        if (suf === "s" && /[su]$/.test(base)) continue;
        if (base.length >= 3) return base + SUFFIXES[i][1];
      }
    }
    return w;
  }

  var isUpper = function (c) { return c !== c.toLowerCase() && c === c.toUpperCase(); };
  var isLower = function (c) { return c !== c.toUpperCase() && c === c.toLowerCase(); };
  var isDigit = function (c) { return c >= "0" && c <= "9"; };

  function camelParts(s) {
    var chars = Array.from(s), parts = [], cur = "";
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i], p = chars[i - 1], n = chars[i + 1];
      var boundary = i > 0 && ((isLower(p) && isUpper(c)) ||
        (isUpper(p) && isUpper(c) && n !== undefined && isLower(n)) ||
        (isDigit(p) && isUpper(c)));
      if (boundary && cur) { parts.push(cur.toLowerCase()); cur = ""; }
      cur += c;
    }
    if (cur) parts.push(cur.toLowerCase());
    return parts;
  }

  /** Tokens of text as [term, weight] pairs (2 whole token, 1 part). */
  function tokenize(text) {
    var out = [], seen = {};
    var push = function (t, w) { if (t && !seen[t]) { seen[t] = 1; out.push([t, w]); } };
    var raws = text.split(/[^\p{L}\p{N}_.%-]+/u);
    for (var r = 0; r < raws.length; r++) {
      var raw = raws[r].replace(/^[.\-_]+|[.\-_]+$/g, "").replace(/%+$/, "");
      if (!raw || !/[\p{L}\p{N}]/u.test(raw)) continue;
      var lower = raw.toLowerCase();
      var segs = raw.split(/[._-]/).filter(Boolean);
      if (segs.length === 1 && camelParts(raw).length === 1) {
        var caps = Array.from(raw).filter(isUpper).length;
        if (caps > 1) push(lower, 2);
        else if (STOP.indexOf(lower) < 0) push(stem(lower), 2);
        continue;
      }
      push(lower, 2);
      segs.forEach(function (seg) {
        push(seg.toLowerCase(), 1);
        var camel = camelParts(seg);
        if (camel.length > 1) camel.forEach(function (p) { push(p, 1); });
      });
    }
    return out;
  }

  // Under Node (the tokenizer tests) there is no page to wire up.
  if (typeof document === "undefined") {
    if (typeof module !== "undefined") module.exports = { tokenize: tokenize, stem: stem, highlight: highlightFor, snippet: snippetFor, topOf: topOf };
    return;
  }

  // ---- Index loading: every index file is a script calling
  // handbookSearchLoaded, so one file works over HTTP, from a sub-path and
  // from file:// alike ----
  var base = (document.body && document.body.dataset.root || "") + "search/";
  var cache = {}, waiting = {};
  global.handbookSearchLoaded = function (name, data) {
    cache[name] = data;
    (waiting[name] || []).forEach(function (w) { w[0](data); });
    delete waiting[name];
  };
  function load(name) {
    if (cache[name]) return Promise.resolve(cache[name]);
    return new Promise(function (resolve, reject) {
      if (waiting[name]) { waiting[name].push([resolve, reject]); return; }
      waiting[name] = [[resolve, reject]];
      var s = document.createElement("script");
      s.src = base + name + ".js";
      s.onerror = function () {
        (waiting[name] || []).forEach(function (w) { w[1](new Error("cannot load search/" + name + ".js")); });
        delete waiting[name];
        s.remove();
      };
      document.head.appendChild(s);
    });
  }
  // Postings: one string per term, base-64 digits (see src/search/mod.rs):
  // per document its distance from the previous one (5 bits a digit, the
  // sixth saying more follow), then its score as one digit. Decoded to
  // [doc, score, doc, score, ...] once per term.
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var VALUE = new Int8Array(128).fill(-1);
  for (var di = 0; di < 64; di++) VALUE[DIGITS.charCodeAt(di)] = di;
  function decode(str, out) {
    var doc = 0, n = 0;
    for (var i = 0; i < str.length; i++) {
      var v = VALUE[str.charCodeAt(i)];
      n = n * 32 + (v & 31);
      if (v & 32) continue;
      doc += n; n = 0;
      out.push(doc, VALUE[str.charCodeAt(++i)]);
    }
    return out;
  }
  // A common term's entry is [best postings, documents in all]; the rest of
  // its postings are in t-<hex>.js, loaded only for the complete ranking.
  function tailName(term) { return "t" + shardId(term).slice(1); }
  var decoded = {};
  /** A term's postings (with its tail when loaded) and its document count. */
  function postings(term, entry) {
    var tail = Array.isArray(entry) && cache[tailName(term)];
    var key = (tail ? "+" : "-") + term;
    if (!decoded[key]) {
      var list = decode(Array.isArray(entry) ? entry[0] : entry, []);
      if (tail) decode(tail, list);
      decoded[key] = { list: list, df: Array.isArray(entry) ? entry[1] : list.length / 2 };
    }
    return decoded[key];
  }
  /** Document `d` of a loaded chunk, as {url, title, crumb, kind, text}. */
  function docRow(d) {
    var chunk = cache["d-" + Math.floor(d / meta.chunk)], row = chunk.d[d % meta.chunk], page = chunk.p[row[0]];
    return {
      url: page[0] + (row[1] ? "#" + row[1] : ""),
      // A section reads as "Page › Section": "Impact" alone says nothing.
      title: row[2] ? page[1] + " › " + row[2] : page[1],
      crumb: row[3] ? page[2] + " › " + row[3] : page[2],
      kind: page[3],
      text: row[4]
    };
  }
  var meta = null;
  function loadMeta() { return meta ? Promise.resolve(meta) : load("meta").then(function (m) { meta = m; return m; }); }
  function shardId(prefix) {
    var bytes = new TextEncoder().encode(prefix), s = "s-";
    bytes.forEach(function (b) { s += (b < 16 ? "0" : "") + b.toString(16); });
    return s;
  }
  /** The shard holding term `t`: the longest shard prefix `t` starts with. */
  function homeShard(t) {
    var best = null;
    meta.shards.forEach(function (p) {
      if (t.slice(0, p.length) === p && (best === null || p.length > best.length)) best = p;
    });
    return best;
  }
  /** Whether terms starting with `t` were split into shards of longer prefixes. */
  function splitUnder(t) {
    return meta.shards.some(function (p) { return p.length > t.length && p.slice(0, t.length) === t; });
  }
  /** Load the named shards; resolves to {name: shard}. */
  function loadShards(names) {
    return Promise.all(names.map(load)).then(function (list) {
      var out = {};
      names.forEach(function (n, i) { out[n] = list[i]; });
      return out;
    });
  }

  function editDistanceOne(a, b) {
    if (Math.abs(a.length - b.length) > 1 || a === b) return false;
    var i = 0, j = 0, edits = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { i++; j++; continue; }
      if (++edits > 1) return false;
      if (a.length > b.length) i++; else if (b.length > a.length) j++; else { i++; j++; }
    }
    return edits + (a.length - i) + (b.length - j) <= 1;
  }

  // Words that make a query a question but say nothing about its topic
  // ("how do I cancel a goroutine"). Dropped from a query that has other
  // words; the index keeps them (the shared tokenizer is unchanged).
  var QUESTION = ["how", "do", "does", "did", "can", "could", "should", "would", "what", "why", "when", "where", "which", "who", "i", "we", "you", "my", "our", "me"];

  /** Kind of document `d`, from meta.runs ([first document, kind], ascending). */
  function kindOf(d) {
    var runs = meta.runs, lo = 0, hi = runs.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (runs[mid][0] <= d) lo = mid; else hi = mid - 1;
    }
    return runs.length ? runs[lo][1] : "page";
  }

  /**
   * The `want` best of `docs` that `keep` accepts, by `rank` (higher first,
   * then lower document number). Each document is ranked once and only the
   * best are kept in order: a common word touches most of a large site, and
   * sorting all of those was most of a query's time.
   */
  function topOf(docs, rank, keep, want) {
    var top = [];
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i];
      if (!keep(d)) continue;
      var r = rank(d);
      if (top.length === want) {
        var last = top[want - 1];
        if (r < last[0] || (r === last[0] && d > last[1])) continue;
        top.pop();
      }
      var j = top.length;
      while (j > 0 && (top[j - 1][0] < r || (top[j - 1][0] === r && top[j - 1][1] > d))) j--;
      top.splice(j, 0, [r, d]);
    }
    return top.map(function (x) { return x[1]; });
  }

  /**
   * Run a query: resolves to {results, terms, fuzzy}, results best first,
   * `limit` at most (60 when not given). Without a
   * limit, or when the best postings of the query's common words cannot fill
   * it (a filter on a common word), their other postings are loaded too.
   */
  function search(query, kind, limit, withTails) {
    var tokens = tokenize(query);
    var topical = tokens.filter(function (tk) { return QUESTION.indexOf(tk[0]) < 0; });
    if (topical.length && topical.length < tokens.length) {
      // Keep the word being typed as the last token, if it survived.
      if (topical[topical.length - 1] !== tokens[tokens.length - 1]) query += " ";
      tokens = topical;
    }
    if (!tokens.length) return Promise.resolve({ results: [], terms: [], fuzzy: [] });
    var lastIsPrefix = !/\s$/.test(query);
    // The word being typed matches as a prefix; so does any longer finished
    // word, more weakly ("cancel" finds "cancelled" and "cancellation", which
    // the light stemmer keeps apart).
    var prefixOf = function (term, i) { return (lastIsPrefix && i === tokens.length - 1) || term.length >= 5; };
    // Each word loads the shard that holds it. A word matched as a prefix
    // whose terms were split into deeper shards (a few letters typed on a
    // large site) loads, instead of all of them, the shards of the most
    // frequent terms under it, which its own shard lists under "".
    var loaded = {};
    return loadMeta().then(function () {
      var names = {};
      tokens.forEach(function (tk) { var h = homeShard(tk[0]); if (h !== null) names[shardId(h)] = 1; });
      return loadShards(Object.keys(names));
    }).then(function (first) {
      Object.assign(loaded, first);
      var names = {};
      tokens.forEach(function (tk, i) {
        var t = tk[0];
        if (!prefixOf(t, i) || t.length < 2 || !splitUnder(t)) return;
        var own = loaded[shardId(homeShard(t))];
        ((own && own[""]) || []).forEach(function (c) { var h = homeShard(c); if (h !== null) names[shardId(h)] = 1; });
      });
      return loadShards(Object.keys(names).filter(function (n) { return !loaded[n]; }));
    }).then(function (more) {
      Object.assign(loaded, more);
      // The complete ranking (no limit) also loads the other postings of
      // the query's own common words.
      if (limit && !withTails) return null;
      var names = {};
      tokens.forEach(function (tk) {
        var h = homeShard(tk[0]), sh = h !== null && loaded[shardId(h)];
        if (sh && Array.isArray(sh[tk[0]])) names[tailName(tk[0])] = 1;
      });
      return Promise.all(Object.keys(names).map(load));
    }).then(function () {
      var shards = Object.keys(loaded).map(function (n) { return loaded[n]; });
      // Typed arrays indexed by document: no per-document objects, so common
      // words on large sites stay fast.
      var N = meta.docs;
      var scores = new Float64Array(N), covered = new Float64Array(N), best = new Float64Array(N), lastTok = new Uint16Array(N);
      var touched = [], hitTerms = {}, fuzzy = {}, totalIdf = 0;
      tokens.forEach(function (tk, i) {
        var term = tk[0], tw = tk[1] === 2 ? 1 : 0.6;
        var typing = lastIsPrefix && i === tokens.length - 1;
        var prefix = prefixOf(term, i);
        var candidates = [], seen = {};
        var add = function (t, w) {
          if (seen[t]) return;
          var sh = loaded[shardId(homeShard(t))];
          if (sh && sh[t]) { seen[t] = 1; candidates.push([t, postings(t, sh[t]), w]); }
        };
        add(term, 1);
        if (prefix && term.length >= 2) {
          // The most frequent completions first (large sites), then the
          // loaded shards' other terms under the prefix, 40 at most.
          var own = loaded[shardId(homeShard(term))];
          ((own && own[""]) || []).forEach(function (t) { if (t !== term && t.lastIndexOf(term, 0) === 0) add(t, typing ? 0.7 : 0.5); });
          shards.forEach(function (sh) {
            for (var t in sh) {
              if (candidates.length >= 40) break;
              if (t && t !== term && t.lastIndexOf(term, 0) === 0) add(t, typing ? 0.7 : 0.5);
            }
          });
        }
        if (!candidates.length && term.length >= 5) {
          shards.forEach(function (sh) {
            for (var t in sh) { if (t && editDistanceOne(term, t)) { candidates.push([t, postings(t, sh[t]), 0.5]); fuzzy[t] = 1; } }
          });
        }
        // A query word is worth its rarest form's idf: matching "goroutine"
        // says more than matching "how".
        var idfOf = function (df) { return Math.log(1 + (N - df + 0.5) / (df + 0.5)); };
        var tokIdf = candidates.reduce(function (m, c) { return Math.max(m, idfOf(c[1].df) * c[2]); }, 0) * tw;
        totalIdf += tokIdf || idfOf(0) * tw;
        // A query word scores a document by its best form there (the word
        // itself, a longer word it starts, a near spelling), not by the sum
        // of all of them: "error" is not worth more in a section full of
        // errors.Is, errors.As and errorf.
        var mine = [];
        candidates.forEach(function (c) {
          var list = c[1];
          var w = idfOf(list.df) * tw * c[2] / 28;
          list = list.list;
          hitTerms[c[0]] = 1;
          for (var k = 0; k < list.length; k += 2) {
            var doc = list[k], s = list[k + 1];
            // An exact key (rule id, alert name, score 63) counts as one only
            // when typed in full, not reached by a prefix or a typo.
            var v = s >= 63 && c[2] === 1 ? 1e6 : Math.min(s, 62) * w;
            if (lastTok[doc] !== i + 1) {
              if (lastTok[doc] === 0) touched.push(doc);
              lastTok[doc] = i + 1;
              covered[doc] += tokIdf;
              best[doc] = 0;
              mine.push(doc);
            }
            if (v > best[doc]) best[doc] = v;
          }
        });
        mine.forEach(function (doc) { scores[doc] += best[doc]; });
      });
      // Exact keys (rule ids, alert names) first, then documents covering
      // more of the query (query words weighted by rarity, in tenths), then
      // BM25.
      var rank = function (d) {
        var coverage = Math.round(10 * covered[d] / (totalIdf || 1));
        return (scores[d] >= 1e6 ? 1e12 : 0) + coverage * 1e9 + scores[d];
      };
      // Filter by kind before loading documents: only the chunks of the
      // results shown are fetched.
      var keep = kind && kind !== "all" ? function (d) { return kindOf(d) === kind; } : function () { return true; };
      var top = topOf(touched, rank, keep, limit || 60);
      var tailed = tokens.some(function (tk) {
        var h = homeShard(tk[0]), sh = h !== null && loaded[shardId(h)];
        return sh && Array.isArray(sh[tk[0]]) && !cache[tailName(tk[0])];
      });
      if (tailed && top.length < limit) return search(query, kind, limit, true);
      var scoresOf = scores;
      var chunksNeeded = {};
      top.forEach(function (d) { chunksNeeded["d-" + Math.floor(d / meta.chunk)] = 1; });
      return Promise.all(Object.keys(chunksNeeded).map(load)).then(function () {
        var results = [];
        top.forEach(function (d) {
          var row = docRow(d);
          row.score = scoresOf[d];
          row.coverage = covered[d] / (totalIdf || 1);
          results.push(row);
        });
        return { results: results, terms: Object.keys(hitTerms), fuzzy: Object.keys(fuzzy) };
      });
    });
  }

  // ---- Rendering helpers (all content text is escaped) ----
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  // Highlighting works on whole words: a word (or an identifier such as
  // errors.Is, or one of its dotted parts) is marked when it is a query word,
  // has the same stem, or starts with the last word being typed. Never a
  // piece inside a word: "is" does not light up in "misses", nor "Group" in
  // "WaitGroup".
  function marksFor(query, extra) {
    var raws = (query.match(WORD) || []).map(function (w) { return w.replace(/^[.\-_]+|[.\-_%]+$/g, ""); }).filter(Boolean);
    var prefix = !/\s$/.test(query);
    var marks = [];
    var add = function (w, isPrefix, alone) {
      var lower = w.toLowerCase();
      if (!alone && (lower.length < 2 || STOP.indexOf(lower) >= 0)) return;
      marks.push({ t: lower, stem: stem(lower), prefix: isPrefix && lower.length >= 2 });
    };
    raws.forEach(function (raw, i) {
      var last = prefix && i === raws.length - 1;
      add(raw, last, raws.length === 1);
      var segs = raw.split(/[._-]/).filter(Boolean);
      if (segs.length > 1) segs.forEach(function (s, k) { if (s.length > 2) add(s, last && k === segs.length - 1, false); });
    });
    (extra || []).forEach(function (t) { marks.push({ t: t, stem: t, prefix: false }); });
    return marks;
  }
  /** `prefixes`: whether the word being typed may match as a prefix (not
   *  for a whole dotted identifier: "context" marks the first part of
   *  "context.Background", not all of it). */
  function matches(word, marks, prefixes) {
    var lower = word.toLowerCase(), st = null;
    return marks.some(function (m) {
      if (lower === m.t || (prefixes && m.prefix && lower.lastIndexOf(m.t, 0) === 0)) return true;
      if (st === null) st = stem(lower);
      return st === m.stem;
    });
  }
  /** [start, end) ranges of `text` to mark. */
  function hits(text, marks) {
    var out = [], m;
    if (!marks.length) return out;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) {
      var raw = m[0], at = m.index;
      var lead = raw.match(/^[.\-_]*/)[0].length, trimmed = raw.slice(lead).replace(/[.\-_%]+$/, "");
      if (!trimmed) continue;
      at += lead;
      if (matches(trimmed, marks, !/[._-]/.test(trimmed))) { out.push([at, at + trimmed.length]); continue; }
      var re = /[^._-]+/g, s;
      while ((s = re.exec(trimmed)) !== null) {
        if (s[0].length > 1 && s[0] !== trimmed && matches(s[0], marks, true)) out.push([at + s.index, at + s.index + s[0].length]);
      }
    }
    return out;
  }
  function highlightText(text, marks) {
    var out = "", last = 0;
    hits(text, marks).forEach(function (h) {
      out += esc(text.slice(last, h[0])) + "<mark>" + esc(text.slice(h[0], h[1])) + "</mark>";
      last = h[1];
    });
    return out + esc(text.slice(last));
  }
  /** About 180 characters around the first hit, cut at word boundaries. */
  function snippet(text, marks) {
    var first = hits(text, marks)[0];
    var at = first ? first[0] : 0;
    var start = Math.max(0, at - 60);
    if (start > 0) {
      var space = text.slice(start, at).search(/\s/);
      start = space < 0 ? at : start + space + 1;
    }
    var end = Math.min(text.length, start + 180);
    if (end < text.length) {
      var back = text.slice(start, end).search(/\s\S*$/);
      if (back > 0) end = start + back;
    }
    var s = text.slice(start, end).replace(/…$/, "");
    return (start > 0 ? "…" : "") + highlightText(s, marks) + (end < text.length || /…$/.test(text) ? "…" : "");
  }
  function resultHref(r, query) {
    var root = document.body.dataset.root || "";
    var hash = r.url.indexOf("#"), path = hash < 0 ? r.url : r.url.slice(0, hash), frag = hash < 0 ? "" : r.url.slice(hash);
    return root + path + "?highlight=" + encodeURIComponent(query.trim()) + frag;
  }
  /** One result; `option`: an entry of the header's listbox (else a plain link). */
  function resultHtml(r, query, marks, i, option) {
    var attrs = option ? ' role="option" id="result-' + i + '" aria-selected="false"' : "";
    return '<a class="result"' + attrs + ' href="' + esc(resultHref(r, query)) + '">' +
      '<div class="result-title">' + highlightText(r.title, marks) + "</div>" +
      '<div class="result-crumb">' + esc(r.crumb) + "</div>" +
      (r.text ? '<div class="result-snippet">' + snippet(r.text, marks) + "</div>" : "") + "</a>";
  }

  // ---- Header search box ----
  var input = document.getElementById("search-input");
  var box = document.getElementById("search-results");
  var kind = "all", selected = -1, seq = 0;
  function chipsHtml() {
    // Only the kinds of content this site has (meta.kinds); none: no filters.
    var present = (meta && meta.kinds) || [];
    if (!present.length) return "";
    return '<div class="filters" role="group" aria-label="Filter results">' +
      [["all", "All"], ["standard", "Standards"], ["runbook", "Runbooks"], ["track", "Tracks"]].filter(function (c) {
        return c[0] === "all" || present.indexOf(c[0]) >= 0;
      }).map(function (c) {
        return '<button type="button" class="chip" data-kind="' + c[0] + '" aria-pressed="' + (kind === c[0]) + '">' + c[1] + "</button>";
      }).join("") + "</div>";
  }
  /** Fill the dropdown: filter chips, a status line (plain text), options. */
  function show(chips, message, options) {
    box.querySelector(".search-filters").innerHTML = chips;
    var status = box.querySelector(".result-empty");
    status.textContent = message;
    status.hidden = !message;
    box.querySelector("[role=listbox]").innerHTML = options;
    input.removeAttribute("aria-activedescendant");
    box.hidden = false;
  }
  function select(i) {
    var items = box.querySelectorAll(".result");
    if (!items.length) return;
    selected = (i + items.length) % items.length;
    items.forEach(function (el, k) { el.setAttribute("aria-selected", String(k === selected)); });
    items[selected].scrollIntoView({ block: "nearest" });
    input.setAttribute("aria-activedescendant", items[selected].id);
  }
  function run() {
    var q = input.value, my = ++seq;
    if (!q.trim()) { box.hidden = true; return; }
    search(q, kind, 10).then(function (res) {
      if (my !== seq) return;
      selected = -1;
      var list = res.results;
      var marks = marksFor(q, res.fuzzy);
      show(chipsHtml(), list.length ? "" : "No results for “" + q + "”",
        list.map(function (r, i) { return resultHtml(r, q, marks, i, true); }).join(""));
      if (list.length) select(0);
    }).catch(function (e) {
      show("", "Search is unavailable: " + e.message, "");
    });
  }
  if (input && box) {
    input.addEventListener("focus", function () { loadMeta().catch(function () {}); if (input.value) run(); });
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); select(selected + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); select(selected - 1); }
      else if (e.key === "Enter") {
        var items = box.querySelectorAll(".result");
        if (!box.hidden && items.length && selected >= 0) { e.preventDefault(); location.href = items[selected].href; }
      } else if (e.key === "Escape") { box.hidden = true; input.blur(); }
    });
    box.addEventListener("mousedown", function (e) {
      var chip = e.target.closest(".chip");
      if (chip) { e.preventDefault(); kind = chip.dataset.kind; run(); }
    });
    document.addEventListener("click", function (e) { if (!e.target.closest(".search")) box.hidden = true; });
    document.addEventListener("keydown", function (e) {
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName) || document.activeElement.isContentEditable;
      if (((e.key === "/" || e.key === "s") && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) || (e.key.toLowerCase() === "k" && (e.ctrlKey || e.metaKey))) {
        e.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  // ---- search.html?q= full results page ----
  var pageInput = document.getElementById("search-page-input");
  if (pageInput) {
    var params = new URLSearchParams(location.search);
    var list = document.getElementById("search-page-results");
    var status = document.getElementById("search-page-status");
    var pageChips = document.querySelectorAll(".search-page .chip");
    // The query and the type filter live in the URL (?q=…&type=runbook), so
    // a filtered search can be shared and survives a reload.
    var pageKind = params.get("type") || "all";
    if (!Array.prototype.some.call(pageChips, function (c) { return c.dataset.kind === pageKind; })) pageKind = "all";
    var pressChips = function () {
      pageChips.forEach(function (c) { c.setAttribute("aria-pressed", String(c.dataset.kind === pageKind)); });
    };
    var remember = function () {
      var p = new URLSearchParams();
      if (pageInput.value) p.set("q", pageInput.value);
      if (pageKind !== "all") p.set("type", pageKind);
      var qs = p.toString();
      history.replaceState(null, "", location.pathname + (qs ? "?" + qs : "") + location.hash);
    };
    var pageSeq = 0;
    var runPage = function () {
      var q = pageInput.value, my = ++pageSeq;
      remember();
      if (!q.trim()) { list.innerHTML = ""; status.textContent = ""; return; }
      search(q + " ", pageKind).then(function (res) {
        if (my !== pageSeq) return;
        var marks = marksFor(q + " ", res.fuzzy);
        status.textContent = res.results.length + " result" + (res.results.length === 1 ? "" : "s") + " for “" + q + "”";
        list.innerHTML = res.results.map(function (r, i) { return "<li>" + resultHtml(r, q, marks, i, false) + "</li>"; }).join("");
      });
    };
    pageInput.value = params.get("q") || "";
    pageInput.addEventListener("input", runPage);
    pageChips.forEach(function (chip) {
      chip.addEventListener("click", function () {
        pageKind = chip.dataset.kind;
        pressChips();
        runPage();
      });
    });
    pressChips();
    runPage();
  }

  // ---- ?highlight= marks the searched terms on the landing page ----
  var hl = new URLSearchParams(location.search).get("highlight");
  var prose = document.querySelector(".prose");
  if (hl && prose) {
    var hlMarks = marksFor(hl + " ");
    var walker = document.createTreeWalker(prose, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) { if (hits(walker.currentNode.nodeValue, hlMarks).length) nodes.push(walker.currentNode); }
    nodes.slice(0, 200).forEach(function (node) {
      var span = document.createElement("span");
      span.innerHTML = highlightText(node.nodeValue, hlMarks);
      span.querySelectorAll("mark").forEach(function (m) { m.className = "search-hit"; });
      node.parentNode.replaceChild(span, node);
    });
  }

  function highlightFor(text, query) { return highlightText(text, marksFor(query)); }
  function snippetFor(text, query) { return snippet(text, marksFor(query)); }
  global.handbookSearch = { tokenize: tokenize, search: search, highlight: highlightFor, snippet: snippetFor };
})(typeof window !== "undefined" ? window : globalThis);
