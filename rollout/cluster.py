"""Ray for a job's actors: start a local Ray or join a cluster, with one thread per worker."""

from __future__ import annotations

import os

#: Environment every actor of a job gets: one thread each (oversubscribing 2 cores costs up to 100x).
WORKER_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "VLLM_LOGGING_LEVEL": "WARNING",
    "VLLM_ENABLE_V1_MULTIPROCESSING": "0",
    "TRANSFORMERS_VERBOSITY": "error",
    "HF_HUB_OFFLINE": "1",
}


def ensure_ray(address: str | None = None, env: dict[str, str] | None = None) -> bool:
    """Connect to ``address`` or start a local Ray; returns True when this call started it.

    ``env`` is added to every worker's environment (e.g. an engine's ``Options.worker_env()``).
    """
    import ray

    if ray.is_initialized():
        return False
    env = {**WORKER_ENV, **(env or {})}
    if address:
        ray.init(address=address, runtime_env={"env_vars": env}, log_to_driver=False)
    else:
        # A private local Ray: no auth token under the home folder, no dashboard.
        os.environ.setdefault("RAY_AUTH_MODE", "disabled")
        ray.init(num_cpus=os.cpu_count() or 1, include_dashboard=False, runtime_env={"env_vars": env},
                 log_to_driver=False)
    return True
