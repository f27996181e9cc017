"""The generic registry behind every extension point (rollout engines, advantage estimators, loss aggregations)."""

import sys
import types

import pytest

from bootcamp.extension import ExtensionRegistry, RegistrationError, UnknownNameError


def test_register_lookup_and_sorted_unknown_error():
    reg: ExtensionRegistry[int] = ExtensionRegistry("widget", "job.widget")

    @reg.register("zeta")
    def zeta() -> int:
        return 1

    reg.add("alpha", 2)
    assert reg.get("zeta") is zeta and reg.get("alpha") == 2
    assert reg.names() == ["alpha", "zeta"] and "alpha" in reg and "beta" not in reg
    with pytest.raises(UnknownNameError, match=r"^job.widget: unknown 'beta'; valid: alpha, zeta$"):
        reg.get("beta")
    assert issubclass(UnknownNameError, ValueError)


def test_duplicate_and_empty_names_fail():
    reg: ExtensionRegistry[int] = ExtensionRegistry("widget", "job.widget")
    reg.add("a", 1)
    with pytest.raises(RegistrationError, match="widget 'a' is already registered"):
        reg.add("a", 2)
    with pytest.raises(RegistrationError, match="non-empty"):
        reg.add("", 3)
    assert reg.get("a") == 1
    reg.remove("a")
    assert reg.names() == []


def _fake_package(monkeypatch, tmp_path, name, files):
    pkg = tmp_path / name
    pkg.mkdir()
    for fname, text in files.items():
        (pkg / fname).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    return name


def test_modules_of_the_package_register_on_first_use(monkeypatch, tmp_path):
    reg: ExtensionRegistry[int] = ExtensionRegistry("widget", "job.widget", package="fake_widgets")
    monkeypatch.setitem(sys.modules, "widget_registry", types.SimpleNamespace(REG=reg))
    _fake_package(monkeypatch, tmp_path, "fake_widgets", {
        "__init__.py": "",
        "one.py": "from widget_registry import REG\nREG.add('one', 1)\n",
        "two.py": "from widget_registry import REG\nREG.add('two', 2)\n",
        "_private.py": "raise RuntimeError('private modules are not imported')\n",
    })
    assert reg.names() == ["one", "two"]
    with pytest.raises(RegistrationError):  # a clash with a discovered name fails at registration
        reg.add("one", 3)


def test_a_broken_module_fails_every_lookup(monkeypatch, tmp_path):
    reg: ExtensionRegistry[int] = ExtensionRegistry("widget", "job.widget", package="broken_widgets")
    _fake_package(monkeypatch, tmp_path, "broken_widgets", {"__init__.py": "", "bad.py": "import no_such_module\n"})
    for _ in range(2):
        with pytest.raises(ModuleNotFoundError):
            reg.names()


def test_entry_points_are_loaded(monkeypatch):
    reg: ExtensionRegistry[int] = ExtensionRegistry("widget", "job.widget", entry_points="test.widgets")

    class EntryPoint:
        def load(self):
            return lambda: reg.add("plugin", 7)

    monkeypatch.setattr("bootcamp.extension.metadata.entry_points",
                        lambda group: [EntryPoint()] if group == "test.widgets" else [])
    assert reg.get("plugin") == 7
