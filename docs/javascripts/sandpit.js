// The Sandpit: find a phone lost at the deepest point of a pit by dipping a stick.
//
// Plain JavaScript over data the build computed with mvc.sandpit (chapter 2): for a
// few landscapes and seeds, the depth and the downhill direction -J on a grid over
// [0, 6]^2, packed as base64 16-bit integers, and the deepest point. The widget
// interpolates between grid points with cubic convolution, draws each dip and (in the
// first mode) its downhill arrow, and ends the game as the course does: a dip within
// `radius` of the deepest point wins; at dip `hurry` the supervisor hurries you; after
// `maxDips` dips the game is lost; a dip at a local minimum that is not the deepest
// (one of the pit's `traps`) is reported as stuck. No request leaves the page.
(function () {
  "use strict";

  const SVG = "http://www.w3.org/2000/svg";
  const SIDE = 6; // the pit is [0, 6] x [0, 6] metres
  const KEY_STEP = 0.1; // metres per arrow key press (Shift: 5 times as far)
  const MIN_ARROW = 0.35; // metres: the shortest arrow drawn, so its direction always shows
  const START = "Click anywhere in the sandpit to place the dip-stick, or focus it and use the arrow keys and Enter.";

  // --- data ------------------------------------------------------------------------

  function decode(text, scale, offset) {
    const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    const ints = new DataView(bytes.buffer);
    const values = new Float64Array(bytes.length / 2);
    for (let k = 0; k < values.length; k++) values[k] = ints.getInt16(2 * k, true) * scale + offset;
    return values;
  }

  function unpack(pit) {
    return {
      ...pit,
      depth: decode(pit.depth, pit.depthScale, -5), // packed as depth + 5
      downhillX: decode(pit.downhillX, pit.slopeScale, 0),
      downhillY: decode(pit.downhillY, pit.slopeScale, 0),
    };
  }

  // Cubic convolution (Keys, a = -1/2) on the grid: exact for quadratics, smooth slopes.
  function weights(t) {
    return [
      ((-0.5 * t + 1) * t - 0.5) * t,
      (1.5 * t - 2.5) * t * t + 1,
      ((-1.5 * t + 2) * t + 0.5) * t,
      (0.5 * t - 0.5) * t * t,
    ];
  }

  function interpolate(field, n, x, y) {
    // field[j * n + i] is the value at (x_i, y_j), x_i = y_i = 6 i / (n - 1)
    const h = SIDE / (n - 1);
    const i = Math.min(Math.floor(x / h), n - 2);
    const j = Math.min(Math.floor(y / h), n - 2);
    const wx = weights(x / h - i);
    const wy = weights(y / h - j);
    const clamp = (k) => Math.max(0, Math.min(n - 1, k));
    let sum = 0;
    for (let b = 0; b < 4; b++) {
      const row = clamp(j - 1 + b) * n;
      for (let a = 0; a < 4; a++) sum += wy[b] * wx[a] * field[row + clamp(i - 1 + a)];
    }
    return sum;
  }

  // --- drawing helpers -------------------------------------------------------------

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    if (parent) parent.appendChild(node);
    return node;
  }

  function html(name, attrs, text) {
    const node = document.createElement(name);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const fmt = (v, digits) => v.toFixed(digits).replace("-", "\u2212");
  const sy = (y) => SIDE - y; // pit y (up) to SVG y (down)

  // Contour segments of `field` at `level` by marching squares, as an SVG path.
  function contourPath(field, n, level) {
    const h = SIDE / (n - 1);
    const parts = [];
    const cross = (x0, y0, v0, x1, y1, v1) => {
      const t = (level - v0) / (v1 - v0);
      return [x0 + t * (x1 - x0), y0 + t * (y1 - y0)];
    };
    for (let j = 0; j < n - 1; j++) {
      for (let i = 0; i < n - 1; i++) {
        const c = [
          [i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1],
        ].map(([a, b]) => [a * h, b * h, field[b * n + a]]);
        const points = [];
        for (let k = 0; k < 4; k++) {
          const p = c[k];
          const q = c[(k + 1) % 4];
          if ((p[2] < level) !== (q[2] < level)) points.push(cross(...p, ...q));
        }
        for (let k = 0; k + 1 < points.length; k += 2) {
          const [a, b] = [points[k], points[k + 1]];
          parts.push(`M${a[0].toFixed(3)} ${sy(a[1]).toFixed(3)}L${b[0].toFixed(3)} ${sy(b[1]).toFixed(3)}`);
        }
      }
    }
    return parts.join("");
  }

  // --- the game --------------------------------------------------------------------

  class Sandpit {
    constructor(root, data) {
      this.root = root;
      this.pits = data.pits.map(unpack);
      this.hurry = data.hurry;
      this.maxDips = data.maxDips;
      this.names = [...new Set(this.pits.map((p) => p.name))];
      this.build();
      this.choose(this.names[0], 0);
    }

    build() {
      const root = this.root;
      root.textContent = "";
      const controls = html("div", { class: "sandpit-controls" });
      const label = html("label", {}, "Landscape ");
      this.select = html("select", { "aria-label": "Landscape" });
      for (const name of this.names) this.select.appendChild(html("option", { value: name }, name));
      label.appendChild(this.select);
      this.newPit = html("button", { type: "button", class: "md-button sandpit-new" }, "New pit");
      const mode = html("label", {});
      this.arrows = html("input", { type: "checkbox", class: "sandpit-arrows" });
      this.arrows.checked = true;
      mode.append(this.arrows, " show the downhill direction \u2212J");
      controls.append(label, this.newPit, mode);

      const body = html("div", { class: "sandpit-body" });
      const svg = (this.svg = el("svg", {
        class: "sandpit-pit",
        viewBox: "-0.5 -0.15 6.65 6.65",
        tabindex: "0",
        role: "application",
        "aria-label": "The sand pit, 6 by 6 metres. Arrow keys move the dip-stick, Enter dips.",
      }));
      el("rect", { class: "sandpit-floor", x: 0, y: 0, width: SIDE, height: SIDE }, svg);
      this.contours = el("g", { class: "sandpit-contours" }, svg);
      const axes = el("g", { class: "sandpit-axes", "aria-hidden": "true" }, svg);
      for (let k = 0; k <= SIDE; k++) {
        el("text", { x: k, y: SIDE + 0.4, "text-anchor": "middle" }, axes).textContent = k;
        el("text", { x: -0.15, y: sy(k) + 0.09, "text-anchor": "end" }, axes).textContent = k;
      }
      this.dips = el("g", { class: "sandpit-dips" }, svg);
      this.phone = el("g", { class: "sandpit-phone", visibility: "hidden" }, svg);
      this.cursor = el("g", { class: "sandpit-cursor", "aria-hidden": "true" }, svg);
      el("circle", { r: 0.15 }, this.cursor);
      el("path", { d: "M-0.3 0H-0.17M0.17 0H0.3M0 -0.3V-0.17M0 0.17V0.3" }, this.cursor);

      const side = html("div", { class: "sandpit-side" });
      this.status = html("p", { class: "sandpit-status", role: "status", "aria-live": "polite" });
      this.count = html("p", { class: "sandpit-count" });
      this.last = html("p", { class: "sandpit-last", "aria-live": "polite" });
      const heading = html("p", { class: "sandpit-heading" }, "Depths:");
      this.list = html("ol", { class: "sandpit-depths" });
      side.append(this.status, this.count, this.last, heading, this.list);
      body.append(svg, side);
      root.append(controls, body);

      this.select.addEventListener("change", () => this.choose(this.select.value, 0));
      this.newPit.addEventListener("click", () => this.choose(this.pit.name, this.index + 1));
      this.arrows.addEventListener("change", () => this.root.classList.toggle("sandpit-depth-only", !this.arrows.checked));
      svg.addEventListener("click", (event) => this.onClick(event));
      svg.addEventListener("keydown", (event) => this.onKey(event));
    }

    choose(name, index) {
      const pits = this.pits.filter((p) => p.name === name);
      this.index = index % pits.length;
      this.pit = pits[this.index];
      this.select.value = name;
      this.dipCount = 0;
      this.over = false;
      this.dips.textContent = "";
      this.contours.textContent = "";
      this.list.textContent = "";
      this.phone.setAttribute("visibility", "hidden");
      this.last.textContent = "";
      this.root.dataset.state = "playing";
      this.moveCursor(3, 3);
      this.say(START);
      this.updateCount();
    }

    say(text) {
      this.status.textContent = text;
    }

    updateCount() {
      const pits = this.pits.filter((p) => p.name === this.pit.name).length;
      this.count.textContent = `Pit: ${this.pit.name} ${this.index + 1} of ${pits}. Dips: ${this.dipCount}`;
    }

    moveCursor(x, y) {
      this.at = [Math.max(0, Math.min(SIDE, x)), Math.max(0, Math.min(SIDE, y))];
      this.cursor.setAttribute("transform", `translate(${this.at[0]} ${sy(this.at[1])})`);
    }

    onClick(event) {
      const ctm = this.svg.getScreenCTM();
      if (!ctm) return;
      const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(ctm.inverse());
      const [x, y] = [p.x, sy(p.y)];
      if (x < 0 || x > SIDE || y < 0 || y > SIDE) return;
      this.moveCursor(x, y);
      this.dip(x, y);
    }

    onKey(event) {
      const step = event.shiftKey ? 5 * KEY_STEP : KEY_STEP;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (event.key in moves) {
        event.preventDefault();
        const [dx, dy] = moves[event.key];
        // round to the key step so that repeated presses land on tidy coordinates
        this.moveCursor(Math.round((this.at[0] + dx) * 1000) / 1000, Math.round((this.at[1] + dy) * 1000) / 1000);
      } else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        this.dip(...this.at);
      }
    }

    dip(x, y) {
      if (this.over) {
        this.say(this.root.dataset.state === "won"
          ? "You found the phone. Press \u201cNew pit\u201d or choose a landscape to play again."
          : "The game is over. Press \u201cNew pit\u201d to try again.");
        return;
      }
      const pit = this.pit;
      this.dipCount += 1;
      const n = this.dipCount;
      const depth = interpolate(pit.depth, pit.n, x, y);
      const down = [interpolate(pit.downhillX, pit.n, x, y), interpolate(pit.downhillY, pit.n, x, y)];
      this.draw(x, y, down, n);
      const text = `${fmt(depth, 2)} m`;
      const item = html("li", {}, `${text} at (${x.toFixed(2)}, ${y.toFixed(2)})`);
      this.list.appendChild(item);
      this.last.textContent = `Dip ${n}: depth ${text}` +
        (this.arrows.checked ? `, downhill (${fmt(down[0], 2)}, ${fmt(down[1], 2)})` : "");
      this.updateCount();
      const found = Math.hypot(x - pit.minimum[0], y - pit.minimum[1]) <= pit.radius;
      if (n > this.maxDips) {
        this.finish("lost", "Try again. You\u2019ve taken too many tries to find the phone. Press \u201cNew pit\u201d to try again.");
      } else if (found) {
        this.finish("won", `Congratulations! Well done, you found the phone in ${n} ${n === 1 ? "dip" : "dips"}.`);
      } else if (this.trapped(x, y)) {
        this.say("Oh no! You\u2019ve got stuck in a local optimum. Try somewhere else!");
      } else if (n >= this.hurry) {
        this.say("Hurry up! The supervisor has calls to make.");
      } else {
        this.say("Keep dipping: the phone is at the deepest point.");
      }
    }

    // A dip at the bottom of a hollow that is not the deepest: mark the empty hollow.
    trapped(x, y) {
      const trap = this.pit.traps.find(([tx, ty]) => Math.hypot(x - tx, y - ty) <= this.pit.radius);
      if (!trap) return false;
      const g = el("g", { class: "sandpit-trap" }, this.dips);
      const [tx, ty] = [trap[0], sy(trap[1])];
      el("circle", { cx: tx, cy: ty, r: this.pit.radius }, g);
      el("path", { d: `M${tx - 0.1} ${ty - 0.1}L${tx + 0.1} ${ty + 0.1}M${tx - 0.1} ${ty + 0.1}L${tx + 0.1} ${ty - 0.1}` }, g);
      return true;
    }

    draw(x, y, down, n) {
      const g = el("g", { class: "sandpit-dip" }, this.dips);
      // the course's arrow: -J times a length per landscape, at most 1 m, centred on the
      // dip; where the slope is slight it is drawn MIN_ARROW long, so it still points
      const slope = Math.hypot(down[0], down[1]);
      const length = slope * this.pit.arrow;
      const size = Math.min(1, Math.max(MIN_ARROW, length));
      const [ux, uy] = length > 1e-9 ? [down[0] / slope, down[1] / slope] : [0, -1];
      if (length > 1e-9) {
        const [dx, dy] = [ux * size, uy * size];
        const [x0, y0, x1, y1] = [x - dx / 2, y - dy / 2, x + dx / 2, y + dy / 2];
        const head = Math.min(0.15, size * 0.6);
        const [bx, by] = [x1 - ux * head, y1 - uy * head];
        const arrow = el("g", { class: "sandpit-arrow" }, g);
        el("line", { x1: x0, y1: sy(y0), x2: bx, y2: sy(by) }, arrow);
        el("path", {
          d: `M${x1} ${sy(y1)}L${bx + uy * 0.06} ${sy(by - ux * 0.06)}L${bx - uy * 0.06} ${sy(by + ux * 0.06)}Z`,
        }, arrow);
      }
      el("circle", { cx: x, cy: sy(y), r: 0.09, class: "sandpit-marker" }, g);
      if (n <= this.maxDips) {
        el("text", { x: x + 0.22 * uy, y: sy(y - 0.22 * ux) + 0.08, "text-anchor": "middle" }, g).textContent = n;
      }
    }

    finish(state, message) {
      this.over = true;
      this.root.dataset.state = state;
      this.say(message);
      const pit = this.pit;
      const levels = 12;
      for (let k = 1; k < levels; k++) {
        const level = -9 + (8 * k) / levels;
        el("path", { d: contourPath(pit.depth, pit.n, level), "stroke-opacity": (0.25 + 0.6 * (1 - k / levels)).toFixed(2) },
          this.contours);
      }
      const [px, py] = pit.minimum;
      this.phone.textContent = "";
      el("circle", { cx: px, cy: sy(py), r: pit.radius, class: "sandpit-zone" }, this.phone);
      el("rect", { x: px - 0.09, y: sy(py) - 0.15, width: 0.18, height: 0.3, rx: 0.03, class: "sandpit-handset" }, this.phone);
      this.phone.setAttribute("visibility", "visible");
    }
  }

  function initialise(root) {
    if (root.dataset.ready) return;
    const source = root.querySelector("script.sandpit-data");
    if (!source) return;
    root.dataset.ready = "1";
    const game = new Sandpit(root, JSON.parse(source.textContent));
    root.sandpit = game; // for the browser tests and the curious
  }

  function initialiseAll() {
    document.querySelectorAll("[data-sandpit]").forEach(initialise);
  }

  // mkdocs-material's instant navigation swaps the page without reloading scripts:
  // document$ emits on every page, the first load included.
  if (typeof document$ !== "undefined") document$.subscribe(initialiseAll);
  else document.addEventListener("DOMContentLoaded", initialiseAll);
})();
