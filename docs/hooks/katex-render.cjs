// KaTeX for the build (docs/hooks/katex.py): one long-lived node process per build.
//
// Reads one request per line on stdin, a JSON list of [tex, display] pairs (one page's
// formulas), and writes one reply per line on stdout, a JSON list with, for each formula,
// {html, warnings} or {error}. KaTeX's options are the ones the browser used:
// output "htmlAndMathml" (MathML for screen readers), and a formula that does not parse is
// an error (throwOnError), which fails the strict build.
"use strict";
const path = require("path");
const readline = require("readline");
const katex = require(path.resolve(__dirname, "../../node_modules/katex"));

function render([tex, display]) {
  const warnings = [];
  try {
    const html = katex.renderToString(tex, {
      displayMode: display,
      output: "htmlAndMathml",
      throwOnError: true,
      // What the browser printed as a console warning is returned to the build instead.
      strict: (code, message) => { warnings.push(`${code}: ${message}`); return "ignore"; },
    });
    return { html, warnings };
  } catch (error) {
    return { error: error.message };
  }
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  process.stdout.write(JSON.stringify(JSON.parse(line).map(render)) + "\n");
});
