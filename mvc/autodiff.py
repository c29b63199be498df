r"""Reverse-mode automatic differentiation: the chain rule, mechanised (after micrograd).

Every arithmetic step on a `Value` records its inputs and the rule for its local
derivative. `Value.backward` then walks the recorded graph from the output back to
the inputs, multiplying local derivatives as the chain rule says,

$$\frac{\partial C}{\partial u} = \sum_{v \,:\, u \to v} \frac{\partial C}{\partial v}
\frac{\partial v}{\partial u},$$

which is backpropagation without deriving anything by hand. Each operation below sits
beside its derivative rule: ``u.grad += (∂v/∂u) · v.grad``.
"""

from __future__ import annotations

import math
import numbers
import sys

from mvc._validation import as_number, as_operand

__all__ = ["Value"]


class Value:
    r"""A number that remembers how it was computed, so that it can be differentiated.

    Parameters
    ----------
    data : float
        The number.

    Attributes
    ----------
    data : float
        The number.
    grad : float
        $\partial C / \partial$ this value, once ``C.backward()`` has run; 0 before.

    Raises
    ------
    TypeError
        If `data`, or a plain number combined with a value (``Value + other``,
        ``Value ** k``), is not a real number; the message names which.
    ValueError
        If `data` or such a number is not finite; if an operation has no finite real
        result: it overflows (``Value(1000.0).exp()``, ``1e200 * 1e200``), leaves the
        domain (``log`` of $u \le 0$, a fractional power of $u < 0$) or divides by 0;
        and in `backward`, if a derivative is infinite ($u^{1/2}$ at 0) or a gradient
        overflows. Never an inf or nan passed on silently.

    Notes
    -----
    Supports ``+ - * /``, ``**`` with a number exponent, `exp`, `log`, `tanh` and
    `sigmoid`, mixed freely with plain numbers, and numpy object arrays of values
    (``W @ a`` works). Accuracy: each rule is exact calculus, so the gradients are
    exact up to the rounding of each operation (about $10^{-15}$ relative). The
    derivative of $u^0$ is 0, even at $u = 0$. Each result keeps its inputs; `backward`
    visits the graph in reverse topological order, so every node's ``grad`` is complete
    before it is passed on. Cost: one pass back for all gradients, whatever their number.

    Examples
    --------
    >>> from mvc.autodiff import Value
    >>> w, b = Value(0.5), Value(-1.0)
    >>> C = ((w * 2.0 + b).tanh() - 1.0) ** 2
    >>> C.backward()
    >>> round(w.grad, 6), round(b.grad, 6)
    (-4.0, -2.0)
    """

    def __init__(self, data: float, _children: tuple = (), _op: str = "") -> None:
        # A number given by the user is checked; the result of an operation must be finite.
        self.data = _finite(data, _op, _children) if _children else as_number(data, "data")
        self.grad = 0.0
        self._backward = lambda: None  # passes self.grad on to the children
        self._prev = _children
        self._op = _op  # the operation that made this value, for reading the graph

    # --8<-- [start:rules]
    def __add__(self, other):  # v = u + w:  ∂v/∂u = 1, ∂v/∂w = 1
        other = other if isinstance(other, Value) else _constant(other, "+")
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):  # v = u w:  ∂v/∂u = w, ∂v/∂w = u
        other = other if isinstance(other, Value) else _constant(other, "*")
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k: float):  # v = u^k:  ∂v/∂u = k u^(k−1)
        if isinstance(k, Value):
            return k.__rpow__(self)  # u ** v: the same message as b ** v
        if not isinstance(k, numbers.Real):
            return NotImplemented
        k = as_operand(k, "**")
        out = Value(_power(self.data, k), (self,), f"**{k}")

        def _backward():
            self.grad += _power_slope(self.data, k) * out.grad

        out._backward = _backward
        return out

    # --8<-- [end:rules]

    def __rpow__(self, base: object):  # b ** v, or u ** v: the exponent is a Value
        b, log_b = ("u", "u.log()") if isinstance(base, Value) else ("b", "log(b)")
        raise TypeError(
            "`**` needs a number as the exponent, got a Value (in "
            f"{type(base).__name__} ** Value): write (v * {log_b}).exp() for {b} ** v."
        )

    def _unary(self, data: float, slope: float, op: str) -> Value:
        """v = g(u) with g'(u) = `slope`:  u.grad += g'(u) · v.grad."""
        out = Value(data, (self,), op)

        def _backward():
            self.grad += slope * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        r"""$e^u$, with $(e^u)' = e^u$; `ValueError` if $e^u$ overflows ($u > 709.78$)."""
        e = math.exp(self.data) if self.data < _LOG_MAX else math.inf  # checked by Value
        return self._unary(e, e, "exp")

    def log(self) -> Value:
        r"""$\ln u$, with $(\ln u)' = 1/u$; `ValueError` unless $u > 0$."""
        if not self.data > 0:
            raise ValueError(
                f"log({self.data!r}) is not a real number: ln u needs u > 0"
                + (" (ln 0 is minus infinity)." if self.data == 0 else ".")
            )
        return self._unary(math.log(self.data), 1 / self.data, "log")

    def tanh(self) -> Value:
        r"""$\tanh u$, with $\tanh' u = 1 - \tanh^2 u$."""
        t = math.tanh(self.data)
        return self._unary(t, 1 - t * t, "tanh")

    def sigmoid(self) -> Value:
        r"""$\sigma(u) = 1/(1 + e^{-u})$, with $\sigma' = \sigma (1 - \sigma)$."""
        e = math.exp(-abs(self.data))  # never overflows
        s = 1 / (1 + e) if self.data >= 0 else e / (1 + e)
        return self._unary(s, s * (1 - s), "sigmoid")

    def backward(self) -> None:
        r"""Fill in ``grad`` on every value this one depends on: $\partial(\text{self})/\partial u$.

        Notes
        -----
        Sorts the graph so that each value comes after everything it was computed
        from, sets every ``grad`` to 0 and this one's to 1 ($\partial C/\partial C$),
        then applies each operation's rule from the last to the first.

        Examples
        --------
        >>> from mvc.autodiff import Value
        >>> x = Value(3.0)
        >>> y = x * x + x
        >>> y.backward()
        >>> x.grad
        7.0
        """
        # --8<-- [start:backward]
        order = _topological_order(self)  # each value after the values it came from
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()
        # --8<-- [end:backward]
        _check_gradients(order)

    # The rest are the operations above, rearranged: their rules come with them.
    def __neg__(self):  # -u
        return self * -1.0

    def __radd__(self, other):  # 2 + u
        return self + other

    def __sub__(self, other):  # u - w
        return self + (-other)

    def __rsub__(self, other):  # 2 - u
        return (-self) + other

    def __rmul__(self, other):  # 2 * u
        return self * other

    def __truediv__(self, other):  # v = u / w:  ∂v/∂u = 1/w, ∂v/∂w = −u/w² = −v/w
        other = other if isinstance(other, Value) else _constant(other, "/")
        out = Value(_quotient(self.data, other.data), (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data
            other.grad -= out.data / other.data * out.grad

        out._backward = _backward
        return out

    def __rtruediv__(self, other):  # 2 / u
        return _constant(other, "/") / self

    def __repr__(self) -> str:
        return f"Value(data={self.data!r}, grad={self.grad!r})"


_LOG_MAX = math.log(sys.float_info.max)  # 709.78: e^u overflows beyond it


def _constant(number, op: str) -> Value:
    """A plain number met in `op`, as a Value (its gradient is computed but nobody asks)."""
    value = Value(as_operand(number, op))
    value._op = "constant"
    return value


def _finite(data: float, op: str, inputs: tuple) -> float:
    """The result of an operation, as a float; `ValueError` if it overflowed to inf."""
    data = float(data)
    if not math.isfinite(data):
        u = [repr(value.data) for value in inputs]
        shown = (
            f"{u[0]} {op} {u[1]}"
            if op in ("+", "*", "/")
            else f"{u[0]} ** {op[2:]}"
            if op.startswith("**")
            else f"{op}({u[0]})"
        )
        raise ValueError(
            f"{shown} overflows: the result is beyond the largest float, about "
            f"{sys.float_info.max:.1e}."
        )
    return data


def _quotient(u: float, w: float) -> float:
    """u / w, or `ValueError` naming the division where w = 0 (inf, or nan for 0 / 0)."""
    if w == 0:
        raise ValueError(f"{u!r} / {w!r} divides by zero: the quotient is not a finite number.")
    return u / w  # an overflow is reported by `_finite`, naming the division


def _power(u: float, k: float) -> float:
    """u ** k, or `ValueError` where it is not a finite real number."""
    if u < 0 and not k.is_integer():
        raise ValueError(f"u ** {k!r} is not real for u = {u!r} < 0.")
    if u == 0 and k < 0:
        raise ValueError(f"u ** {k!r} is infinite for u = 0.0 (a division by zero).")
    try:
        return u**k
    except OverflowError:
        return math.inf  # reported by `_finite`, naming the operation


def _power_slope(u: float, k: float) -> float:
    """k u^(k-1), the derivative of u^k; 0 for k = 0 (u^0 = 1 is constant, even at u = 0)."""
    if k == 0:
        return 0.0
    if u == 0 and k < 1:
        raise ValueError(
            f"The derivative of u ** {k!r} at u = 0.0 is infinite: backward cannot pass a "
            "gradient through it."
        )
    return k * u ** (k - 1)


def _check_gradients(order: list[Value]) -> None:
    """After `backward`: `ValueError` if a gradient overflowed, instead of inf or nan."""
    if not all(math.isfinite(node.grad) for node in order if node._op != "constant"):
        raise ValueError(
            "backward overflowed: a gradient is beyond the largest float (or inf times 0 made "
            "nan); the function changes too fast at these values."
        )


def _topological_order(root: Value) -> list[Value]:
    """Every value `root` depends on, each after its inputs (iterative depth-first search)."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((child, False) for child in node._prev)
    return order
