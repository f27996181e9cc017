"""Helpers shared by task families of several domains (not a domain: it registers no task)."""
