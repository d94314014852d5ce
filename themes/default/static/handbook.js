// handbook default theme behaviour: theme toggle, navigation drawer, copy
// buttons, task lists and track progress kept in this browser only.
(function () {
  "use strict";
  var doc = document.documentElement;
  var store = {
    get: function (k) { try { return JSON.parse(localStorage.getItem(k)); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, JSON.stringify(v)); } catch (e) { /* private mode */ } }
  };

  // Theme: explicit choice remembered; otherwise the system preference.
  // (The toggle shows a sun while dark, a moon while light: see style.css.)
  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var dark = doc.dataset.theme ? doc.dataset.theme === "dark"
        : window.matchMedia("(prefers-color-scheme: dark)").matches;
      var next = dark ? "light" : "dark";
      doc.dataset.theme = next;
      try { localStorage.setItem("handbook-theme", next); } catch (e) { /* ignore */ }
    });
  }

  // Navigation drawer on narrow screens.
  var navToggle = document.querySelector(".nav-toggle");
  if (navToggle) {
    navToggle.addEventListener("click", function () {
      var open = document.body.classList.toggle("nav-open");
      navToggle.setAttribute("aria-expanded", String(open));
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && document.body.classList.contains("nav-open")) {
        document.body.classList.remove("nav-open");
        navToggle.setAttribute("aria-expanded", "false");
        navToggle.focus();
      }
    });
  }

  // Copy buttons: each copies only its own block (one side of a Don't/Do pair).
  document.querySelectorAll("pre.code").forEach(function (pre) {
    var wrap = document.createElement("div");
    wrap.className = "code-wrap";
    pre.parentNode.insertBefore(wrap, pre);
    wrap.appendChild(pre);
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "copy";
    btn.textContent = "Copy";
    btn.setAttribute("aria-label", "Copy code to clipboard");
    btn.addEventListener("click", function () {
      // A terminal session copies only its commands, never prompts or output.
      var cmds = pre.querySelectorAll(".cmd");
      var text = cmds.length
        ? Array.prototype.map.call(cmds, function (c) { return c.textContent; }).join("\n")
        : pre.querySelector("code").innerText.replace(/\n$/, "");
      var done = function () {
        btn.textContent = "Copied";
        btn.classList.add("copied");
        setTimeout(function () { btn.textContent = "Copy"; btn.classList.remove("copied"); }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
      } else { fallbackCopy(text); done(); }
    });
    // In a Don't/Do pair the button sits in the caption, clear of the code.
    var caption = wrap.parentNode && wrap.parentNode.querySelector(":scope > figcaption");
    if (caption) {
      btn.classList.add("copy-in-caption");
      caption.appendChild(btn);
    } else {
      wrap.appendChild(btn);
    }
  });
  // On a phone the runbook facts start folded (the steps come first) and
  // the "On this page" list folds again once a heading is chosen.
  if (window.matchMedia("(max-width: 860px)").matches) {
    document.querySelectorAll("details.runbook-card").forEach(function (d) { d.open = false; });
  }
  document.querySelectorAll(".toc-mobile a").forEach(function (a) {
    a.addEventListener("click", function () { a.closest("details").open = false; });
  });

  // Don't/Do pairs sit side by side only when both sides fit whole; else
  // they stack, each side the full width of the column (80 columns of Go fit
  // on a laptop). Code that still overflows (a phone) scrolls and, so that a
  // keyboard can scroll it, becomes a focusable region.
  var pairs = document.querySelectorAll(".pair");
  function fits(el) { return el.scrollWidth <= el.clientWidth + 1; }
  function layout() {
    pairs.forEach(function (pair) {
      pair.classList.add("pair-side");
      var all = pair.querySelectorAll("pre.code");
      if (!Array.prototype.every.call(all, fits)) pair.classList.remove("pair-side");
    });
    document.querySelectorAll("pre.code, .table-wrap, .diagram").forEach(function (el) {
      if (fits(el)) {
        if (el.dataset.scrolls) { el.removeAttribute("tabindex"); el.removeAttribute("role"); el.removeAttribute("aria-label"); delete el.dataset.scrolls; }
      } else if (!el.dataset.scrolls) {
        el.dataset.scrolls = "1";
        el.tabIndex = 0;
        el.setAttribute("role", "region");
        el.setAttribute("aria-label", el.matches("pre") ? "Code (scrolls sideways)" : "Scrolls sideways");
      }
    });
  }
  layout();
  var resizeTimer = 0;
  window.addEventListener("resize", function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(layout, 100); });

  function fallbackCopy(text) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.style.position = "fixed";
    ta.style.opacity = "0";
    document.body.appendChild(ta);
    ta.select();
    try { document.execCommand("copy"); } catch (e) { /* ignore */ }
    document.body.removeChild(ta);
  }

  // Task lists: checkboxes persist per page (keyed by the page's stable path).
  var page = document.body.dataset.page || location.pathname;
  var tasksKey = "handbook:tasks:" + page;
  var checked = store.get(tasksKey) || {};
  var boxes = document.querySelectorAll("input.task");
  // "n of m done" above the first checklist, kept current.
  var tally = null;
  if (boxes.length) {
    tally = document.createElement("p");
    tally.className = "task-tally";
    tally.setAttribute("aria-live", "polite");
    var list = boxes[0].closest("ul, ol");
    if (list) list.parentNode.insertBefore(tally, list);
  }
  function count() {
    if (!tally) return;
    var done = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
    tally.textContent = done + " of " + boxes.length + " done";
  }
  boxes.forEach(function (box, n) {
    var id = box.dataset.task;
    // A checkbox a reader can name: the text of its list item.
    var item = box.closest("li");
    if (item && !box.getAttribute("aria-label")) box.setAttribute("aria-label", item.textContent.trim().slice(0, 120) || "Task " + (n + 1));
    if (Object.prototype.hasOwnProperty.call(checked, id)) box.checked = !!checked[id];
    box.addEventListener("change", function () {
      checked[id] = box.checked;
      store.set(tasksKey, checked);
      count();
    });
  });
  count();

  // ← and → go to the previous and next page (mdBook's keys).
  document.addEventListener("keydown", function (e) {
    var el = document.activeElement;
    var typing = (el.tagName === "INPUT" && !/^(checkbox|button|submit)$/.test(el.type)) || /^(TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable;
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || typing) return;
    var link = e.key === "ArrowLeft" ? document.querySelector("a[rel=prev]") : e.key === "ArrowRight" ? document.querySelector("a[rel=next]") : null;
    if (link) { e.preventDefault(); location.href = link.href; }
  });

  // Track modules: "Mark module complete", and progress on overviews.
  var doneKey = function (key) { return "handbook:done:" + key; };
  document.querySelectorAll(".module-complete").forEach(function (btn) {
    var key = btn.dataset.key;
    var render = function () {
      var done = !!store.get(doneKey(key));
      btn.setAttribute("aria-pressed", String(done));
      btn.textContent = done ? "Module complete" : "Mark module complete";
    };
    btn.addEventListener("click", function () {
      store.set(doneKey(key), !store.get(doneKey(key)));
      render();
    });
    render();
  });
  document.querySelectorAll(".module-list li[data-key]").forEach(function (li) {
    if (store.get(doneKey(li.dataset.key))) {
      li.classList.add("done");
      var label = li.querySelector(".done-label");
      if (label) label.textContent = " (complete)";
    }
  });
  document.querySelectorAll(".progress[data-modules]").forEach(function (el) {
    var keys = el.dataset.modules.split(" ").filter(Boolean);
    var done = keys.filter(function (k) { return store.get(doneKey(k)); }).length;
    var pct = keys.length ? Math.round(100 * done / keys.length) : 0;
    el.querySelector(".progress-bar span").style.width = pct + "%";
    el.querySelector(".progress-label").textContent = done + " of " + keys.length + " modules complete";
  });

  // Rules index: filter by level.
  var chips = document.querySelectorAll(".rules-index .chip[data-level]");
  chips.forEach(function (chip) {
    chip.addEventListener("click", function () {
      var level = chip.dataset.level;
      chips.forEach(function (c) { c.setAttribute("aria-pressed", String(c === chip)); });
      document.querySelectorAll(".rule-table tr[data-level]").forEach(function (tr) {
        tr.hidden = level !== "all" && tr.dataset.level !== level;
      });
      document.querySelectorAll(".rule-group").forEach(function (g) {
        g.hidden = !g.querySelector("tr[data-level]:not([hidden])");
      });
    });
  });

  // Table of contents: mark the section being read.
  var tocLinks = document.querySelectorAll(".toc a[href^='#']");
  if (tocLinks.length && "IntersectionObserver" in window) {
    var byId = {};
    tocLinks.forEach(function (a) { byId[decodeURIComponent(a.getAttribute("href").slice(1))] = a; });
    var obs = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting && byId[e.target.id]) {
          tocLinks.forEach(function (a) { a.classList.remove("active"); });
          byId[e.target.id].classList.add("active");
        }
      });
    }, { rootMargin: "0px 0px -70% 0px" });
    Object.keys(byId).forEach(function (id) { var h = document.getElementById(id); if (h) obs.observe(h); });
  }

  // Tab sets (MkDocs `=== "Label"`): without JavaScript every block shows
  // under its label; with it, a WAI-ARIA tab list. Tabs with the same label
  // switch together across the page, and the choice is remembered.
  var sets = document.querySelectorAll("[data-tabbed]");
  function chooseLabel(label, focus) {
    sets.forEach(function (set) { if (set.handbookSelect) set.handbookSelect(label, focus === set); });
  }
  sets.forEach(function (set, n) {
    var blocks = Array.prototype.filter.call(set.children, function (c) { return c.classList.contains("tabbed-block"); });
    if (!blocks.length) return;
    var list = document.createElement("div");
    list.className = "tabbed-tabs";
    list.setAttribute("role", "tablist");
    var buttons = blocks.map(function (b, i) {
      var label = b.getAttribute("data-label") || String(i + 1);
      var id = "tab-" + n + "-" + i;
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "tabbed-tab";
      btn.id = id;
      btn.setAttribute("role", "tab");
      btn.textContent = label;
      b.setAttribute("role", "tabpanel");
      b.setAttribute("aria-labelledby", id);
      b.id = id + "-panel";
      btn.setAttribute("aria-controls", b.id);
      btn.addEventListener("click", function () { store.set("handbook-tab", label); chooseLabel(label, set); });
      btn.addEventListener("keydown", function (e) {
        var k = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
        if (!k) return;
        e.preventDefault();
        var next = buttons[(i + k + buttons.length) % buttons.length];
        next.click();
        next.focus();
      });
      list.appendChild(btn);
      return btn;
    });
    set.insertBefore(list, set.firstChild);
    set.classList.add("tabbed-ready");
    set.handbookSelect = function (label, focused) {
      var at = blocks.findIndex(function (b) { return b.getAttribute("data-label") === label; });
      if (at < 0) { if (focused) at = 0; else return; }
      blocks.forEach(function (b, i) {
        b.hidden = i !== at;
        buttons[i].setAttribute("aria-selected", String(i === at));
        buttons[i].tabIndex = i === at ? 0 : -1;
      });
    };
    var first = blocks.findIndex(function (b) { return b.hasAttribute("data-selected"); });
    set.handbookSelect(blocks[first < 0 ? 0 : first].getAttribute("data-label"), true);
  });
  var remembered = store.get("handbook-tab");
  if (remembered) chooseLabel(remembered, null);

  // Tables a reader can filter (input.table-filter[data-filter=<selector>])
  // and sort (table[data-sortable]: click or Enter on a header).
  document.querySelectorAll("input.table-filter[data-filter]").forEach(function (input) {
    var tables = document.querySelectorAll(input.getAttribute("data-filter"));
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      tables.forEach(function (table) {
        table.querySelectorAll("tbody tr").forEach(function (tr) {
          tr.hidden = q !== "" && tr.textContent.toLowerCase().indexOf(q) < 0;
        });
      });
    });
  });
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, col) {
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        Array.prototype.slice.call(body.rows).sort(function (a, b) {
          var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
          return (asc ? 1 : -1) * x.localeCompare(y, undefined, { numeric: true });
        }).forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  });
})();
