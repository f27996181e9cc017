import random
import subprocess
import sys

import pytest

import bootcamp
from bootcamp import RegistrationError, Registry, Task, UnknownTaskError


def test_register_and_get(registry, add_task_cls):
    assert "math/test_add" in registry
    task = registry.get("math/test_add")
    assert isinstance(task, add_task_cls) and task.task_id == "math/test_add"
    assert registry.get("math/test_add") is task  # cached


def test_family_registers_many_ids(add_task_cls):
    reg = Registry(load_plugins=False)
    for n in (10, 1000):
        reg.register(add_task_cls, f"math/add_up_to_{n}", {"max_value": n}, f"Add numbers up to {n}.")
    assert reg.ids() == ["math/add_up_to_10", "math/add_up_to_1000"]
    assert reg.get("math/add_up_to_10").params["max_value"] == 10


@pytest.mark.parametrize("bad_id", ["Math/add", "math", "math/", "physicsx/add", "math/Add", "math/a b", "/add", 42])
def test_bad_ids_fail_at_register_time(add_task_cls, bad_id):
    with pytest.raises(RegistrationError):
        Registry(load_plugins=False).register(add_task_cls, bad_id)


def test_duplicate_fails(registry, add_task_cls):
    with pytest.raises(RegistrationError, match="duplicate"):
        registry.register(add_task_cls)


def test_missing_method_fails():
    class Half(Task):
        id = "math/half"
        description = "x"

        def generate(self, rng):
            return {}

    with pytest.raises(RegistrationError, match="does not implement"):
        Registry(load_plugins=False).register(Half)


def test_bad_params_fail(add_task_cls):
    with pytest.raises(RegistrationError, match="unknown parameter"):
        Registry(load_plugins=False).register(add_task_cls, "math/x", {"colour": "red"})


def test_not_a_task_fails():
    with pytest.raises(RegistrationError):
        Registry(load_plugins=False).register(dict, "math/dict")  # type: ignore[arg-type]


def test_unknown_id_names_closest(registry):
    with pytest.raises(UnknownTaskError) as exc:
        registry.get("math/test_ad")
    assert "math/test_add" in str(exc.value)
    assert exc.value.suggestions == ["math/test_add"]


def test_resolve_globs(registry):
    assert registry.resolve(["math/*"]) == ["math/test_add"]
    with pytest.raises(UnknownTaskError):
        registry.resolve(["chem/*"])


def test_decorator_registers(add_task_cls):
    reg = Registry(load_plugins=False)

    @bootcamp.register(task_id="math/sub", registry=reg, description="Subtract.")
    class Sub(add_task_cls):
        pass

    assert reg.ids() == ["math/sub"]


def test_builtin_tasks_load_through_entry_point():
    reg = Registry()
    assert len(reg) >= 4
    assert "math/modular_inverse" in reg
    assert reg.entry("math/modular_inverse").source == "builtin"


def test_import_bootcamp_stays_light():
    code = (
        "import sys, bootcamp; bootcamp.REGISTRY; "
        "heavy = [m for m in ('torch', 'ray', 'rdkit', 'pymatgen', 'sympy', 'vllm', 'tasks') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_generation_uses_only_the_given_rng(registry):
    task = registry.get("math/test_add")
    random.seed(1)
    a = task.problem(3)
    random.seed(2)
    assert task.problem(3) == a
