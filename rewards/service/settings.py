"""Reward-service settings: one pydantic model, readable from ``BOOTCAMP_*`` environment variables."""

from __future__ import annotations

import json
import os
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

ENV_PREFIX = "BOOTCAMP_"


class Settings(BaseModel):
    """Everything the reward service is built from. ``create_app(settings)`` reads nothing else."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    redis_url: str | None = Field(default=None, description="Share the verdict cache through Redis.")
    cache_size: int = Field(default=100_000, ge=0, description="In-memory LRU entries when Redis is not set.")
    cache_ttl_s: int = Field(default=7 * 24 * 3600, ge=1)
    redis_timeout_s: float = Field(default=0.25, gt=0, description="Per-command Redis timeout.")
    redis_retry_s: float = Field(default=1.0, gt=0, description="Seconds to skip Redis after it fails.")
    pool_workers: int = Field(default=2, ge=1, le=256)
    verify_timeout_s: float = Field(default=2.0, gt=0, description="Hard limit on one verdict.")
    max_body_bytes: int = Field(default=16 * 2**20, ge=1024)
    max_batch: int = Field(default=1024, ge=1)
    max_response_chars: int = Field(default=200_000, ge=1, description="Longer responses get reason too_long.")
    max_problems: int = Field(default=1000, ge=1)
    api_keys: list[str] = Field(default_factory=list, description="Bearer keys; empty means open.")
    rate_limit_per_s: float = Field(default=0.0, ge=0, description="Requests per second per key (0: off).")
    rate_limit_burst: int = Field(default=50, ge=1)
    reward_model_path: str | None = Field(default=None, description="Local sequence-classification reward model.")
    similarity_model_path: str | None = Field(default=None, description="Default: packaged all-MiniLM-L6-v2.")
    judge_url: str | None = Field(default=None, description="OpenAI-compatible API root, e.g. http://host:8000/v1.")
    judge_model: str = "judge"
    judge_api_key: str | None = None
    model_timeout_s: float = Field(default=60.0, gt=0)
    warm_pool: bool = Field(default=True, description="Start the verifier pool at startup, not on first use.")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``BOOTCAMP_<FIELD>`` variables (lists as JSON or comma-separated)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            raw = env.get(ENV_PREFIX + name.upper())
            if raw is None:
                continue
            if name == "api_keys":
                raw = raw.strip()
                values[name] = json.loads(raw) if raw.startswith("[") else [k for k in raw.split(",") if k]
            elif field.annotation == (str | None):
                values[name] = raw or None
            else:
                values[name] = raw
        values.update(overrides)
        return cls.model_validate(values)

    def to_env(self) -> dict[str, str]:
        """The environment variables :meth:`from_env` reads back into these settings."""
        out = {}
        for name, value in self.model_dump().items():
            if value is None:
                continue
            out[ENV_PREFIX + name.upper()] = json.dumps(value) if isinstance(value, list) else str(value)
        return out
