"""Built-in tools (registered into bootcamp.env.tools.TOOLS on import)."""
