// Self-check questions (made by docs/hooks/quiz.py): immediate feedback, a second try after
// a wrong answer, then a worked solution the reader opens, a score per page, state kept in
// localStorage.
// Plain JavaScript, no eval: formulas are read by the small parser below.
(() => {
  "use strict";

  // --- a safe expression reader: tokens -> tree -> value ---------------------------------
  const FUNCTIONS = {
    sin: Math.sin, cos: Math.cos, tan: Math.tan, exp: Math.exp, log: Math.log, ln: Math.log,
    sqrt: Math.sqrt, abs: Math.abs, sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh,
    asin: Math.asin, acos: Math.acos, atan: Math.atan,
  };
  const CONSTANTS = { pi: Math.PI, e: Math.E };

  function tokenize(text, variables) {
    const src = text.replace(/[−–]/g, "-").replace(/[·×]/g, "*").replace(/\*\*/g, "^")
      .replace(/π/g, "pi");
    const names = [...Object.keys(FUNCTIONS), ...Object.keys(CONSTANTS), ...variables]
      .sort((a, b) => b.length - a.length);
    const tokens = [];
    let i = 0;
    while (i < src.length) {
      const c = src[i];
      if (/\s/.test(c)) { i++; continue; }
      const number = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(src.slice(i));
      if (number) {
        tokens.push({ type: "num", value: parseFloat(number[0]), at: i });
        i += number[0].length;
        continue;
      }
      if (/[A-Za-z_]/.test(c)) {
        const name = names.find((n) => src.startsWith(n, i));
        if (!name) throw new Error(`unknown name at "${src.slice(i, i + 8)}"`);
        const type = name in FUNCTIONS ? "fn" : "name";
        tokens.push({ type, value: name, at: i });
        i += name.length;
        continue;
      }
      if ("+-*/^()".includes(c)) { tokens.push({ type: c, at: i }); i++; continue; }
      throw new Error(`unexpected "${c}"`);
    }
    return tokens;
  }

  // expr := term (("+"|"-") term)* ; term := unary (("*"|"/"|implicit) unary)*
  // unary := ("+"|"-") unary | power ; power := atom ("^" unary)?
  // atom := num | name | fn "(" expr ")" | "(" expr ")"
  function parse(text, variables) {
    const tokens = tokenize(text, variables);
    let k = 0;
    const peek = () => tokens[k];
    const take = (type) => {
      const t = tokens[k];
      if (!t || t.type !== type) throw new Error(t ? `expected "${type}" before "${text.slice(t.at)}"` : `expected "${type}" at the end`);
      k++;
      return t;
    };
    const startsAtom = (t) => t && (t.type === "num" || t.type === "name" || t.type === "fn" || t.type === "(");
    function expr() {
      let left = term();
      while (peek() && (peek().type === "+" || peek().type === "-")) {
        const op = tokens[k++].type;
        left = { op, args: [left, term()] };
      }
      return left;
    }
    function term() {
      let left = unary();
      for (;;) {
        const t = peek();
        if (t && (t.type === "*" || t.type === "/")) { k++; left = { op: t.type, args: [left, unary()] }; }
        else if (startsAtom(t)) left = { op: "*", args: [left, power()] };
        else return left;
      }
    }
    function unary() {
      const t = peek();
      if (t && (t.type === "-" || t.type === "+")) { k++; const arg = unary(); return t.type === "-" ? { op: "neg", args: [arg] } : arg; }
      return power();
    }
    function power() {
      const base = atom();
      if (peek() && peek().type === "^") { k++; return { op: "^", args: [base, unary()] }; }
      return base;
    }
    function atom() {
      const t = peek();
      if (!t) throw new Error("the formula ends too soon");
      k++;
      if (t.type === "num") return { num: t.value };
      if (t.type === "name") return { name: t.value };
      if (t.type === "fn") { take("("); const arg = expr(); take(")"); return { fn: t.value, args: [arg] }; }
      if (t.type === "(") { const inner = expr(); take(")"); return inner; }
      throw new Error(`unexpected "${t.type}"`);
    }
    if (!tokens.length) throw new Error("the answer is empty");
    const tree = expr();
    if (k < tokens.length) throw new Error(`unexpected "${text.slice(tokens[k].at)}"`);
    return tree;
  }

  function evaluate(node, scope) {
    if ("num" in node) return node.num;
    if ("name" in node) return node.name in scope ? scope[node.name] : CONSTANTS[node.name];
    if ("fn" in node) return FUNCTIONS[node.fn](evaluate(node.args[0], scope));
    const [a, b] = node.args.map((n) => evaluate(n, scope));
    switch (node.op) {
      case "+": return a + b;
      case "-": return a - b;
      case "*": return a * b;
      case "/": return a / b;
      case "^": return Math.pow(a, b);
      case "neg": return -a;
    }
    throw new Error(`unknown operation ${node.op}`);
  }

  // --- checking an answer: {correct, message} or null for input that cannot be read ------
  const format = (v) => (Number.isFinite(v) ? Number(v.toPrecision(6)).toString() : String(v));

  function check(kind, key, value) {
    if (kind === "choice") {
      const i = Number(value);
      return i === key.answer
        ? { correct: true, message: "Correct." }
        : { correct: false, message: "Not quite. " + key.why[i] };
    }
    if (kind === "numeric") {
      const number = Number(value.trim().replace(/[−–]/g, "-").replace(",", "."));
      if (!value.trim() || !Number.isFinite(number)) return { error: `"${value}" is not a number.` };
      if (Math.abs(number - key.answer) <= key.tol) return { correct: true, message: `Correct: the answer is ${format(key.answer)} (±${key.tol}).` };
      return { correct: false, message: `Not quite: ${format(number)} is too ${number > key.answer ? "high" : "low"} (answers within ±${key.tol} count).` };
    }
    let tree;
    try { tree = parse(value, key.variables); } catch (error) { return { error: `Could not read the formula: ${error.message}.` }; }
    for (let i = 0; i < key.points.length; i++) {
      const scope = Object.fromEntries(key.variables.map((name, j) => [name, key.points[i][j]]));
      const mine = evaluate(tree, scope);
      const want = key.values[i];
      if (!(Math.abs(mine - want) <= key.rtol * Math.max(1, Math.abs(want)))) {
        const at = key.variables.map((name, j) => `${name} = ${key.points[i][j]}`).join(", ");
        return { correct: false, message: `Not quite: at ${at} your formula gives ${format(mine)}, the answer ${format(want)}.` };
      }
    }
    return { correct: true, message: `Correct: equal to $${key.latex}$ at ${key.points.length} sample points.` };
  }

  // --- the page: state, score, wiring --------------------------------------------------------
  const storageKey = () => "mvc-quiz:" + location.pathname;
  const load = () => { try { return JSON.parse(localStorage.getItem(storageKey())) || {}; } catch { return {}; } };
  const save = (state) => { try { localStorage.setItem(storageKey(), JSON.stringify(state)); } catch { /* private mode */ } };

  // The worked solution stays hidden after a first wrong answer, so the reader has a second
  // try; after a right answer or a second try it appears, closed, for the reader to open.
  const TRIES = 2;

  function show(question, result, record) {
    const feedback = question.querySelector(".mvc-quiz-feedback");
    const solution = question.querySelector(".mvc-quiz-solution");
    const reveal = !result.error && (record.correct || record.attempts >= TRIES);
    let message = result.error || result.message;
    if (!result.error && !result.correct) {
      message += reveal ? " The worked solution is below." : " Have another try; the worked solution appears after it.";
    }
    feedback.textContent = message;
    question.dataset.state = result.error ? "error" : result.correct ? "correct" : "wrong";
    if (typeof renderMathInElement === "function" && typeof katexOptions !== "undefined") renderMathInElement(feedback, katexOptions);
    if (reveal) solution.hidden = false;
  }

  function updateScore(questions, state, score) {
    const right = questions.filter((q) => state[q.id] && state[q.id].correct).length;
    const tried = questions.filter((q) => state[q.id]).length;
    score.querySelector("output").textContent = `${right} of ${questions.length} right (${tried} attempted)`;
  }

  function setup(body) {
    const questions = [...body.querySelectorAll(".mvc-quiz:not([data-ready])")];
    if (!questions.length) return;
    const state = load();
    const score = document.createElement("div");
    score.className = "mvc-quiz-score";
    score.innerHTML = '<span>Self-check score: <output aria-live="polite"></output></span> ' +
      '<button type="button" class="md-button">Reset answers</button>';
    questions[0].before(score);
    score.querySelector("button").addEventListener("click", () => {
      for (const q of questions) delete state[q.id];
      save(state);
      for (const q of questions) {
        q.querySelectorAll("input[type=radio]").forEach((r) => { r.checked = false; });
        q.querySelectorAll("input[type=text]").forEach((t) => { t.value = ""; });
        q.querySelector(".mvc-quiz-feedback").textContent = "";
        delete q.dataset.state;
        const solution = q.querySelector(".mvc-quiz-solution");
        solution.open = false;
        solution.hidden = true;
      }
      updateScore(questions, state, score);
    });

    for (const question of questions) {
      question.dataset.ready = "";
      const kind = question.dataset.kind;
      const key = JSON.parse(question.dataset.key);
      question.querySelector(".mvc-quiz-solution").hidden = true;
      const answer = (value) => {
        const result = check(kind, key, value);
        const previous = state[question.id] || { attempts: 0, correct: false };
        if (result.error) { show(question, result, previous); return; }
        state[question.id] = { value, correct: result.correct || previous.correct, attempts: previous.attempts + 1 };
        show(question, result, state[question.id]);
        save(state);
        updateScore(questions, state, score);
      };
      if (kind === "choice") {
        question.querySelectorAll("input[type=radio]").forEach((radio) =>
          radio.addEventListener("change", () => answer(radio.value)));
      } else {
        const input = question.querySelector("input[type=text]");
        question.querySelector("form").addEventListener("submit", (event) => {
          event.preventDefault();
          answer(input.value);
        });
      }
      const saved = state[question.id];
      if (saved) {
        if (kind === "choice") {
          const radio = question.querySelector(`input[value="${saved.value}"]`);
          if (radio) radio.checked = true;
        } else {
          question.querySelector("input[type=text]").value = saved.value;
        }
        show(question, check(kind, key, saved.value), saved);
      }
    }
    updateScore(questions, state, score);
  }

  window.mvcQuiz = { parse, evaluate, check };  // for the browser tests
  if (typeof document$ !== "undefined") document$.subscribe(({ body }) => setup(body));
  else document.addEventListener("DOMContentLoaded", () => setup(document.body));
})();
