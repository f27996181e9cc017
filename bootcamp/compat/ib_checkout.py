"""Load classes from an InternBootCamp checkout although its package is also called ``bootcamp``.

InternBootCamp's modules say ``from bootcamp import Basebootcamp`` (and a few
``from internbootcamp.bootcamp.base import Basebootcamp`` or ``from
bootcamp_utils import ...``): they expect their ``internbootcamp/`` folder on
``sys.path``. With this project installed, ``bootcamp`` is ours, so those
imports fail. :func:`load_checkout` loads their ``bootcamp`` package under its
own name (:data:`DEFAULT_ALIAS`, ``internbootcamp_upstream``) and, only while
their code is being imported (:meth:`Checkout.module`, :meth:`Checkout.get`):

- hides our ``bootcamp`` and ``bootcamp.*`` entries of ``sys.modules`` and
  puts their package in ``sys.modules["bootcamp"]``;
- puts a finder first on ``sys.meta_path`` that answers ``bootcamp.X`` and
  ``internbootcamp.bootcamp.X`` with the module ``internbootcamp_upstream.X``
  (one module object whatever name imports it, so ``Basebootcamp`` is one class);
- puts their folder (and the checkout root) first on ``sys.path``.

Afterwards everything is put back: ``sys.modules["bootcamp"]`` and every
``bootcamp.*`` entry are our very objects again. Their modules stay loaded
under ``internbootcamp_upstream.*``. Load at start-up, before other threads
import: during a load another thread's first import of a ``bootcamp.*``
submodule would not find ours. Imports their code does later, at call time,
of modules that were not loaded during the load may fail: import those
modules too (:meth:`Checkout.module`).
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import importlib.util
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

DEFAULT_ALIAS = "internbootcamp_upstream"
_LOCK = threading.RLock()


class _AliasLoader(importlib.abc.Loader):
    """Answers an import of one name with the (imported) module of another name."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._spec: Any = None

    def create_module(self, spec: Any) -> ModuleType:
        module = importlib.import_module(self.target)
        self._spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self._spec  # the import system set the alias's spec on the shared module


class _AliasFinder(importlib.abc.MetaPathFinder):
    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        for prefix, alias in self.prefixes.items():
            if fullname == prefix or fullname.startswith(prefix + "."):
                canonical = alias + fullname[len(prefix):]
                return importlib.util.spec_from_loader(fullname, _AliasLoader(canonical))
        return None


def _ours(name: str) -> bool:
    return name == "bootcamp" or name.startswith("bootcamp.")


@dataclass
class Checkout:
    """A loaded InternBootCamp checkout.

    Attributes:
        root: the folder that holds their ``bootcamp/`` package (``<checkout>/internbootcamp``).
        alias: the name their package is loaded under.
        package: their ``bootcamp`` package module.
    """

    root: Path
    alias: str
    package: ModuleType
    outer: str | None = None
    _exports: dict[str, tuple[str, str]] = field(default_factory=dict)

    @contextmanager
    def names(self) -> Iterator[None]:
        """Their names in force (``bootcamp`` is theirs) for the duration; ours restored after."""
        with _LOCK:
            saved = {k: v for k, v in sys.modules.items() if _ours(k)}
            for k in saved:
                del sys.modules[k]
            sys.modules["bootcamp"] = self.package
            prefixes = {"bootcamp": self.alias}
            if self.outer:
                prefixes[f"{self.outer}.bootcamp"] = self.alias
            finder = _AliasFinder(prefixes)
            sys.meta_path.insert(0, finder)
            added = [p for p in (str(self.root), str(self.root.parent)) if p not in sys.path]
            sys.path[:0] = added
            try:
                yield
            finally:
                sys.meta_path.remove(finder)
                for p in added:
                    if p in sys.path:
                        sys.path.remove(p)
                for k in [k for k in sys.modules if _ours(k)]:
                    mod = sys.modules.pop(k)
                    if k != "bootcamp":  # theirs, imported by the clashing name: keep it under the alias
                        sys.modules.setdefault(self.alias + k[len("bootcamp"):], mod)
                sys.modules.update(saved)

    def module(self, name: str) -> ModuleType:
        """Import their module ``name`` (relative to their package, e.g. ``"game24.game_default"``)."""
        with self.names():
            return importlib.import_module(f"{self.alias}.{name}")

    def get(self, ref: str) -> type:
        """A class: ``"module.path:ClassName"``, or a name their ``bootcamp/__init__.py`` imports."""
        if ":" in ref:
            module, name = ref.split(":", 1)
        elif hasattr(self.package, ref):
            return getattr(self.package, ref)
        elif ref in self._exports:
            module, name = self._exports[ref]
        else:
            raise AttributeError(f"{ref!r} is not imported by their bootcamp/__init__.py; "
                                 "name it as 'module.path:ClassName'")
        return getattr(self.module(module), name)

    def exported(self) -> list[str]:
        """The class names their ``bootcamp/__init__.py`` imports (from its text, without running it)."""
        return sorted(self._exports)


def _exports(init: Path) -> dict[str, tuple[str, str]]:
    try:
        tree = ast.parse(init.read_text(encoding="utf-8", errors="replace"))
    except SyntaxError:
        return {}
    out = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            for a in node.names:
                out[a.asname or a.name] = (node.module, a.name)
    return out


def find_root(path: str | Path) -> Path:
    """The folder holding their ``bootcamp/`` package: ``path`` itself or ``path/internbootcamp``."""
    path = Path(path).resolve()
    for candidate in (path, path / "internbootcamp"):
        if (candidate / "bootcamp" / "__init__.py").is_file():
            return candidate
    raise ValueError(f"{path} holds no InternBootCamp package (no bootcamp/__init__.py there "
                     "or under internbootcamp/)")


def load_checkout(path: str | Path, alias: str = DEFAULT_ALIAS, run_init: bool | None = None) -> Checkout:
    """Load the InternBootCamp checkout at ``path`` (its root, or its ``internbootcamp/`` folder).

    Args:
        path: the checkout.
        alias: the module name their ``bootcamp`` package gets (it must not be taken by another folder).
        run_init: run their ``bootcamp/__init__.py`` (it imports every bootcamp they list, with all
            their dependencies). Default: only when there is no ``bootcamp/base.py``; otherwise
            ``Basebootcamp`` comes from ``base.py`` and classes are imported one module at a time.
    """
    root = find_root(path)
    pkg_dir = root / "bootcamp"
    existing = sys.modules.get(alias)
    if existing is not None:
        where = list(getattr(existing, "__path__", []))
        if where != [str(pkg_dir)]:
            raise ValueError(f"module name {alias!r} is already taken by {where}; pass another alias")
        outer = root.name if (root / "__init__.py").is_file() and root.name.isidentifier() else None
        return Checkout(root, alias, existing, outer, _exports(pkg_dir / "__init__.py"))
    if run_init is None:
        run_init = not (pkg_dir / "base.py").is_file()
    spec = importlib.util.spec_from_file_location(alias, pkg_dir / "__init__.py",
                                                  submodule_search_locations=[str(pkg_dir)])
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {pkg_dir}")
    package = importlib.util.module_from_spec(spec)
    outer = None
    if (root / "__init__.py").is_file() and root.name.isidentifier() and not _ours(root.name):
        outer = root.name
        if outer not in sys.modules:  # their outer package, not run (it imports everything): a path only
            stub = ModuleType(outer)
            stub.__path__ = [str(root)]
            sys.modules[outer] = stub
    checkout = Checkout(root, alias, package, outer, _exports(pkg_dir / "__init__.py"))
    sys.modules[alias] = package
    try:
        with checkout.names():
            if outer:
                sys.modules[f"{outer}.bootcamp"] = package
            if run_init:
                spec.loader.exec_module(package)
            else:
                package.Basebootcamp = importlib.import_module(f"{alias}.base").Basebootcamp
    except BaseException:  # leave nothing half-loaded behind: a retry starts clean
        stale = [alias] + ([f"{outer}.bootcamp"] if outer else [])
        for k in [k for k in sys.modules if any(k == s or k.startswith(s + ".") for s in stale)]:
            del sys.modules[k]
        raise
    return checkout
