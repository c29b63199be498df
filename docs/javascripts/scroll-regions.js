// A table or a displayed formula wider than the page scrolls sideways; keyboard users must
// be able to reach it to scroll it (WCAG 2.1.1, axe's scrollable-region-focusable). Those
// that do scroll become focusable regions, named for what they hold. Runs after KaTeX
// (docs/javascripts/katex.js subscribes first), so formulas have their final width.
document$.subscribe(({ body }) => {
  const kinds = [
    [".md-typeset__scrollwrap", "Table, scrolls sideways"],
    [".katex-display", "Formula, scrolls sideways"],
  ];
  for (const [selector, label] of kinds) {
    for (const node of body.querySelectorAll(selector)) {
      if (node.scrollWidth > node.clientWidth + 1) {
        node.tabIndex = 0;
        node.setAttribute("role", "region");
        node.setAttribute("aria-label", label);
      }
    }
  }
});
