// Reading and printing, not content:
// - Printing from the browser opens every worked solution (the print page has them open
//   already, docs/hooks/print_page.py), and afterwards closes the ones that were closed.
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
})();
