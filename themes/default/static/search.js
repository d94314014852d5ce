// handbook search: loads the sharded index lazily and ranks with BM25.
// The tokenizer mirrors src/search/tokenize.rs; both are tested against
// tests/search/vectors.json, so change them together.
(function (global) {
  "use strict";

  var STOP = ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or", "that", "the", "this", "to", "was", "with"];
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
    if (typeof module !== "undefined") module.exports = { tokenize: tokenize, stem: stem };
    return;
  }

  // ---- Index loading: fetch over HTTP, <script> from file:// ----
  var base = (document.body && document.body.dataset.root || "") + "search/";
  var cache = {}, waiting = {};
  global.handbookSearchLoaded = function (name, data) {
    cache[name] = data;
    (waiting[name] || []).forEach(function (cb) { cb(data); });
    delete waiting[name];
  };
  function load(name) {
    if (cache[name]) return Promise.resolve(cache[name]);
    return new Promise(function (resolve, reject) {
      if (waiting[name]) { waiting[name].push(resolve); return; }
      waiting[name] = [resolve];
      if (location.protocol === "file:") {
        var s = document.createElement("script");
        s.src = base + name + ".js";
        s.onerror = function () { reject(new Error("cannot load " + name)); };
        document.head.appendChild(s);
      } else {
        fetch(base + name + ".json").then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status + " for " + name);
          return r.json();
        }).then(function (d) { global.handbookSearchLoaded(name, d); }, reject);
      }
    });
  }
  var meta = null;
  function loadMeta() { return meta ? Promise.resolve(meta) : load("meta").then(function (m) { meta = m; return m; }); }
  function shardId(prefix) {
    var bytes = new TextEncoder().encode(prefix), s = "s-";
    bytes.forEach(function (b) { s += (b < 16 ? "0" : "") + b.toString(16); });
    return s;
  }
  /** Shards that may hold terms starting with `t` (or equal to it). */
  function shardsFor(t, prefixOnly) {
    return meta.shards.filter(function (p) {
      return (t.slice(0, p.length) === p) || (prefixOnly && p.slice(0, t.length) === t);
    }).filter(function (p, _, all) {
      // Prefer the longest shard prefix that contains the whole term.
      return prefixOnly || !all.some(function (q) { return q.length > p.length && t.slice(0, q.length) === q; }) || t.length <= p.length;
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

  /** Run a query. Returns [{doc, score, terms}] best first. */
  function search(query, kind) {
    var tokens = tokenize(query);
    if (!tokens.length) return Promise.resolve({ results: [], terms: [] });
    var lastIsPrefix = !/\s$/.test(query);
    return loadMeta().then(function () {
      var wanted = {};
      tokens.forEach(function (tk, i) {
        shardsFor(tk[0], lastIsPrefix && i === tokens.length - 1).forEach(function (p) { wanted[shardId(p)] = 1; });
      });
      return Promise.all(Object.keys(wanted).map(load));
    }).then(function (shards) {
      // Typed arrays indexed by document: no per-document objects, so common
      // words on large sites stay fast.
      var N = meta.docs;
      var scores = new Float64Array(N), counts = new Uint8Array(N), lastTok = new Uint16Array(N);
      var touched = [], hitTerms = {};
      tokens.forEach(function (tk, i) {
        var term = tk[0], tw = tk[1] === 2 ? 1 : 0.6;
        var prefix = lastIsPrefix && i === tokens.length - 1;
        var candidates = [];
        shards.forEach(function (sh) {
          if (sh[term]) candidates.push([term, sh[term], 1]);
          if (prefix && term.length >= 2) {
            for (var t in sh) {
              if (candidates.length >= 40) break;
              if (t !== term && t.lastIndexOf(term, 0) === 0) candidates.push([t, sh[t], 0.7]);
            }
          }
        });
        if (!candidates.length && term.length >= 5) {
          shards.forEach(function (sh) {
            for (var t in sh) { if (editDistanceOne(term, t)) candidates.push([t, sh[t], 0.5]); }
          });
        }
        candidates.forEach(function (c) {
          var list = c[1], df = list.length / 2;
          var idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
          var w = idf * tw * c[2] / 40;
          hitTerms[c[0]] = 1;
          for (var k = 0, doc = 0; k < list.length; k += 2) {
            doc += list[k];
            var s = list[k + 1];
            if (counts[doc] === 0 && scores[doc] === 0) touched.push(doc);
            scores[doc] += s >= 1000 ? 1e6 : s * w;
            if (lastTok[doc] !== i + 1) { lastTok[doc] = i + 1; counts[doc]++; }
          }
        });
      });
      // Exact keys (rule ids, alert names) first, then documents matching
      // more query words, then BM25.
      var rank = function (d) { return (scores[d] >= 1e6 ? 1e12 : 0) + counts[d] * 1e9 + scores[d]; };
      touched.sort(function (a, b) { return rank(b) - rank(a) || a - b; });
      var ids = touched;
      var scoresOf = scores;
      var chunksNeeded = {};
      var top = ids.slice(0, 60);
      top.forEach(function (d) { chunksNeeded["d-" + Math.floor(d / meta.chunk)] = 1; });
      return Promise.all(Object.keys(chunksNeeded).map(load)).then(function () {
        var results = [];
        top.forEach(function (d) {
          var row = cache["d-" + Math.floor(d / meta.chunk)][d % meta.chunk];
          if (kind && kind !== "all" && row[3] !== kind) return;
          results.push({ url: row[0], title: row[1], crumb: row[2], kind: row[3], text: row[4], score: scoresOf[d] });
        });
        return { results: results, terms: Object.keys(hitTerms) };
      });
    });
  }

  // ---- Rendering helpers (all content text is escaped) ----
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function highlightText(text, terms) {
    var words = terms.map(function (t) { return t.split(/[._-]/); }).reduce(function (a, b) { return a.concat(b); }, [])
      .filter(function (t) { return t.length > 1; })
      .map(function (t) { return t.replace(/[.*+?^${}()|[\]\\%]/g, "\\$&"); });
    if (!words.length) return esc(text);
    var re = new RegExp("(" + words.join("|") + ")", "ig");
    var out = "", last = 0, m;
    while ((m = re.exec(text)) !== null) {
      out += esc(text.slice(last, m.index)) + "<mark>" + esc(m[0]) + "</mark>";
      last = m.index + m[0].length;
      if (m[0].length === 0) re.lastIndex++;
    }
    return out + esc(text.slice(last));
  }
  function snippet(text, terms) {
    var lower = text.toLowerCase(), at = -1;
    terms.some(function (t) { at = lower.indexOf(t.split(/[._-]/)[0]); return at >= 0; });
    var start = Math.max(0, at - 60);
    var s = (start > 0 ? "…" : "") + text.slice(start, start + 180);
    return highlightText(s, terms);
  }
  function resultHref(r, query) {
    var root = document.body.dataset.root || "";
    var hash = r.url.indexOf("#"), path = hash < 0 ? r.url : r.url.slice(0, hash), frag = hash < 0 ? "" : r.url.slice(hash);
    return root + path + "?highlight=" + encodeURIComponent(query.trim()) + frag;
  }
  function resultHtml(r, query, terms, i) {
    return '<a class="result" role="option" id="result-' + i + '" aria-selected="false" href="' + esc(resultHref(r, query)) + '">' +
      '<div class="result-title">' + highlightText(r.title, terms) + "</div>" +
      '<div class="result-crumb">' + esc(r.crumb) + "</div>" +
      (r.text ? '<div class="result-snippet">' + snippet(r.text, terms) + "</div>" : "") + "</a>";
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
    search(q, kind).then(function (res) {
      if (my !== seq) return;
      selected = -1;
      var list = res.results.slice(0, 10);
      box.innerHTML = chipsHtml() + (list.length ? list.map(function (r, i) { return resultHtml(r, q, res.terms, i); }).join("")
        : '<div class="result-empty">No results for “' + esc(q) + '”</div>');
      box.hidden = false;
      if (list.length) select(0);
    }).catch(function (e) {
      box.innerHTML = '<div class="result-empty">Search is unavailable: ' + esc(e.message) + "</div>";
      box.hidden = false;
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
    var pageKind = "all";
    var runPage = function () {
      var q = pageInput.value;
      if (!q.trim()) { list.innerHTML = ""; status.textContent = ""; return; }
      search(q + " ", pageKind).then(function (res) {
        status.textContent = res.results.length + " result" + (res.results.length === 1 ? "" : "s") + " for “" + q + "”";
        list.innerHTML = res.results.map(function (r, i) { return "<li>" + resultHtml(r, q, res.terms, i) + "</li>"; }).join("");
      });
    };
    pageInput.value = params.get("q") || "";
    pageInput.addEventListener("input", runPage);
    document.querySelectorAll(".search-page .chip").forEach(function (chip) {
      chip.addEventListener("click", function () {
        pageKind = chip.dataset.kind;
        document.querySelectorAll(".search-page .chip").forEach(function (c) { c.setAttribute("aria-pressed", String(c === chip)); });
        runPage();
      });
    });
    runPage();
  }

  // ---- ?highlight= marks the searched terms on the landing page ----
  var hl = new URLSearchParams(location.search).get("highlight");
  var prose = document.querySelector(".prose");
  if (hl && prose) {
    var words = tokenize(hl).map(function (t) { return t[0]; }).filter(function (t) { return t.length > 1; });
    var re = words.length ? new RegExp("(" + words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\%]/g, "\\$&"); }).join("|") + ")", "ig") : null;
    var walker = document.createTreeWalker(prose, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (re && walker.nextNode()) { if (re.test(walker.currentNode.nodeValue)) nodes.push(walker.currentNode); re.lastIndex = 0; }
    nodes.slice(0, 200).forEach(function (node) {
      var span = document.createElement("span");
      span.innerHTML = highlightText(node.nodeValue, words);
      span.querySelectorAll("mark").forEach(function (m) { m.className = "search-hit"; });
      node.parentNode.replaceChild(span, node);
    });
  }

  global.handbookSearch = { tokenize: tokenize, search: search };
})(typeof window !== "undefined" ? window : globalThis);
