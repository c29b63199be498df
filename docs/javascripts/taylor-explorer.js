// "Visualising Taylor series": an explorer over curves the build computed with mvc.taylor.
//
// The page holds <div class="taylor-explorer" data-taylor="[...]">, written by a fence of
// docs/taylor.md. Per function, data-taylor has the x range, the function sampled on an
// even grid over it, the y range to show, and the Taylor coefficients c_0..c_10 at each
// expansion point of a grid. Here the polynomial sum c_k (x - p)^k is evaluated on the same
// x grid (Horner's rule) and drawn over the function, with the error between them.
// No server, no library: plain DOM and SVG. Runs on every page load, including
// mkdocs-material's instant navigation (document$).
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const WIDTH = 640, HEIGHT = 340;
  const MARGIN = { left: 40, right: 12, top: 10, bottom: 26 };
  let count = 0;

  function element(tag, attributes = {}, parent = null, namespace = null) {
    const node = namespace ? document.createElementNS(namespace, tag) : document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (parent) parent.appendChild(node);
    return node;
  }

  function horner(coefficients, dx) {
    let y = coefficients[coefficients.length - 1];
    for (let k = coefficients.length - 2; k >= 0; k--) y = y * dx + coefficients[k];
    return y;
  }

  function formatNumber(value) {
    if (value === 0) return "0";
    if (Math.abs(value) >= 0.01 && Math.abs(value) < 1000) return value.toFixed(3);
    const [mantissa, exponent] = value.toExponential(1).split("e");
    const superscript = String(Number(exponent)).replace(/[-0-9]/g, (d) => "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"["-0123456789".indexOf(d)]);
    return `${mantissa} × 10${superscript}`;
  }

  function init(root) {
    if (root.dataset.ready === "1") return;
    root.dataset.ready = "1";
    const functions = JSON.parse(root.dataset.taylor);
    const id = `taylor-explorer-${++count}`;
    root.replaceChildren();

    const controls = element("div", { class: "taylor-explorer__controls" }, root);
    const chooser = element("label", { class: "taylor-explorer__control" }, controls);
    chooser.append("Function ");
    const select = element("select", { id: `${id}-function` }, chooser);
    functions.forEach((f, i) => { element("option", { value: String(i) }, select).textContent = f.name; });

    function slider(label, min, max) {
      const wrap = element("div", { class: "taylor-explorer__control" }, controls);
      const text = element("label", { for: `${id}-${label}` }, wrap);
      text.append(`${label === "order" ? "Order" : "Expansion point"} `);
      const output = element("output", { for: `${id}-${label}` }, text);
      const input = element("input", {
        id: `${id}-${label}`, type: "range", min: String(min), max: String(max), step: "1",
        class: `taylor-explorer__${label}`,
      }, wrap);
      return { input, output };
    }
    const order = slider("order", 0, 10);
    const point = slider("point", 0, 1);

    const svg = element("svg", {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", class: "taylor-explorer__plot",
    }, root, SVG);
    const title = element("title", {}, svg, SVG);
    const clip = element("clipPath", { id: `${id}-clip` }, element("defs", {}, svg, SVG), SVG);
    element("rect", {
      x: MARGIN.left, y: MARGIN.top, width: WIDTH - MARGIN.left - MARGIN.right,
      height: HEIGHT - MARGIN.top - MARGIN.bottom,
    }, clip, SVG);
    const axes = element("g", { class: "taylor-explorer__axes" }, svg, SVG);
    const plot = element("g", { "clip-path": `url(#${id}-clip)` }, svg, SVG);
    const band = element("path", { class: "taylor-explorer__error" }, plot, SVG);
    const window_ = element("rect", { class: "taylor-explorer__window" }, plot, SVG);
    const curve = element("path", { class: "taylor-explorer__function" }, plot, SVG);
    const approximation = element("path", { class: "taylor-explorer__approximation" }, plot, SVG);
    const marker = element("circle", { class: "taylor-explorer__point", r: "4.5" }, plot, SVG);

    const legend = element("p", { class: "taylor-explorer__legend" }, root);
    legend.innerHTML =
      '<span class="taylor-explorer__key taylor-explorer__key--function"></span>function ' +
      '<span class="taylor-explorer__key taylor-explorer__key--approximation"></span>Taylor polynomial ' +
      '<span class="taylor-explorer__key taylor-explorer__key--error"></span>error ' +
      '<span class="taylor-explorer__key taylor-explorer__key--window"></span>window p ± 1';
    const readout = element("p", { class: "taylor-explorer__readout", "aria-live": "polite" }, root);

    let f = null, sx = null, sy = null;

    function setFunction(index) {
      f = functions[index];
      const [x0, x1] = f.x, [y0, y1] = f.y;
      sx = (x) => MARGIN.left + ((x - x0) / (x1 - x0)) * (WIDTH - MARGIN.left - MARGIN.right);
      sy = (y) => MARGIN.top + ((y1 - y) / (y1 - y0)) * (HEIGHT - MARGIN.top - MARGIN.bottom);
      point.input.max = String(f.points.length - 1);
      point.input.value = String(f.points.reduce(
        (best, p, i) => (Math.abs(p - f.default) < Math.abs(f.points[best] - f.default) ? i : best), 0));
      drawAxes();
      draw();
    }

    function drawAxes() {
      axes.replaceChildren();
      const [x0, x1] = f.x, [y0, y1] = f.y;
      const left = sx(x0), right = sx(x1), top = sy(y1), bottom = sy(y0);
      element("rect", { x: left, y: top, width: right - left, height: bottom - top, class: "frame" }, axes, SVG);
      if (y0 < 0 && y1 > 0) element("line", { x1: left, x2: right, y1: sy(0), y2: sy(0), class: "zero" }, axes, SVG);
      if (x0 < 0 && x1 > 0) element("line", { x1: sx(0), x2: sx(0), y1: top, y2: bottom, class: "zero" }, axes, SVG);
      const xStep = x1 - x0 > 8 ? 2 : 1;
      for (let x = Math.ceil(x0 / xStep) * xStep; x <= x1; x += xStep) {
        element("line", { x1: sx(x), x2: sx(x), y1: bottom, y2: bottom + 4, class: "tick" }, axes, SVG);
        element("text", { x: sx(x), y: bottom + 16, "text-anchor": "middle" }, axes, SVG).textContent = String(x);
      }
      const yStep = y1 - y0 > 8 ? 2 : y1 - y0 > 3 ? 1 : 0.5;
      for (let y = Math.ceil(y0 / yStep) * yStep; y <= y1; y += yStep) {
        element("line", { x1: left - 4, x2: left, y1: sy(y), y2: sy(y), class: "tick" }, axes, SVG);
        element("text", { x: left - 7, y: sy(y) + 4, "text-anchor": "end" }, axes, SVG).textContent = String(y);
      }
    }

    function path(xs, ys) {
      // Points far outside the plot are pulled in so the path stays finite; the clip hides them.
      const [y0, y1] = f.y, span = y1 - y0;
      return xs.map((x, i) => {
        const y = Math.min(y1 + span, Math.max(y0 - span, ys[i]));
        return `${i ? "L" : "M"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`;
      }).join("");
    }

    function draw() {
      const n = Number(order.input.value), i = Number(point.input.value);
      const p = f.points[i], c = f.coefficients[i].slice(0, n + 1);
      const [x0, x1] = f.x, step = (x1 - x0) / (f.f.length - 1);
      const xs = f.f.map((_, j) => x0 + j * step);
      const ps = xs.map((x) => horner(c, x - p));
      curve.setAttribute("d", path(xs, f.f));
      approximation.setAttribute("d", path(xs, ps));
      const reversed = xs.slice().reverse();
      band.setAttribute("d", path(xs, f.f) + path(reversed, ps.slice().reverse()).replace("M", "L") + "Z");
      marker.setAttribute("cx", sx(p).toFixed(1));
      marker.setAttribute("cy", sy(c[0]).toFixed(1));
      const lo = Math.max(x0, p - 1), hi = Math.min(x1, p + 1);
      window_.setAttribute("x", sx(lo).toFixed(1));
      window_.setAttribute("width", (sx(hi) - sx(lo)).toFixed(1));
      window_.setAttribute("y", MARGIN.top);
      window_.setAttribute("height", HEIGHT - MARGIN.top - MARGIN.bottom);
      let worst = 0;
      xs.forEach((x, j) => { if (x >= lo && x <= hi) worst = Math.max(worst, Math.abs(f.f[j] - ps[j])); });
      order.output.textContent = String(n);
      point.output.textContent = `p = ${p.toFixed(3)}`;
      point.input.setAttribute("aria-valuetext", `p = ${p.toFixed(3)}`);
      readout.textContent =
        `${f.name}, order ${n} about p = ${p.toFixed(3)}: largest error on ` +
        `[${lo.toFixed(2)}, ${hi.toFixed(2)}] is ${formatNumber(worst)}.`;
      readout.dataset.error = String(worst);
      title.textContent = `${f.name} and its Taylor polynomial of order ${n} about ${p.toFixed(3)}`;
    }

    select.addEventListener("change", () => setFunction(Number(select.value)));
    order.input.addEventListener("input", draw);
    point.input.addEventListener("input", draw);
    select.value = root.dataset.defaultFunction || "0";
    order.input.value = root.dataset.defaultOrder || "2";
    setFunction(Number(select.value));
  }

  function initAll() {
    document.querySelectorAll(".taylor-explorer").forEach(init);
  }

  if (typeof document$ !== "undefined") document$.subscribe(initAll);
  else document.addEventListener("DOMContentLoaded", initAll);
})();
