// A table, displayed formula or code cell wider than the page scrolls sideways; keyboard
// users must be able to reach it to scroll it (WCAG 2.1.1, axe's
// scrollable-region-focusable). Those that do scroll become focusable regions, named for
// what they hold. Checked once the page is typeset and again once the fonts have loaded,
// since KaTeX's fonts widen formulas when they arrive.
const scrollRegions = [
  [".md-typeset__scrollwrap", "Table, scrolls sideways"],
  [".katex-display, div.arithmatex", "Formula, scrolls sideways"],
  ["pre > code", "Code, scrolls sideways"],
];

function markScrollRegions(body) {
  for (const [selector, label] of scrollRegions) {
    for (const node of body.querySelectorAll(selector)) {
      if (node.scrollWidth > node.clientWidth + 1 && node.tabIndex < 0) {
        node.tabIndex = 0;
        if (!node.hasAttribute("role")) node.setAttribute("role", "region");
        if (!node.hasAttribute("aria-label")) node.setAttribute("aria-label", label);
      }
    }
  }
}

document$.subscribe(({ body }) => {
  markScrollRegions(body);
  document.fonts.ready.then(() => markScrollRegions(body));
});
