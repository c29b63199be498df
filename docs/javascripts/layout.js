// Reading and printing, not content:
// - Printing from the browser opens every worked solution (the print page has them open
//   already, docs/hooks/print_page.py), and afterwards closes the ones that were closed.
// - mkdocs-material's "Back to top" pill, which drops in below the header when the reader
//   scrolls up, stays away while it would sit over an interactive widget (the Sandpit, the
//   Taylor explorer), whose controls are at its top.
(() => {
  "use strict";

  let opened = [];
  window.addEventListener("beforeprint", () => {
    opened = [...document.querySelectorAll("details:not([open])")];
    for (const details of opened) details.open = true;
  });
  window.addEventListener("afterprint", () => {
    for (const details of opened) details.open = false;
    opened = [];
  });

  const WIDGETS = ".sandpit, .taylor-explorer";
  const MARGIN = 8; // px kept clear around the pill
  let pending = false;

  function placePill() {
    pending = false;
    const top = document.querySelector(".md-top");
    if (!top) return;
    const pill = top.getBoundingClientRect();
    const covers = [...document.querySelectorAll(WIDGETS)].some((widget) => {
      const box = widget.getBoundingClientRect();
      return box.top < pill.bottom + MARGIN && box.bottom > pill.top - MARGIN;
    });
    document.body.classList.toggle("mvc-pill-away", covers);
  }

  const schedule = () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(placePill);
    }
  };
  window.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule);
  if (typeof document$ !== "undefined") document$.subscribe(schedule);
})();
