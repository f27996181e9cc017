"""The registry of task domains: the first part of every task id (``chem/...``).

A plugin may add a domain before it registers tasks in it::

    import bootcamp

    bootcamp.register_domain("astro", "Astronomy: orbits, magnitudes, spectra")

or through the ``bootcamp.domains`` entry-point group (a module that calls
``register_domain``, or a callable called with no arguments), loaded with the tasks.
"""

from __future__ import annotations

import re
import threading

_NAME_RE = re.compile(r"^[a-z]+$")
_lock = threading.Lock()

#: name -> one-line description; the built-in domains first.
_DOMAINS: dict[str, str] = {
    "chem": "Chemistry with RDKit: molecules, properties, reactions",
    "materials": "Materials science with pymatgen: compositions, structures, phases",
    "math": "Mathematics with sympy: algebra, calculus, number theory, probability",
    "physics": "Physics: mechanics, electricity, thermodynamics, waves, modern physics",
    "biology": "Biology: sequences, genetics, proteins, populations",
    "earth": "Earth science: atmosphere, solid earth",
    "logic": "Logic puzzles and algorithms verified by their rules",
    "code": "Programming: a function checked against hidden tests in a sandbox",
    "open": "Open-ended explanations: rubric plus a reward model",
    "generic": "Checker-only tasks: score any answer against a given reference",
}


class UnknownDomainError(ValueError):
    """A task id names a domain nobody registered."""


def register_domain(name: str, description: str) -> str:
    """Add a domain (idempotent for the same description); returns ``name``.

    Raises:
        ValueError: the name is not lowercase letters, the description is empty, or the
            domain exists with another description.
    """
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ValueError(f"domain {name!r}: a domain is lowercase letters only, e.g. 'astro'")
    if not isinstance(description, str) or not description.strip():
        raise ValueError(f"domain {name!r}: a domain needs a description")
    with _lock:
        known = _DOMAINS.get(name)
        if known is not None and known != description:
            raise ValueError(f"domain {name!r} is already registered ({known!r})")
        _DOMAINS[name] = description
    return name


def domains() -> dict[str, str]:
    """Every registered domain with its description, built-ins first."""
    return dict(_DOMAINS)


def check_domain(name: str) -> None:
    """Raise :class:`UnknownDomainError`, listing the known domains, unless ``name`` is registered."""
    if name not in _DOMAINS:
        raise UnknownDomainError(
            f"domain {name!r} is not registered; known: {', '.join(sorted(_DOMAINS))} "
            "(a plugin adds one with bootcamp.register_domain)"
        )
