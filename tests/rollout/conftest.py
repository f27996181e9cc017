import pytest

from rollout import testing


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    return testing.shared_model(str(tmp_path_factory.getbasetemp() / "models"))


@pytest.fixture(scope="session")
def vllm_rollout(tiny_model):
    pytest.importorskip("vllm")
    return testing.shared_rollout("vllm", tiny_model)
