"""Reward specs: parts name declared reward kinds; a plugin declares new ones."""

from __future__ import annotations

import subprocess
import sys

import pytest

import bootcamp
from bootcamp import RewardPart, RewardSpec, register_reward_kind, reward_kinds

BUILTIN = ("rule", "checker", "model", "judge", "similarity")


def test_builtin_kinds_are_declared_with_descriptions() -> None:
    kinds = reward_kinds()
    assert tuple(kinds)[:5] == BUILTIN
    assert all(isinstance(d, str) and d and "\n" not in d for d in kinds.values())
    assert RewardPart().kind == "rule"


def test_unknown_kind_is_a_value_error_listing_the_valid_kinds_sorted() -> None:
    with pytest.raises(ValueError) as info:
        RewardPart(name="x", kind="modle")
    msg = str(info.value)
    assert "kind" in msg and "'modle'" in msg
    listed = msg.split("valid kinds: ", 1)[1].split(" (", 1)[0].split(", ")
    assert listed == sorted(reward_kinds()) and set(BUILTIN) <= set(listed)
    with pytest.raises(ValueError, match="valid kinds"):
        RewardSpec.model_validate({"parts": [{"name": "a", "kind": "nope"}]})


def test_a_plugin_declares_a_kind() -> None:
    assert register_reward_kind("test_spec_regex", "test-only: a regex must match the response") == "test_spec_regex"
    spec = RewardSpec(parts=[RewardPart(name="rule"), RewardPart(name="re", kind="test_spec_regex")],
                      combine="weighted")
    assert spec.parts[1].kind == "test_spec_regex"
    assert RewardSpec.model_validate_json(spec.model_dump_json()) == spec
    assert reward_kinds()["test_spec_regex"] == "test-only: a regex must match the response"
    # declaring it again the same way is fine (a module imported twice); another meaning is not
    register_reward_kind("test_spec_regex", "test-only: a regex must match the response")
    with pytest.raises(ValueError, match="already declared"):
        register_reward_kind("test_spec_regex", "something else")
    with pytest.raises(ValueError, match="already declared"):
        register_reward_kind("rule", "my rule")


@pytest.mark.parametrize("name", ["", "Rule", "1st", "two words", "a-b", None])
def test_bad_kind_names(name: object) -> None:
    with pytest.raises(ValueError, match="reward kind"):
        register_reward_kind(name, "a description")  # type: ignore[arg-type]


@pytest.mark.parametrize("description", ["", "   ", "two\nlines", None])
def test_a_kind_needs_a_one_line_description(description: object) -> None:
    with pytest.raises(ValueError, match="one-line description"):
        register_reward_kind("test_spec_desc", description)  # type: ignore[arg-type]


def test_exported_from_the_sdk_and_import_stays_light() -> None:
    assert bootcamp.register_reward_kind is register_reward_kind and bootcamp.reward_kinds is reward_kinds
    code = ("import sys, bootcamp; bootcamp.register_reward_kind('test_x', 'x'); "
            "print(sorted(m for m in ('torch', 'ray', 'rdkit', 'pymatgen', 'sympy', 'rewards') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
