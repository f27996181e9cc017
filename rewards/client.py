"""Python clients of the reward service: :class:`BootcampClient` (sync) and :class:`AsyncBootcampClient`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import httpx

from bootcamp.types import Problem, Verdict


class RewardServiceError(RuntimeError):
    """The service answered with an error status."""

    def __init__(self, status: int, detail: Any) -> None:
        self.status = status
        self.detail = detail
        super().__init__(f"HTTP {status}: {detail}")


def _items(items: Iterable[Any]) -> list[dict[str, Any]]:
    out = []
    for it in items:
        if isinstance(it, dict):
            out.append({"task": it["task"], "identity": it.get("identity") or {}, "response": it.get("response", "")})
        else:
            task, identity, response = it
            out.append({"task": task, "identity": identity, "response": response})
    return out


def _check(r: httpx.Response) -> Any:
    if r.status_code >= 400:
        try:
            detail = r.json().get("detail", r.text)
        except ValueError:
            detail = r.text
        raise RewardServiceError(r.status_code, detail)
    return r.json()


def _headers(api_key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


class BootcampClient:
    """A blocking client.

    Args:
        base_url: e.g. ``http://127.0.0.1:8000``.
        api_key: sent as a bearer token.
        timeout: seconds per request.
        retries: connection retries (httpx transport level).
        batch_size: :meth:`verify_batch` splits larger batches into requests of this size.
    """

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 60.0, retries: int = 2,
                 batch_size: int = 512) -> None:
        self.batch_size = batch_size
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, headers=_headers(api_key),
                                  transport=httpx.HTTPTransport(retries=retries))

    def health(self) -> dict[str, Any]:
        return _check(self._http.get("/healthz"))

    def tasks(self, domain: str | None = None, pattern: str | None = None) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("domain", domain), ("pattern", pattern)) if v}
        return _check(self._http.get("/v1/tasks", params=params))

    def task(self, task_id: str) -> dict[str, Any]:
        return _check(self._http.get(f"/v1/tasks/{task_id}"))

    def problems(self, task: str, n: int = 1, seed: int = 0, with_answer: bool = False) -> list[Problem]:
        body = {"task": task, "n": n, "seed": seed, "with_answer": with_answer}
        return [Problem.model_validate(p) for p in _check(self._http.post("/v1/problems", json=body))["problems"]]

    def verify(self, task: str, identity: dict[str, Any], response: str) -> Verdict:
        body = {"task": task, "identity": identity, "response": response}
        return Verdict.model_validate(_check(self._http.post("/v1/verify", json=body)))

    def verify_batch(self, items: Sequence[Any]) -> list[Verdict]:
        """Verdicts for ``(task, identity, response)`` tuples or dicts, in order."""
        body = _items(items)
        out: list[Verdict] = []
        for start in range(0, len(body), self.batch_size):
            data = _check(self._http.post("/v1/verify/batch", json={"items": body[start:start + self.batch_size]}))
            out += [Verdict.model_validate(v) for v in data["verdicts"]]
        return out

    def get_reward(self, query: list[str], labels: list[str], prompts: list[str] | None = None) -> dict[str, Any]:
        return _check(self._http.post("/get_reward", json={"query": query, "prompts": prompts, "labels": labels}))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BootcampClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncBootcampClient:
    """The asyncio twin of :class:`BootcampClient`."""

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 60.0, retries: int = 2,
                 batch_size: int = 512) -> None:
        self.batch_size = batch_size
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout, headers=_headers(api_key),
                                       transport=httpx.AsyncHTTPTransport(retries=retries))

    async def health(self) -> dict[str, Any]:
        return _check(await self._http.get("/healthz"))

    async def tasks(self, domain: str | None = None, pattern: str | None = None) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("domain", domain), ("pattern", pattern)) if v}
        return _check(await self._http.get("/v1/tasks", params=params))

    async def task(self, task_id: str) -> dict[str, Any]:
        return _check(await self._http.get(f"/v1/tasks/{task_id}"))

    async def problems(self, task: str, n: int = 1, seed: int = 0, with_answer: bool = False) -> list[Problem]:
        body = {"task": task, "n": n, "seed": seed, "with_answer": with_answer}
        data = _check(await self._http.post("/v1/problems", json=body))
        return [Problem.model_validate(p) for p in data["problems"]]

    async def verify(self, task: str, identity: dict[str, Any], response: str) -> Verdict:
        body = {"task": task, "identity": identity, "response": response}
        return Verdict.model_validate(_check(await self._http.post("/v1/verify", json=body)))

    async def verify_batch(self, items: Sequence[Any]) -> list[Verdict]:
        body = _items(items)
        out: list[Verdict] = []
        for start in range(0, len(body), self.batch_size):
            r = await self._http.post("/v1/verify/batch", json={"items": body[start:start + self.batch_size]})
            out += [Verdict.model_validate(v) for v in _check(r)["verdicts"]]
        return out

    async def get_reward(self, query: list[str], labels: list[str],
                         prompts: list[str] | None = None) -> dict[str, Any]:
        body = {"query": query, "prompts": prompts, "labels": labels}
        return _check(await self._http.post("/get_reward", json=body))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncBootcampClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
