// The build typesets every formula of every page (docs/hooks/katex.py), so a page needs
// no script to show its math. Two things are still typeset in the browser, and only they
// load KaTeX (its script is about 270 KB), once, when they first need it:
// - the self-check questions (docs/javascripts/quiz.js), whose feedback is written after
//   the reader answers and may hold $...$: pages with questions load KaTeX at once;
// - search previews, which quote the page's source text, TeX included.
// body[data-math-typeset] tells the browser tests and tools/print_pdf.py that the page is
// ready: at once, or once KaTeX is loaded where the page needs it.
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

const loadKatex = (() => {
  const here = document.currentScript.src;
  let loading = null;
  const load = (path) => new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = new URL(path, here).href;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${script.src}`));
    document.head.appendChild(script);
  });
  return () => {
    loading ??= load("../assets/katex/katex.min.js")
      .then(() => load("../assets/katex/contrib/auto-render.min.js"));
    return loading;
  };
})();

// Feedback quiz.js wrote before KaTeX arrived (answers kept from an earlier visit).
function typesetFeedback(body) {
  for (const node of body.querySelectorAll(".mvc-quiz-feedback")) {
    if (!node.querySelector(".katex")) renderMathInElement(node, katexOptions);
  }
}

document$.subscribe(({ body }) => {
  if (!body.querySelector(".mvc-quiz")) {
    body.dataset.mathTypeset = "";
    return;
  }
  loadKatex().then(() => {
    typesetFeedback(body);
    body.dataset.mathTypeset = "";
  });
});

const searchResults = document.querySelector(".md-search-result__list");
if (searchResults) {
  new MutationObserver((records) => {
    const added = records.flatMap((record) => [...record.addedNodes])
      .filter((node) => node.nodeType === Node.ELEMENT_NODE);
    if (!added.some((node) => /\$|\\\(|\\\[/.test(node.textContent))) return;
    loadKatex().then(() => added.forEach((node) => renderMathInElement(node, katexOptions)));
  }).observe(searchResults, { childList: true });
}
