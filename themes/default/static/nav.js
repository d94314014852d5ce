// The navigation, rendered once for the whole site: the line handbook puts
// above this one holds the tree (links relative to the site root). Each page
// loads this file (cached after the first page) right after its sidebar, and
// it replaces the page's top-level links with the tree, relative to the page,
// the current page marked and the sections above it opened.
(function () {
  var box = document.getElementById("nav-tree");
  if (!box || typeof handbookNavHtml !== "string") return;
  var root = document.body.getAttribute("data-root") || "";
  var here = root + (document.body.getAttribute("data-page") || "");
  // Site paths are relative to the root; external links (MkDocs nav) stay as they are.
  box.innerHTML = handbookNavHtml.replace(/href="(?!https?:|\/\/)/g, 'href="' + root);
  var links = box.getElementsByTagName("a");
  for (var i = 0; i < links.length; i++) {
    if (links[i].getAttribute("href") !== here) continue;
    links[i].setAttribute("aria-current", "page");
    for (var li = links[i].parentNode; li && li !== box; li = li.parentNode) {
      if (li.classList && li.classList.contains("section")) li.classList.add("open");
    }
    break;
  }
})();
