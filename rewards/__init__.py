"""Rewards: verifier primitives, the Mixture-of-Rewards router, reward models and the reward service."""
