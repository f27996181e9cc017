"""Find where an outside verifier evaluates text, and swap in strict stand-ins while it scores.

Some InternBootCamp classes score with ``eval(solution)`` (``Game24``,
``KorPuzzle24Points``, ...): the model's text runs in the reward process.
:func:`scan` reads the source of a class's scoring path (``extract_output``,
``_verify_correction``, ``verify_score`` and the functions and methods they
reach by name, outside the standard library and other installed packages) and walks
its syntax trees for uses of ``eval``, ``exec``, ``compile``, ``__import__``,
``sympify`` and ``parse_expr``, under their own names, under another global
name bound to them, or as an attribute of a module (``sympy.sympify``,
``builtins.eval``). :meth:`Guard.active` then puts the stand-ins of
:mod:`bootcamp.compat.safe_eval` in the module globals those functions read
(a module reached by attribute is replaced by a proxy that answers those
attributes with the stand-ins), for the duration of one scoring call, under a
process-wide lock, and puts everything back after.

A use the guard cannot replace (a longer attribute chain such as
``sympy.parsing.sympy_parser.parse_expr``) is listed in ``Guard.unguarded``;
the adapter refuses such a class.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import sys
import sysconfig
import textwrap
import threading
import types
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from bootcamp.compat import safe_eval

#: The methods scoring starts from.
SCORING_METHODS = ("extract_output", "_verify_correction", "verify_score")
#: Most functions read per class.
MAX_FUNCTIONS = 300
#: Attribute names worth resolving on a module (the rest are left unread).
GUARDED_NAMES = frozenset({"eval", "exec", "compile", "__import__", "sympify", "parse_expr"})

_LOCK = threading.RLock()
_MISSING = object()
_LIBRARY_DIRS = tuple(sorted({sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}))


def _stand_ins() -> dict[int, tuple[str, Any]]:
    """id of a dangerous object -> (its name, its stand-in)."""
    out: dict[int, tuple[str, Any]] = {
        id(builtins.eval): ("eval", safe_eval.safe_eval), id(builtins.exec): ("exec", safe_eval.refuse_exec),
        id(builtins.compile): ("compile", safe_eval.refuse_compile),
        id(builtins.__import__): ("__import__", safe_eval.refuse_import),
    }
    sympify = getattr(sys.modules.get("sympy.core.sympify"), "sympify", None)
    parse_expr = getattr(sys.modules.get("sympy.parsing.sympy_parser"), "parse_expr", None)
    if sympify is not None:
        out[id(sympify)] = ("sympify", safe_eval.safe_sympify)
    if parse_expr is not None:
        out[id(parse_expr)] = ("parse_expr", safe_eval.safe_parse_expr)
    return out


class _GuardedModule(types.ModuleType):
    """A module seen through a proxy: some attributes answered by stand-ins, the rest by the module."""

    def __init__(self, module: types.ModuleType, overrides: dict[str, Any]) -> None:
        super().__init__(module.__name__, module.__doc__)
        self.__dict__["_guarded_module"] = module
        self.__dict__.update(overrides)

    def __getattr__(self, name: str) -> Any:  # only called for names not overridden
        return getattr(self.__dict__["_guarded_module"], name)


@dataclass
class Guard:
    """What :func:`scan` found in a class's scoring path, and how to neutralise it.

    Attributes:
        found: the uses found, e.g. ``("eval", "sympy.sympify")``.
        unguarded: uses the stand-ins cannot reach (the adapter refuses the class).
        patches: ``(module globals, name, stand-in)`` to apply while scoring.
    """

    found: tuple[str, ...] = ()
    unguarded: tuple[str, ...] = ()
    patches: tuple[tuple[dict[str, Any], str, Any], ...] = field(default=(), repr=False)

    @property
    def evaluating(self) -> bool:
        """Whether the scoring path evaluates text."""
        return bool(self.found)

    @contextmanager
    def active(self) -> Iterator[None]:
        """The stand-ins in place (under the process-wide lock) for the duration; the originals after."""
        if not self.patches:
            yield
            return
        with _LOCK:
            saved = [(g, name, g.get(name, _MISSING)) for g, name, _ in self.patches]
            try:
                for g, name, stand_in in self.patches:
                    g[name] = stand_in
                yield
            finally:
                for g, name, old in reversed(saved):
                    if old is _MISSING:
                        g.pop(name, None)
                    else:
                        g[name] = old

    def exclusive(self) -> AbstractContextManager[Any]:
        """The lock alone: other code of a patched module must not run while another thread scores."""
        return _LOCK if self.patches else nullcontext()


def _library(func: types.FunctionType, own: set[str]) -> bool:
    """Standard library or an installed package other than the class's own (sympy's internals are not read)."""
    top = (getattr(func, "__module__", None) or "").split(".")[0]
    return top not in own and func.__code__.co_filename.startswith(_LIBRARY_DIRS)


def _tree(func: types.FunctionType) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None


def _functions(value: Any) -> list[types.FunctionType]:
    value = getattr(value, "__func__", value)  # bound methods, classmethod and staticmethod objects
    try:
        value = inspect.unwrap(value) if callable(value) else value
    except ValueError:  # a __wrapped__ loop
        return []
    return [value] if isinstance(value, types.FunctionType) else []


def _module(node: ast.expr, g: dict[str, Any]) -> types.ModuleType | None:
    """The module a dotted name of modules (``sympy``, ``sympy.parsing.sympy_parser``) stands for, if any."""
    if isinstance(node, ast.Name):
        value = g.get(node.id)
    elif isinstance(node, ast.Attribute):
        outer = _module(node.value, g)
        value = getattr(outer, node.attr, None) if outer is not None else None
    else:
        return None
    return value if isinstance(value, types.ModuleType) else None


def scan(cls: type) -> Guard:
    """Read ``cls``'s scoring path for evaluation of text (see the module doc)."""
    stand_ins = _stand_ins()
    found: dict[str, None] = {}
    unguarded: dict[str, None] = {}
    patches: dict[tuple[int, str], tuple[dict[str, Any], str, Any]] = {}
    proxies: dict[tuple[int, str], tuple[dict[str, Any], str, types.ModuleType, dict[str, Any]]] = {}
    methods = {name for k in cls.__mro__ for name in vars(k)}
    own = {k.__module__.split(".")[0] for k in cls.__mro__ if k is not object}
    queue = [f for m in SCORING_METHODS for f in _functions(getattr(cls, m, None))]
    seen: set[int] = set()
    while queue and len(seen) < MAX_FUNCTIONS:
        func = queue.pop()
        if id(func) in seen or _library(func, own):
            continue
        seen.add(id(func))
        g = func.__globals__
        tree = _tree(func)
        if tree is None:  # unreadable: assume the worst and guard the builtins it could name
            found[f"<no source: {func.__qualname__}>"] = None
            for name in ("eval", "exec", "compile", "__import__"):
                patches[(id(g), name)] = (g, name, stand_ins[id(getattr(builtins, name))][1])
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                value = g.get(node.id, getattr(builtins, node.id, _MISSING))
                if id(value) in stand_ins:
                    label, stand_in = stand_ins[id(value)]
                    found[node.id if node.id == label else f"{node.id}={label}"] = None
                    patches[(id(g), node.id)] = (g, node.id, stand_in)
                else:
                    queue += _functions(value) if isinstance(value, types.FunctionType) else []
            elif isinstance(node, ast.Attribute):
                if node.attr in methods:
                    queue += [f for k in cls.__mro__ for f in _functions(vars(k).get(node.attr))]
                owner = _module(node.value, g) if node.attr in GUARDED_NAMES else None
                if owner is None or id(getattr(owner, node.attr, None)) not in stand_ins:
                    continue
                if not isinstance(node.value, ast.Name):  # a.b.parse_expr: no proxy for a chain
                    unguarded[ast.unparse(node)] = None
                    continue
                found[f"{node.value.id}.{node.attr}"] = None
                entry = proxies.setdefault((id(g), node.value.id), (g, node.value.id, owner, {}))
                entry[3][node.attr] = stand_ins[id(getattr(owner, node.attr))][1]
    if any(id(f) not in seen and not _library(f, own) for f in queue):
        unguarded[f"<over {MAX_FUNCTIONS} functions on the scoring path>"] = None
    for g, base, owner, overrides in proxies.values():
        patches[(id(g), base)] = (g, base, _GuardedModule(owner, overrides))
    return Guard(tuple(found), tuple(unguarded), tuple(patches.values()))
