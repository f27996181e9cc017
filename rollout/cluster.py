"""Ray for a job's actors: start a local Ray or join a cluster, with one thread per worker."""

from __future__ import annotations

import json
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
    """Connect to ``address`` (or ``RAY_ADDRESS``) or start a local Ray; returns True when this call started it.

    ``env`` is added to every worker's environment (e.g. an engine's ``Options.worker_env()``).
    Inside ``ray job submit`` Ray sets ``RAY_ADDRESS`` to the head: the job joins that cluster, and the
    environment variables the submission's runtime env sets win over ours (Ray refuses a driver
    runtime env that sets any of them again).
    """
    import ray

    if ray.is_initialized():
        return False
    env = {**WORKER_ENV, **(env or {})}
    address = address or os.environ.get("RAY_ADDRESS") or None
    submitted = os.environ.get("RAY_JOB_CONFIG_JSON_ENV_VAR")
    if submitted:
        taken = ((json.loads(submitted).get("runtime_env") or {}).get("env_vars") or {}).keys()
        env = {k: v for k, v in env.items() if k not in taken}
    if address:
        ray.init(address=address, runtime_env={"env_vars": env}, log_to_driver=False)
    else:
        # A private local Ray: no auth token under the home folder, no dashboard.
        os.environ.setdefault("RAY_AUTH_MODE", "disabled")
        # address="local": always a new instance, never a cluster that happens to run on this machine
        ray.init(address="local", num_cpus=os.cpu_count() or 1, include_dashboard=False,
                 runtime_env={"env_vars": env}, log_to_driver=False)
    return True
