"""Child side of sandboxed reasoning-gym scoring: ``score_answer`` on model text, under bubblewrap.

Started by ``bootcamp.compat.reasoning_gym`` as ``python -I -S _rg_scorer.py``
inside the sandbox (see ``sandbox.py``). Reads ``{"dataset", "seed", "size",
"index", "answer", "memory_mb", "cpu_s"}`` from stdin, drops root, sets
rlimits, imports reasoning-gym from the read-only site-packages, says
``{"ready": 1}``, then scores and writes ``{"score": x}`` or ``{"error": ...}``.
"""

import json
import os
import resource
import sys


def main() -> None:
    payload = json.loads(sys.stdin.buffer.read())
    out_fd = os.dup(1)
    os.dup2(2, 1)

    def emit(record: dict) -> None:
        data = (json.dumps(record) + "\n").encode()
        while data:
            data = data[os.write(out_fd, data):]

    if os.getuid() == 0:
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
        except OSError:
            pass
    if os.getuid() == 0 or os.geteuid() == 0:
        emit({"fatal": "sandbox", "detail": "could not drop to an unprivileged user"})
        return
    mem = int(payload.get("memory_mb", 2048)) * 1024 * 1024
    cpu = int(payload.get("cpu_s", 30))
    for which, value in ((resource.RLIMIT_CORE, 0), (resource.RLIMIT_AS, mem), (resource.RLIMIT_CPU, cpu),
                         (resource.RLIMIT_FSIZE, 1 << 20)):
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        os.environ[var] = "1"
    import site

    site.addsitedir(payload.get("site", "/sandbox/site"))
    try:
        import reasoning_gym

        dataset = reasoning_gym.create_dataset(payload["dataset"], size=payload["size"], seed=payload["seed"])
        entry = payload.get("entry") or dataset[payload["index"]]
    except BaseException as exc:  # noqa: BLE001
        emit({"fatal": "sandbox", "detail": f"cannot load the dataset: {type(exc).__name__}: {exc}"[:300]})
        return
    try:
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))  # no new processes or threads from here on
    except (ValueError, OSError):
        pass
    emit({"ready": 1})
    try:
        score = dataset.score_answer(payload["answer"], entry)
        emit({"score": float(score or 0.0)})
    except MemoryError:
        emit({"error": "MemoryError"})
    except BaseException as exc:  # noqa: BLE001 - their scorer failing on model output is a zero
        emit({"error": f"{type(exc).__name__}: {exc}"[:200]})


if __name__ == "__main__":
    main()
