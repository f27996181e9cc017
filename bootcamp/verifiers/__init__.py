"""Verifier primitives shared by tasks: numbers with tolerance, math equivalence, strings, SMILES, formulas.

Each primitive is pure, never raises on model output, and returns a float in
[0, 1] (a :class:`bootcamp.Score` with a reason when the answer does not parse).
"""
