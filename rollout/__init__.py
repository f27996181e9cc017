"""Rollout: engines (vLLM, transformers) and Ray actors that sample responses for a task mix."""
