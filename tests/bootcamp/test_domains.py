"""The domain registry: built-ins, a plugin's own domain, clear errors."""

from importlib import metadata

import pytest

import bootcamp
from bootcamp.domains import DOMAIN_NAMES, UnknownDomainError, check_domain
from bootcamp.registry import RegistrationError, Registry


@pytest.fixture
def restore_domains():
    saved = DOMAIN_NAMES.items()
    yield
    DOMAIN_NAMES.entries.clear()
    DOMAIN_NAMES.entries.update(saved)


def test_builtin_domains_cover_the_library():
    used = {i.split("/", 1)[0] for i in bootcamp.list_tasks()}
    assert used <= set(bootcamp.domains())
    assert set(bootcamp.DOMAINS) <= set(bootcamp.domains())


def test_unknown_domain_lists_the_known_ones(add_task_cls):
    with pytest.raises(RegistrationError, match=r"unknown domain 'astro'; valid domains: biology, chem"):
        Registry(load_plugins=False).register(add_task_cls, "astro/orbit")
    with pytest.raises(UnknownDomainError, match="register_domain"):
        check_domain("astro")


def test_a_plugin_adds_a_domain_and_registers_in_it(add_task_cls, restore_domains):
    assert bootcamp.register_domain("astro", "Astronomy") == "astro"
    assert bootcamp.register_domain("astro", "Astronomy") == "astro"  # idempotent
    reg = Registry(load_plugins=False)
    reg.register(add_task_cls, "astro/orbit")
    assert reg.ids(domain="astro") == ["astro/orbit"]
    assert reg.get("astro/orbit").domain == "astro"


@pytest.mark.parametrize("name, description, message", [
    ("Astro", "x", "lowercase letters"), ("astro-1", "x", "lowercase letters"), ("astro", " ", "description"),
    ("chem", "Something else", "already declared"), ("astro", "two\nlines", "one-line"),
])
def test_bad_domains_are_refused(name, description, message, restore_domains):
    with pytest.raises(ValueError, match=message):
        bootcamp.register_domain(name, description)


def test_domain_entry_points_load_before_tasks(add_task_cls, restore_domains, monkeypatch):
    def add_astro():
        bootcamp.register_domain("astro", "Astronomy")

    def add_task(registry):
        registry.register(add_task_cls, "astro/orbit")

    def broken():
        raise RuntimeError("boom")

    eps = {
        "bootcamp.domains": [metadata.EntryPoint("astro", "m:f", "bootcamp.domains"),
                             metadata.EntryPoint("broken", "m:g", "bootcamp.domains")],
        "bootcamp.tasks": [metadata.EntryPoint("astro_tasks", "m:h", "bootcamp.tasks")],
    }
    targets = {"astro": add_astro, "broken": broken, "astro_tasks": add_task}
    monkeypatch.setattr(metadata, "entry_points", lambda group: eps.get(group, []))
    monkeypatch.setattr(metadata.EntryPoint, "load", lambda self: targets[self.name])
    reg = Registry()
    assert reg.ids() == ["astro/orbit"]
    assert reg.entry("astro/orbit").source == "astro_tasks"
    assert reg.plugin_errors == {"domain:broken": "RuntimeError: boom"}
