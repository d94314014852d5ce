// Injected by `handbook serve` only (never into `build` output): long-polls
// the server on the same port and reloads when a new version is fully built.
(function () {
  var me = document.querySelector("script[data-handbook-live]");
  var url = me.getAttribute("data-poll");
  var version = 0, delay = 500;
  function swapCss() {
    document.querySelectorAll("link[rel=stylesheet]").forEach(function (l) {
      var u = new URL(l.href);
      u.searchParams.set("live", String(Date.now()));
      var copy = l.cloneNode();
      copy.href = u.toString();
      copy.onload = function () { l.remove(); };
      l.after(copy);
    });
  }
  function poll() {
    fetch(url + "?v=" + version, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      delay = 500;
      if (version && s.version !== version) {
        if (s.cssOnly) swapCss(); else { location.reload(); return; }
      }
      version = s.version;
      poll();
    }).catch(function () {
      // Server restarting or gone: retry with backoff, bounded at 5 s.
      setTimeout(poll, delay);
      delay = Math.min(delay * 2, 5000);
    });
  }
  poll();
})();
