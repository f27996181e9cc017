"""The registry of task domains: the first part of every task id (``chem/...``).

A plugin may add a domain before it registers tasks in it::

    import bootcamp

    bootcamp.register_domain("astro", "Astronomy: orbits, magnitudes, spectra")

or through the ``bootcamp.domains`` entry-point group (a module that calls
``register_domain``, or a callable called with no arguments), loaded with the tasks.
"""

from __future__ import annotations

from bootcamp.extension import NameTable

#: name -> one-line description; the built-in domains first.
_BUILTIN: dict[str, str] = {
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


DOMAIN_NAMES = NameTable("domain", "domains", r"[a-z]+", "a domain is lowercase letters only, e.g. 'astro'", _BUILTIN,
                        hint=" (a plugin adds one with bootcamp.register_domain)", error=UnknownDomainError)


def register_domain(name: str, description: str) -> str:
    """Add a domain (idempotent for the same description); returns ``name``.

    Raises:
        ValueError: the name is not lowercase letters, the description is empty or not one line,
            or the domain exists with another description.
    """
    return DOMAIN_NAMES.declare(name, description)


def domains() -> dict[str, str]:
    """Every registered domain with its description, built-ins first."""
    return DOMAIN_NAMES.items()


def check_domain(name: str) -> None:
    """Raise :class:`UnknownDomainError`, listing the known domains, unless ``name`` is registered."""
    DOMAIN_NAMES.check(name)
