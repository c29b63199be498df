// Typeset every formula with KaTeX, served by the site itself.
// Runs on each page load, including mkdocs-material's instant navigation
// (document$), and over the whole body so that notebook pages, whose math
// arrives as raw $...$, are rendered too. Code and pre blocks are skipped.
const katexOptions = {
  delimiters: [
    { left: "$$", right: "$$", display: true },
    { left: "$", right: "$", display: false },
    { left: "\\(", right: "\\)", display: false },
    { left: "\\[", right: "\\]", display: true },
  ],
  output: "htmlAndMathml",
  throwOnError: false,
};

document$.subscribe(({ body }) => {
  renderMathInElement(body, katexOptions);
  body.dataset.mathTypeset = "";  // tells the browser tests the page is ready
});

// Search previews quote the page's source text, math included: typeset them as
// they appear.
const searchResults = document.querySelector(".md-search-result__list");
if (searchResults) {
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType === Node.ELEMENT_NODE) renderMathInElement(node, katexOptions);
      }
    }
  }).observe(searchResults, { childList: true });
}
