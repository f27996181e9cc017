"""Recursive-descent parser from the tokens of :mod:`bootcamp.verifiers.latex` to sympy objects.

Values: expressions, ``Eq`` (equations), ``Interval``/``Union``/``FiniteSet``,
tuples (:class:`ParenTuple`, :class:`BracketTuple`, plain ``Tuple`` for a bare
comma list) and ``ImmutableMatrix``. Every power, root, factorial, binomial, log and
product is checked by :mod:`bootcamp.verifiers.math_limits` before sympy builds it;
the finished value is walked by :func:`~bootcamp.verifiers.math_limits.check_tree`.
"""

from __future__ import annotations

import sympy as sp

from bootcamp.verifiers import math_limits as lim
from bootcamp.verifiers.latex import (
    _CONSTS,
    _FUNCS,
    MAX_DEPTH,
    MAX_ITEMS,
    BracketTuple,
    Chain,
    ParenTuple,
    ParseError,
    clean,
    tokenize,
)

_CONST_VALUES = {**_CONSTS, "reals": sp.Interval(-sp.oo, sp.oo), "empty": sp.EmptySet}
_INVERSE = {"sin": sp.asin, "cos": sp.acos, "tan": sp.atan, "sinh": sp.asinh, "cosh": sp.acosh, "tanh": sp.atanh}
_ATOM_OPS = {"(", "\\{", "{", "frac", "sqrt", "binom", "begin", "lfloor", "lceil"}
_RELOPS = ("=", "<", ">", "<=", ">=", "!=")


def _expr(v: object) -> sp.Expr:
    if not isinstance(v, sp.Expr) or isinstance(v, sp.MatrixBase):
        raise ParseError("arithmetic on a non-expression")
    return v


def as_set(v: object) -> sp.Set:
    """A set value: sets themselves, or a 2-tuple read as an interval by its brackets."""
    if isinstance(v, sp.Set):
        return v
    if isinstance(v, ParenTuple) and len(v) == 2:
        return sp.Interval.open(v[0], v[1])
    if isinstance(v, BracketTuple) and len(v) == 2:
        return sp.Interval(v[0], v[1])
    raise ParseError("not a set")


def _expr_like(v: object) -> bool:
    return isinstance(v, sp.Expr) and not isinstance(v, sp.MatrixBase)


def _relation(exprs: list[object], rels: list[str]) -> object:
    if rels == ["="]:
        lhs, rhs = exprs
        names = lhs.args if isinstance(lhs, sp.Tuple) else (lhs,)
        if not _expr_like(rhs) and all(isinstance(v, sp.Symbol) for v in names):
            return rhs  # "x = {1, 2}", "(x, y) = (2, 3)"
        return sp.Eq(_expr(lhs), _expr(rhs), evaluate=False)
    if "=" in rels or "!=" in rels or len(rels) > 6:
        raise ParseError("unsupported relation")
    vals = [_expr(e) for e in exprs]
    if all(r in (">", ">=") for r in rels):
        vals, rels = vals[::-1], [{">": "<", ">=": "<="}[r] for r in rels[::-1]]
    if not all(r in ("<", "<=") for r in rels):
        raise ParseError("mixed inequality directions")
    syms = [k for k, v in enumerate(vals) if isinstance(v, sp.Symbol)]
    if (len(syms) != 1 or any(v.free_symbols for k, v in enumerate(vals) if k != syms[0])
            or len(vals) > 3 or (len(vals) == 3 and syms[0] != 1)):
        # not "lo < x < hi": an ordering of values such as "f(2) < f(1) < f(4)"
        args: list[sp.Expr] = [vals[0]]
        for r, v in zip(rels, vals[1:], strict=True):
            args += [sp.Integer(1 if r == "<" else 0), v]
        return Chain(*args)
    k = syms[0]
    lo, lo_open = (vals[k - 1], rels[k - 1] == "<") if k > 0 else (-sp.oo, True)
    hi, hi_open = (vals[k + 1], rels[k] == "<") if k + 1 < len(vals) else (sp.oo, True)
    return sp.Interval(lo, hi, lo_open, hi_open)


def _names_function(toks: list[tuple[str, object]]) -> bool:
    """Whether the tokens before '=' are ``f(x)``, ``f^{-1}(x)`` or ``g(x, y)``: a name, not f times x."""
    if ("op", "=") not in toks:
        return False
    lhs = toks[: toks.index(("op", "="))]
    if len(lhs) < 4 or lhs[0][0] != "sym" or lhs[-1] != ("op", ")") or ("op", "(") not in lhs:
        return False
    opened = lhs.index(("op", "("))
    inner = lhs[opened + 1 : -1]
    head = lhs[1:opened]
    return bool(inner) and all(t[0] == "sym" or t == ("op", ",") for t in inner) and (
        not head or head in ([("op", "^"), ("op", "{"), ("op", "-"), ("num", 1), ("op", "}")],
                             [("op", "^"), ("op", "-"), ("num", 1)]))


class Parser:
    """One parse of one token list."""

    def __init__(self, tokens: list[tuple[str, object]]) -> None:
        self.toks = tokens
        self.pos = 0
        self.depth = 0
        self.abs_depth = 0

    # -- token helpers -------------------------------------------------------------------
    def peek(self, k: int = 0) -> tuple[str, object]:
        i = self.pos + k
        return self.toks[i] if i < len(self.toks) else ("end", None)

    def is_op(self, *ops: str) -> bool:
        kind, val = self.peek()
        return kind == "op" and val in ops

    def next(self) -> tuple[str, object]:
        tok = self.peek()
        self.pos += 1
        return tok

    def expect(self, op: str) -> None:
        if not self.is_op(op):
            raise ParseError(f"expected {op!r}")
        self.pos += 1

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError("nested too deeply")

    def starts_atom(self) -> bool:
        kind, val = self.peek()
        if kind in ("num", "sym", "const", "func"):
            return True
        return kind == "op" and (val in _ATOM_OPS or (val == "|" and self.abs_depth == 0))

    # -- grammar -------------------------------------------------------------------------
    def parse(self) -> object:
        items = self.items()
        if self.pos != len(self.toks):
            raise ParseError(f"unexpected {self.peek()[1]!r}")
        return items[0] if len(items) == 1 else sp.Tuple(*items)

    def items(self) -> list[object]:
        out = [self.item()]
        while self.is_op(",", ";"):
            self.pos += 1
            out.append(self.item())
            if len(out) > MAX_ITEMS:
                raise ParseError("too many items")
        return out

    def item(self) -> object:
        start = self.pos
        if _names_function(self.toks[start:]):
            # "f(x) = ...", "g(x, y) = ...": the left side names a function, it is not f times x
            self.pos = self.toks.index(("op", "="), start)
            first: object = sp.Symbol(str(self.toks[start][1]))
        else:
            first = self.union()
        if self.is_op("in"):
            self.pos += 1
            if not isinstance(first, sp.Symbol):
                raise ParseError("'in' after a non-variable")
            return self.union()
        exprs, rels = [first], []
        while self.is_op(*_RELOPS):
            rels.append(str(self.next()[1]))
            exprs.append(self.union())
        if not rels:
            return first
        return _relation(exprs, rels)

    def union(self) -> object:
        v = self.sum()
        while self.is_op("cup") or (self.peek() == ("sym", "U") and isinstance(v, (sp.Set, sp.Tuple))):
            self.pos += 1
            v = sp.Union(as_set(v), as_set(self.sum()))
        return v

    def sum(self) -> object:
        self.enter()
        v = self.term()
        while self.is_op("+", "-"):
            op = self.next()[1]
            r = _expr(self.term())
            v = lim.check_number(_expr(v) + r if op == "+" else _expr(v) - r)
        self.depth -= 1
        return v

    def term(self) -> object:
        v = self.unary()
        while True:
            # guarded: 10^{999} 10^{999} ... grows past any power guard, and sympy merges roots
            if self.is_op("*"):
                self.pos += 1
                v = lim.guarded_mul(_expr(v), _expr(self.unary()))
            elif self.is_op("/"):
                self.pos += 1
                v = lim.guarded_mul(_expr(v), _expr(self.unary()), divide=True)
            elif self.starts_atom():
                v = lim.guarded_mul(_expr(v), _expr(self.power()))
            else:
                return v

    def unary(self) -> object:
        if self.is_op("-", "+"):
            op = self.next()[1]
            self.enter()
            v = _expr(self.unary())
            self.depth -= 1
            return -v if op == "-" else v
        return self.power()

    def power(self) -> object:
        base = self.postfix()
        if self.is_op("^"):
            self.pos += 1
            base = lim.guarded_pow(_expr(base), _expr(self.exponent()))
        return base

    def exponent(self) -> object:
        if self.is_op("{"):
            return self.group()
        return self.unary()

    def postfix(self) -> object:
        v = self.atom()
        while self.is_op("!", "%"):
            op = self.next()[1]
            v = lim.guarded_factorial(_expr(v)) if op == "!" else _expr(v) / 100
        return v

    def group(self) -> object:
        """A ``{...}`` argument, or a single atom when there are no braces."""
        if not self.is_op("{"):
            return self.postfix()
        self.pos += 1
        v = self.sum()
        self.expect("}")
        return v

    def atom(self) -> object:
        kind, val = self.next()
        if kind == "num":
            return val
        if kind == "sym":
            return sp.Symbol(str(val))
        if kind == "const":
            return _CONST_VALUES[{"infty": "oo"}.get(str(val), str(val))]
        if kind == "func":
            return self.func(str(val))
        if kind != "op":
            raise ParseError("unexpected end")
        if val in ("(", "["):
            return self.bracketed(str(val))
        if val in ("\\{", "{"):
            self.enter()
            items = self.items()
            self.expect("\\}" if val == "\\{" else "}")
            self.depth -= 1
            if val == "{" and len(items) == 1:
                return items[0]
            return sp.FiniteSet(*items)
        if val == "frac":
            num = _expr(self.group())
            return lim.guarded_mul(num, _expr(self.group()), divide=True)
        if val == "sqrt":
            if self.is_op("["):
                self.pos += 1
                n = _expr(self.sum())
                self.expect("]")
                return lim.guarded_root(_expr(self.group()), n)
            return lim.guarded_root(_expr(self.group()))
        if val == "binom":
            return lim.guarded_binomial(_expr(self.group()), _expr(self.group()))
        if val == "|" and self.abs_depth == 0:
            self.abs_depth += 1
            v = _expr(self.sum())
            self.expect("|")
            self.abs_depth -= 1
            return sp.Abs(v)
        if val in ("lfloor", "lceil"):
            v = _expr(self.sum())
            self.expect("rfloor" if val == "lfloor" else "rceil")
            return sp.floor(v) if val == "lfloor" else sp.ceiling(v)
        if val == "begin":
            return self.matrix()
        raise ParseError(f"unexpected {val!r}")

    def bracketed(self, opener: str) -> object:
        self.enter()
        items = self.items()
        closer = self.next()
        if closer not in (("op", ")"), ("op", "]")):
            raise ParseError("unclosed bracket")
        self.depth -= 1
        close = closer[1]
        if (opener == "(") != (close == ")"):
            if len(items) != 2:
                raise ParseError("a half-open interval needs two endpoints")
            return sp.Interval(_expr(items[0]), _expr(items[1]), opener == "(", close == ")")
        if len(items) == 1 and (opener == "(" or not isinstance(items[0], BracketTuple)):
            return items[0]
        if opener == "(":
            return ParenTuple(*items)
        rows = [r for r in items if isinstance(r, BracketTuple)]
        if len(rows) == len(items) and len({len(r) for r in rows}) == 1:
            return sp.ImmutableMatrix([[_expr(x) for x in r] for r in rows])
        return BracketTuple(*items)

    def matrix(self) -> sp.ImmutableMatrix:
        rows: list[list[sp.Expr]] = [[]]
        while True:
            rows[-1].append(_expr(self.sum()))
            if sum(len(r) for r in rows) > MAX_ITEMS:
                raise ParseError("matrix too large")
            if self.is_op("&"):
                self.pos += 1
            elif self.is_op("\\\\"):
                self.pos += 1
                if self.is_op("end"):
                    self.pos += 1
                    break
                rows.append([])
            elif self.is_op("end"):
                self.pos += 1
                break
            else:
                raise ParseError("bad matrix")
        if len({len(r) for r in rows}) != 1:
            raise ParseError("ragged matrix")
        return sp.ImmutableMatrix(rows)

    def func(self, name: str) -> object:
        base = power = None
        if name == "log" and self.is_op("_"):
            self.pos += 1
            base = _expr(self.group())
        if self.is_op("^"):
            self.pos += 1
            power = _expr(self.exponent())
        if self.is_op("("):
            self.pos += 1
            self.enter()
            args = self.items()
            self.expect(")")
            self.depth -= 1
        elif self.is_op("{"):
            args = [self.group()]
        else:
            args = [self.implicit_arg()]
        if name == "Matrix":
            m = args[0] if len(args) == 1 else None
            if isinstance(m, BracketTuple):
                m = sp.ImmutableMatrix([[_expr(x) for x in m]]).T
            if not isinstance(m, sp.ImmutableMatrix):
                raise ParseError("bad Matrix()")
            return m
        if name == "factorial" and len(args) == 1:
            value = lim.guarded_factorial(_expr(args[0]))
        elif name == "binomial" and len(args) == 2:
            value = lim.guarded_binomial(_expr(args[0]), _expr(args[1]))
        elif name == "log" and len(args) == 2:
            value = lim.guarded_log(_expr(args[0]), _expr(args[1]))
        elif len(args) == 1 and _FUNCS.get(name) is not None:
            arg = _expr(args[0])
            if power == -1 and name in _INVERSE:
                return _INVERSE[name](arg)
            if name == "exp":
                value = lim.guarded_pow(sp.E, arg)  # exp towers are power towers
            elif name == "sqrt":
                value = lim.guarded_root(arg)
            elif name in ("log", "ln") or base is not None:
                value = lim.guarded_log(arg, base)
            else:
                value = _FUNCS[name](arg)
        else:
            raise ParseError(f"bad call of {name}")
        return lim.guarded_pow(value, power) if power is not None else value

    def implicit_arg(self) -> sp.Expr:
        """The argument of ``\\sin 2x``: factors up to the next operator or function."""
        v = _expr(self.unary())
        while self.starts_atom() and self.peek()[0] != "func":
            v = lim.guarded_mul(v, _expr(self.power()))
        return v


def parse_text(text: str) -> object:
    """Parse an answer into a sympy object; raises :class:`ParseError`."""
    return lim.check_tree(Parser(tokenize(clean(text))).parse())
