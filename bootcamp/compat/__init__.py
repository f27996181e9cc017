"""Adapters that bring other ecosystems' tasks into the registry (InternBootCamp, reasoning-gym)."""
