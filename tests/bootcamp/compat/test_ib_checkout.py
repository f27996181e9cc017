"""Loading an InternBootCamp checkout, whose package is also called ``bootcamp``, without touching ours."""

import sys
import textwrap
import uuid

import pytest

import bootcamp
from bootcamp import Registry, check_task
from bootcamp.compat.ib_checkout import load_checkout
from bootcamp.compat.internbootcamp import wrap_internbootcamp

BASE = '''
class Basebootcamp:
    """Their base class."""

    @classmethod
    def verify_score(cls, model_output, identity, **kw):
        solution = cls.extract_output(model_output)
        return 0.0 if solution is None else float(cls._verify_correction(solution, identity))
'''

TOY = '''
import random
import re

from bootcamp import Basebootcamp


class Toybootcamp(Basebootcamp):
    """Add two numbers."""

    def case_generator(self):
        a, b = random.randrange(100), random.randrange(100)
        return {"pair": (a, b)}

    @staticmethod
    def prompt_func(case):
        return f"Add {case['pair'][0]} and {case['pair'][1]}; answer as [answer]n[/answer]."

    @staticmethod
    def extract_output(output):
        m = re.findall(r"\\[answer\\](.*?)\\[/answer\\]", output)
        return m[-1].strip() if m else None

    @classmethod
    def _verify_correction(cls, solution, identity):
        assert isinstance(identity["pair"], tuple)
        return solution == str(sum(identity["pair"]))
'''


def toy_solver(case):
    return f"[answer]{sum(case['pair'])}[/answer]"


def _write(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def _ours():
    return {k: v for k, v in sys.modules.items() if k == "bootcamp" or k.startswith("bootcamp.")}


@pytest.fixture
def alias():
    name = f"ibc_test_{uuid.uuid4().hex[:8]}"
    yield name
    for k in [k for k in sys.modules if k == name or k.startswith(name + ".") or k.split(".")[0] in
              ("internbootcamp", "bootcamp_utils", "libs")]:
        del sys.modules[k]


def test_flat_checkout_with_the_base_class_in_init(tmp_path, alias):
    _write(tmp_path, {"bootcamp/__init__.py": BASE, "bootcamp/toy.py": TOY})
    before = _ours()
    co = load_checkout(tmp_path, alias=alias)
    toy = co.get("toy:Toybootcamp")
    after = _ours()
    assert sys.modules["bootcamp"] is bootcamp and after.keys() == before.keys()
    assert all(after[k] is v for k, v in before.items())
    assert issubclass(toy, co.package.Basebootcamp)
    assert toy.__module__ == f"{alias}.toy" and sys.modules[f"{alias}.toy"].Toybootcamp is toy
    assert bootcamp.Task is bootcamp.task.Task and not hasattr(bootcamp, "Basebootcamp")
    reg = Registry(load_plugins=False)
    wrap_internbootcamp(toy, "math/ib_toy", toy_solver, registry=reg)
    p = reg.get("math/ib_toy").problem(3, with_answer=True)
    assert p.identity["pair"]["__tuple__"] and reg.get("math/ib_toy").verify(p.answer, p.identity).correct
    assert check_task("math/ib_toy", seeds=5, registry=reg).passed


REAL_LAYOUT = {
    "internbootcamp/__init__.py": "from .bootcamp import *\nraise RuntimeError('their outer package must not run')\n",
    "internbootcamp/bootcamp/__init__.py": (
        "from .base import Basebootcamp\n"
        "from .puzzles.adder import Adderbootcamp\n"
        "from .heavy.thing import Heavybootcamp\n"
    ),
    "internbootcamp/bootcamp/base.py": BASE,
    "internbootcamp/bootcamp/puzzles/__init__.py": "",
    "internbootcamp/bootcamp/puzzles/adder.py": (
        "from bootcamp import Basebootcamp\n"
        "from bootcamp.base import Basebootcamp as B2\n"
        "from internbootcamp.bootcamp.base import Basebootcamp as B3\n"
        "from bootcamp_utils import helper\n"
        "from internbootcamp.libs.adder_lib import add\n"
        "assert Basebootcamp is B2 is B3, 'one base class whatever the import'\n"
        + TOY.replace("from bootcamp import Basebootcamp", "").replace("Toybootcamp", "Adderbootcamp")
        .replace('str(sum(identity["pair"]))', 'str(add(*identity["pair"]))')
    ),
    "internbootcamp/bootcamp/heavy/__init__.py": "",
    "internbootcamp/bootcamp/heavy/thing.py": "import a_dependency_that_is_not_installed\n",
    "internbootcamp/bootcamp_utils/__init__.py": "def helper():\n    return 1\n",
    "internbootcamp/libs/__init__.py": "",
    "internbootcamp/libs/adder_lib.py": "def add(a, b):\n    return a + b\n",
}


def test_real_layout_loads_one_module_at_a_time(tmp_path, alias):
    _write(tmp_path, REAL_LAYOUT)
    before = _ours()
    co = load_checkout(tmp_path, alias=alias)  # base.py exists: their __init__ (and its heavy imports) not run
    assert "Adderbootcamp" in co.exported() and "Heavybootcamp" in co.exported()
    adder = co.get("Adderbootcamp")
    assert issubclass(adder, co.package.Basebootcamp)
    assert sys.modules[f"{alias}.base"].Basebootcamp is co.package.Basebootcamp
    with pytest.raises(ModuleNotFoundError, match="a_dependency_that_is_not_installed"):
        co.get("Heavybootcamp")
    after = _ours()
    assert after.keys() == before.keys() and all(after[k] is v for k, v in before.items())
    assert sys.modules["bootcamp"] is bootcamp
    assert str(co.root) not in sys.path
    reg = Registry(load_plugins=False)
    wrap_internbootcamp(adder, "math/ib_adder", toy_solver, registry=reg)
    assert check_task("math/ib_adder", seeds=5, hostile=False, registry=reg).passed


def test_running_their_init_and_reporting_its_failure(tmp_path, alias):
    _write(tmp_path, REAL_LAYOUT)
    before = _ours()
    with pytest.raises(ModuleNotFoundError):
        load_checkout(tmp_path / "internbootcamp", alias=alias, run_init=True)
    assert alias not in sys.modules
    after = _ours()
    assert after.keys() == before.keys() and all(after[k] is v for k, v in before.items())
    (tmp_path / "internbootcamp/bootcamp/heavy/thing.py").write_text("class Heavybootcamp:\n    pass\n")
    co = load_checkout(tmp_path, alias=alias, run_init=True)
    assert co.get("Heavybootcamp").__name__ == "Heavybootcamp" and co.package.Adderbootcamp
    assert sys.modules["bootcamp"] is bootcamp


def test_not_a_checkout(tmp_path):
    with pytest.raises(ValueError, match="no InternBootCamp package"):
        load_checkout(tmp_path)
