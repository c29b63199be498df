// A table wider than the page scrolls sideways inside its wrapper; keyboard users must
// be able to reach it to scroll it (WCAG 2.1.1, axe's scrollable-region-focusable).
// Wrappers that do scroll become focusable regions, named for what they hold.
document$.subscribe(() => {
  for (const wrap of document.querySelectorAll(".md-typeset__scrollwrap")) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", "Table, scrolls sideways");
    }
  }
});
