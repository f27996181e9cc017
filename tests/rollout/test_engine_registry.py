"""The rollout engine registry: engines by name, each with a typed options model that rejects unknown options."""

import pytest

from bootcamp.extension import RegistrationError
from rollout.engines import (
    COMMON_OPTIONS,
    ENGINES,
    EngineOptions,
    engine_options,
    make_engine,
    register_engine,
)


def test_builtin_engines_and_unknown_name():
    assert ENGINES.names() == ["hf", "vllm"]
    with pytest.raises(ValueError, match=r"^rollout.engine: unknown 'sglang'; valid: hf, vllm$"):
        make_engine("sglang", "/nowhere")
    assert set(COMMON_OPTIONS) == {"max_model_len", "seed", "device"}


@pytest.mark.parametrize("kind, options, field", [
    ("hf", {"kv_cache_gib": 2}, "rollout.engine_options.hf.kv_cache_gib"),   # a vllm option on hf
    ("vllm", {"kv_cahe_gib": 2}, "rollout.engine_options.vllm.kv_cahe_gib"),  # a typo
    ("vllm", {"max_model_len": 8}, "rollout.engine_options.vllm.max_model_len"),  # out of range
])
def test_unknown_or_bad_engine_option_names_the_field(kind, options, field):
    with pytest.raises(ValueError, match=rf"^{field}: "):
        engine_options(kind, options)
    with pytest.raises(ValueError, match=rf"^{field}: "):  # before anything is loaded
        make_engine(kind, "/nowhere", **options)


def test_options_models_are_typed_with_defaults():
    vllm = engine_options("vllm", {"seed": 3})
    assert (vllm.max_model_len, vllm.seed, vllm.device, vllm.kv_cache_gib) == (256, 3, "cpu", 1)
    assert vllm.worker_env() == {"VLLM_CPU_KVCACHE_SPACE": "1"}
    assert engine_options("hf", {}).worker_env() == {}


def test_a_registered_engine_is_buildable_by_name():
    class EchoOptions(EngineOptions):
        reply: int = 42

    @register_engine("echo")
    class EchoEngine:
        Options = EchoOptions

        def __init__(self, model_path, options):
            self.model_path, self.options = model_path, options

    try:
        engine = make_engine("echo", "/m", reply=7, seed=1)
        assert isinstance(engine, EchoEngine) and engine.options.reply == 7 and engine.options.seed == 1
        with pytest.raises(RegistrationError, match="already registered"):
            register_engine("echo")(EchoEngine)
    finally:
        ENGINES.remove("echo")
    with pytest.raises(RegistrationError, match="Options must subclass EngineOptions"):
        register_engine("bare")(type("Bare", (), {}))

