// Draws a page's ```mermaid diagrams. Loaded only on pages that have one; it
// loads the vendored Mermaid bundle (data-mermaid) and replaces each source
// block with the drawing, in the reader's theme, redrawn when the theme
// changes. A diagram Mermaid cannot parse shows Mermaid's message in place,
// above its source.
(function () {
  "use strict";
  var me = document.currentScript;
  var figures = document.querySelectorAll("figure[data-diagram=mermaid]");
  if (!figures.length || !me) return;
  var counter = 0;

  function dark() {
    var t = document.documentElement.dataset.theme;
    return t ? t === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  function place(fig, cls, make) {
    var el = fig.querySelector("." + cls);
    if (!el) {
      el = make();
      el.className = cls;
      fig.insertBefore(el, fig.firstChild);
    }
    return el;
  }

  function drawAll() {
    var mermaid = window.mermaid;
    // Mermaid's dark theme puts #ccc edge labels on #585858 (4.1:1); a darker
    // label background reads at WCAG AA.
    var vars = dark() ? { edgeLabelBackground: "#2f343b" } : {};
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: dark() ? "dark" : "default", themeVariables: vars });
    figures.forEach(function (fig) {
      var source = fig.querySelector(".diagram-source").textContent;
      var id = "handbook-diagram-" + (counter++);
      mermaid.render(id, source).then(function (result) {
        var box = place(fig, "diagram-svg", function () { return document.createElement("div"); });
        box.innerHTML = result.svg;
        var err = fig.querySelector(".diagram-error");
        if (err) err.remove();
        fig.classList.remove("diagram-failed");
        fig.classList.add("diagram-drawn");
      }).catch(function (e) {
        var box = fig.querySelector(".diagram-svg");
        if (box) box.remove();
        var err = place(fig, "diagram-error", function () {
          var p = document.createElement("p");
          p.setAttribute("role", "alert");
          return p;
        });
        err.textContent = "This diagram could not be drawn: " + String((e && e.message) || e);
        fig.classList.remove("diagram-drawn");
        fig.classList.add("diagram-failed");
        // Mermaid leaves its own error drawing in the body on failure.
        var stray = document.getElementById("d" + id);
        if (stray) stray.remove();
      });
    });
  }

  var script = document.createElement("script");
  script.src = me.getAttribute("data-mermaid");
  script.onload = drawAll;
  document.head.appendChild(script);
  // Follow the theme: the toggle sets data-theme, the system setting can change.
  new MutationObserver(function () { if (window.mermaid) drawAll(); })
    .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () {
    if (window.mermaid && !document.documentElement.dataset.theme) drawAll();
  });
})();
