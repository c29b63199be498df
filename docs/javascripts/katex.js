// Typeset every formula on the page with KaTeX, served by the site itself.
// Runs on each page load, including mkdocs-material's instant navigation
// (document$), and over the whole body so that notebook pages, whose math
// arrives as raw $...$, are rendered too. Code and pre blocks are skipped.
document$.subscribe(({ body }) => {
  renderMathInElement(body, {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
    output: "htmlAndMathml",
    throwOnError: false,
  });
});
