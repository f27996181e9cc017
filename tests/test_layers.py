"""The layer contract (docs/architecture.md): imports point down, no cycle among the top-level packages.

`lint-imports` checks the contract in pyproject.toml; the grimp checks below read the
same import graph (imports inside functions included) and name the offending chain.
"""

import subprocess
import sys
from itertools import permutations
from pathlib import Path

import pytest

grimp = pytest.importorskip("grimp")

ROOT = Path(__file__).parents[1]
PACKAGES = ("bootcamp", "tasks", "rewards", "rollout", "learner")
#: Which package may import which (everything else is forbidden).
ALLOWED = {
    "bootcamp": set(),
    "tasks": {"bootcamp"},
    "rewards": {"bootcamp"},
    "rollout": {"bootcamp"},
    "learner": {"bootcamp", "tasks", "rewards", "rollout"},
}


@pytest.fixture(scope="module")
def graph():
    sys.path.insert(0, str(ROOT))
    try:
        return grimp.build_graph(*PACKAGES, cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))


def _forbidden_chains(graph, packages, allowed):
    found = []
    for low, high in permutations(packages, 2):
        if high in allowed[low]:
            continue
        chain = graph.find_shortest_chain(importer=low, imported=high, as_packages=True)
        if chain:
            found.append(" -> ".join(chain))
    return found


def test_lint_imports_contract_is_kept():
    exe = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(exe), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_imports_only_point_down(graph):
    assert _forbidden_chains(graph, PACKAGES, ALLOWED) == []


def test_no_cycle_among_top_level_packages(graph):
    cycles = [f"{a} <-> {b}" for a, b in permutations(PACKAGES, 2) if a < b
              and graph.find_shortest_chain(importer=a, imported=b, as_packages=True)
              and graph.find_shortest_chain(importer=b, imported=a, as_packages=True)]
    assert cycles == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    """A lazy upward import (the kind that made rollout -> learner a cycle) is caught."""
    for pkg, body in {"low": "def f():\n    from high import thing\n    return thing\n",
                      "high": "from low import f\nthing = 1\n"}.items():
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "__init__.py").write_text(body)
    sys.path.insert(0, str(tmp_path))
    try:
        g = grimp.build_graph("low", "high", cache_dir=None)
    finally:
        sys.path.remove(str(tmp_path))
    chains = _forbidden_chains(g, ("low", "high"), {"low": set(), "high": {"low"}})
    assert chains == ["low -> high"]
