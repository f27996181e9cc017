"""Child side of sandboxed reasoning-gym scoring: ``score_answer`` under bubblewrap, as a warm template.

Started ahead by the warm pool (``warm.py``) as ``python -I -S -B _rg_scorer.py SITE`` inside the
sandbox (see ``sandbox.py``). Warm-up: drop root, import reasoning-gym from the read-only site-packages.
Then, per request (a fresh fork of the warm process, see ``_serve.py``): read ``{"dataset", "seed",
"size", "index", "entry", "answer", "memory_mb", "cpu_s"}``, set rlimits, rebuild the entry, say
``{"ready": 1}``, score and write ``{"score": x}`` or ``{"error": ...}``.

The answer it scores has already passed a strict grammar (``bootcamp.compat.rg_safe``) and been
re-printed: no model text is evaluated here, which is what makes a shared template safe.
"""

import os
import resource
import sys


def _warm_up():
    if os.getuid() == 0:
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
        except OSError:
            pass
    if os.getuid() == 0 or os.geteuid() == 0:
        raise PermissionError("could not drop to an unprivileged user")
    import site

    site.addsitedir(sys.argv[1] if len(sys.argv) > 1 else "/sandbox/site")
    import reasoning_gym

    return reasoning_gym


def _limit(which: int, value: int) -> None:
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass


def _handle(reasoning_gym, payload: dict, out_fd: int, _workdir: str) -> None:
    from _serve import emit

    mem = int(payload.get("memory_mb", 2048)) * 1024 * 1024
    for which, value in ((resource.RLIMIT_CORE, 0), (resource.RLIMIT_AS, mem),
                         (resource.RLIMIT_CPU, int(payload.get("cpu_s", 30))), (resource.RLIMIT_FSIZE, 1 << 20)):
        _limit(which, value)
    try:
        dataset = reasoning_gym.create_dataset(payload["dataset"], size=payload["size"], seed=payload["seed"])
        entry = payload.get("entry") or dataset[payload["index"]]
    except BaseException as exc:  # noqa: BLE001
        emit(out_fd, {"fatal": "sandbox", "detail": f"cannot load the dataset: {type(exc).__name__}: {exc}"[:300]})
        return
    _limit(resource.RLIMIT_NPROC, 0)  # no new processes or threads from here on
    emit(out_fd, {"ready": 1})
    try:
        score = dataset.score_answer(payload["answer"], entry)
        emit(out_fd, {"score": float(score or 0.0)})
    except MemoryError:
        emit(out_fd, {"error": "MemoryError"})
    except BaseException as exc:  # noqa: BLE001 - their scorer failing on an answer is a zero
        emit(out_fd, {"error": f"{type(exc).__name__}: {exc}"[:200]})


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _serve import serve

    serve(_warm_up, _handle, template=True)
