"""Reward-service settings: one pydantic model, readable from ``BOOTCAMP_*`` environment variables."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

ENV_PREFIX = "BOOTCAMP_"
#: Backend option names that hold secrets (left out of the verdict cache key).
_SECRET = re.compile(r"key|token|secret|password", re.I)
#: Shortest accepted API key: anything shorter is guessable, so it is a start-up error.
MIN_KEY_CHARS = 16


def check_keys(keys: list[str], source: str) -> list[str]:
    """``keys`` when every one is a usable bearer key; ``ValueError`` naming ``source`` otherwise.

    The message never contains a key (it ends up in logs).
    """
    for i, key in enumerate(keys):
        if not isinstance(key, str) or not key:
            raise ValueError(f"{source}: key {i + 1} is empty (a stray comma or blank entry?)")
        if any(c.isspace() for c in key):
            raise ValueError(f"{source}: key {i + 1} contains whitespace")
        if len(key) < MIN_KEY_CHARS:
            raise ValueError(f"{source}: key {i + 1} is shorter than {MIN_KEY_CHARS} characters")
        if not (key.isascii() and key.isprintable()):
            raise ValueError(f"{source}: key {i + 1} has characters outside printable ASCII")
    return keys


def read_key_file(path: str) -> list[str]:
    """The keys in ``path``: one a line; blank lines and ``#`` comments are skipped; none is an error."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"api_key_file: cannot read {path!r}: {type(exc).__name__}") from None
    keys = [line.strip() for line in text.splitlines()]
    keys = [k for k in keys if k and not k.startswith("#")]
    if not keys:
        raise ValueError(f"api_key_file: {path!r} holds no keys")
    return check_keys(keys, "api_key_file")


def parse_key_list(raw: str) -> list[str]:
    """``BOOTCAMP_API_KEYS``: a JSON list or comma-separated keys; empty or malformed is an error."""
    raw = raw.strip()
    if raw.startswith("["):
        try:
            keys = json.loads(raw)
        except json.JSONDecodeError:
            raise ValueError("BOOTCAMP_API_KEYS: not a valid JSON list") from None
        if not isinstance(keys, list):
            raise ValueError("BOOTCAMP_API_KEYS: not a valid JSON list")
    else:
        keys = [k.strip() for k in raw.split(",")]
    if not keys or all(not (isinstance(k, str) and k.strip()) for k in keys):
        raise ValueError("BOOTCAMP_API_KEYS is set but holds no keys; unset it to run without keys")
    return check_keys(keys, "BOOTCAMP_API_KEYS")


class Settings(BaseModel):
    """Everything the reward service is built from. ``create_app(settings)`` reads nothing else."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    redis_url: str | None = Field(default=None, description="Share the verdict cache and limits through Redis.")
    cache_size: int = Field(default=100_000, ge=0, description="In-memory LRU entries when Redis is not set.")
    cache_ttl_s: int = Field(default=7 * 24 * 3600, ge=1)
    cache_namespace: str = Field(default="", max_length=64,
                                 description="Part of every cache key: change it to drop all cached verdicts.")
    timeout_cache_ttl_s: int = Field(default=3600, ge=1, description=(
        "How long a timeout of the answer's own doing stays cached (at most cache_ttl_s): short, since "
        "a loaded machine can time out an answer that would pass."))
    redis_timeout_s: float = Field(default=0.25, gt=0, description="Per-command Redis timeout.")
    redis_retry_s: float = Field(default=1.0, gt=0, description="Seconds to skip Redis after it fails.")
    pool_workers: int = Field(default=2, ge=1, le=256)
    verify_timeout_s: float = Field(default=2.0, gt=0, description="Hard limit on one verdict.")
    max_body_bytes: int = Field(default=16 * 2**20, ge=1024)
    max_batch: int = Field(default=1024, ge=1)
    max_response_chars: int = Field(default=200_000, ge=1, description="Longer responses get reason too_long.")
    max_problems: int = Field(default=1000, ge=1)
    max_id_chars: int = Field(default=200, ge=16, le=10_000, description="Longest task id, pattern or domain.")
    max_label_chars: int = Field(default=1_000_000, ge=1024, description="Longest /get_reward label.")
    problems_concurrency: int = Field(default=1, ge=1, le=64,
                                      description="/v1/problems requests generating at once (off the event loop).")
    problems_queue: int = Field(default=4, ge=0, description="More /v1/problems requests that wait; then 429.")
    api_keys: list[str] = Field(default_factory=list, description="Bearer keys; empty means open.")
    api_key_file: str | None = Field(default=None, description="A file of bearer keys, one a line.")
    protect_docs: bool = Field(default=False, description="/metrics, /docs and /openapi.json need a key too.")
    rate_limit_per_s: float = Field(default=0.0, ge=0, description="Requests per second per key or IP (0: off).")
    rate_limit_burst: int = Field(default=50, ge=1)
    auth_fail_limit: int = Field(default=10, ge=1, description="Failed authentications per IP before a block.")
    auth_fail_window_s: float = Field(default=60.0, gt=0, description="Window the failures are counted in.")
    auth_block_s: float = Field(default=300.0, gt=0, description="How long an IP is refused (429) once blocked.")
    reward_model_path: str | None = Field(default=None, description="Local sequence-classification reward model.")
    similarity_model_path: str | None = Field(default=None, description="Default: packaged all-MiniLM-L6-v2.")
    judge_url: str | None = Field(default=None, description="OpenAI-compatible API root, e.g. http://host:8000/v1.")
    judge_model: str = "judge"
    judge_api_key: str | None = None
    model_timeout_s: float = Field(default=60.0, gt=0)
    backends: dict[str, dict[str, Any]] = Field(default_factory=dict, description=(
        "Reward-model backends by name, {type, **options} (rewards.models.BACKEND_TYPES), e.g. "
        "{'verifier': {'type': 'verifier', 'base_url': 'http://127.0.0.1:8001/v1'}}; over the ones above."))
    spec_overrides: dict[str, dict[str, Any]] = Field(default_factory=dict, description=(
        "Reward specs by task-id glob used instead of the tasks' own, e.g. a rule + verifier cascade."))
    warm_pool: bool = Field(default=True, description="Start the verifier pool at startup, not on first use.")
    episode_ttl_s: int = Field(default=3600, ge=1, description="Seconds an episode lives after its last step.")
    max_episodes: int = Field(default=10_000, ge=1, description="Episodes kept in memory when Redis is not set.")
    max_action_chars: int = Field(default=50_000, ge=1, description="Longest episode step message (else 413).")
    episode_tools_sandbox: bool = Field(default=True, description=(
        "Run episode tool calls in the sandbox; false runs them in the service process (trusted callers only)."))

    _file_keys: list[str] = PrivateAttr(default_factory=list)

    @field_validator("api_keys")
    @classmethod
    def _usable_keys(cls, keys: list[str]) -> list[str]:
        return check_keys(keys, "api_keys")

    @field_validator("spec_overrides")
    @classmethod
    def _valid_specs(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        from rewards.router import parse_overrides

        parse_overrides(value)  # a bad spec fails at start-up, naming its glob
        return value

    @field_validator("backends")
    @classmethod
    def _typed_backends(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        from rewards.models import backend_factory

        for name, spec in value.items():
            backend_factory(name, spec)  # a known type, and options it takes
        return value

    @model_validator(mode="after")
    def _load_key_file(self) -> Settings:
        if self.api_key_file:
            self._file_keys = read_key_file(self.api_key_file)
            self.api_keys = list(dict.fromkeys([*self.api_keys, *self._file_keys]))
        if self.protect_docs and not self.api_keys:
            raise ValueError("protect_docs: needs api_keys or api_key_file (there is no key to ask for)")
        return self

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``BOOTCAMP_<FIELD>`` variables (lists as JSON or comma-separated).

        ``BOOTCAMP_API_KEYS`` that is set but empty or malformed raises ``ValueError``: a typo must
        not leave the service open.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            raw = env.get(ENV_PREFIX + name.upper())
            if raw is None:
                continue
            if name == "api_keys":
                values[name] = parse_key_list(raw)
            elif name in ("backends", "spec_overrides"):
                try:
                    values[name] = json.loads(raw)
                except ValueError as exc:
                    raise ValueError(f"{ENV_PREFIX}{name.upper()}: not JSON: {exc}") from None
            elif field.annotation == (str | None):
                values[name] = raw or None
            else:
                values[name] = raw
        values.update(overrides)
        return cls.model_validate(values)

    def scoring_options(self) -> dict[str, Any]:
        """The settings that change verdicts, for the verdict cache key (never a secret).

        The cache namespace, the verifier deadline (timeouts of the answer's doing are cached),
        spec overrides, and every reward-model backend: its path, URL, model and options (keys,
        tokens and passwords left out).
        """
        backends = {name: {k: v for k, v in spec.items() if not _SECRET.search(str(k))}
                    for name, spec in self.backends.items()}
        return {"cache_namespace": self.cache_namespace, "verify_timeout_s": self.verify_timeout_s,
                "spec_overrides": self.spec_overrides, "backends": backends,
                "reward_model_path": self.reward_model_path, "similarity_model_path": self.similarity_model_path,
                "judge_url": self.judge_url, "judge_model": self.judge_model}

    def to_env(self) -> dict[str, str]:
        """The environment variables :meth:`from_env` reads back into these settings.

        Keys read from ``api_key_file`` are not copied: the workers read the file again.
        """
        out = {}
        for name, value in self.model_dump().items():
            if name == "api_keys":
                value = [k for k in value if k not in self._file_keys]
                if not value:
                    continue
            if value is None:
                continue
            out[ENV_PREFIX + name.upper()] = json.dumps(value) if isinstance(value, list | dict) else str(value)
        return out
