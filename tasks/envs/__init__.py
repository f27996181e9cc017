"""Built-in multi-turn environments (each module registers its own into bootcamp.env.ENVIRONMENTS)."""
