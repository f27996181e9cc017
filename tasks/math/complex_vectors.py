"""Complex numbers and vectors, exact answers.

Levels widen the numbers and add work: more factors, higher powers, vectors of more dimensions,
arguments that are not standard angles.
"""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, nz, register_kinds

IM = sp.I
R = sp.Rational


def _cz(rng: random.Random, bound: int = 9) -> sp.Expr:
    return rng.randint(-bound, bound) + nz(rng, -bound, bound) * IM


def _angle(rng: random.Random, level: int) -> sp.Expr:
    """A standard angle: a multiple of pi/6 or pi/4 at level 1, of pi/12 after (radicals in its cosine)."""
    den = rng.choice([4, 6]) if level <= 1 else 12
    k = rng.choice([j for j in range(-den + 1, den + 1) if j])
    return R(k, den) * sp.pi


def c_multiply(rng: random.Random, level: int) -> tuple[str, Any]:
    factors = [_cz(rng, 9 * level) for _ in range(2 + (level >= 3) + (level >= 5))]
    text = "".join(f"({sp.latex(f)})" for f in factors)
    return f"Compute ${text}$ in the form $a + bi$.", sp.expand(sp.prod(factors))


def c_divide(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = _cz(rng, 9 * level), _cz(rng, 9 * level)
    return f"Compute $\\frac{{{sp.latex(a)}}}{{{sp.latex(b)}}}$ in the form $a + bi$.", sp.expand(sp.radsimp(a / b))


def c_modulus(rng: random.Random, level: int) -> tuple[str, Any]:
    if level >= 3:  # the modulus of a product or quotient: |z w| = |z||w|
        a, b = _cz(rng, 9 * level), _cz(rng, 9 * level)
        if level >= 4:
            return (f"Find the modulus $\\left|\\frac{{{sp.latex(a)}}}{{{sp.latex(b)}}}\\right|$.",
                    sp.sqrt(sp.expand(a * sp.conjugate(a))) / sp.sqrt(sp.expand(b * sp.conjugate(b))))
        return (f"Find the modulus $|({sp.latex(a)})({sp.latex(b)})|$.",
                sp.sqrt(sp.expand(a * sp.conjugate(a))) * sp.sqrt(sp.expand(b * sp.conjugate(b))))
    a = _cz(rng, 99 * level)
    return f"Find the modulus $|{sp.latex(a)}|$.", sp.sqrt(sp.re(a) ** 2 + sp.im(a) ** 2)


def c_power(rng: random.Random, level: int) -> tuple[str, Any]:
    a, e = _cz(rng, 3 + level), rng.randint(2, 3 + level)
    w = _cz(rng, 9 * level)
    return f"Compute $({sp.latex(w)})({sp.latex(a)})^{{{e}}}$ in the form $a + bi$.", sp.expand(w * a**e)


def _principal(theta: sp.Expr) -> sp.Expr:
    """``theta`` moved into (-pi, pi] by whole turns."""
    while theta > sp.pi:
        theta -= 2 * sp.pi
    while theta <= -sp.pi:
        theta += 2 * sp.pi
    return theta


def _polar(rng: random.Random, level: int) -> tuple[sp.Expr, sp.Expr]:
    """A number ``r(cos t + i sin t)`` at a standard angle ``t``, written out in a + bi form."""
    r = R(rng.randint(1, 999), rng.randint(1, 9 * level))
    ang = _angle(rng, level)
    return sp.expand(r * (sp.cos(ang) + IM * sp.sin(ang))), ang


def c_argument(rng: random.Random, level: int) -> tuple[str, Any]:
    # levels 1-2: one number (pi/12 angles from 2); 3: a product of two; 4: over a third; 5: three over a fourth
    n_num, n_den = ((1, 0), (1, 0), (2, 0), (2, 1), (3, 1))[min(level, 5) - 1]
    num = [_polar(rng, level) for _ in range(n_num)]
    den = [_polar(rng, level) for _ in range(n_den)]

    def product(zs: list[tuple[sp.Expr, sp.Expr]]) -> str:
        return sp.latex(zs[0][0]) if len(zs) == 1 else "".join(f"({sp.latex(z)})" for z, _ in zs)

    text = product(num) if not den else f"\\frac{{{product(num)}}}{{{product(den)}}}"
    ang = sum(t for _, t in num) - sum(t for _, t in den)
    return f"Find the principal argument (in radians, in $(-\\pi, \\pi]$) of ${text}$.", _principal(ang)


def c_polar_to_rect(rng: random.Random, level: int) -> tuple[str, Any]:
    r = rng.randint(1, 9999 * level)
    ang = _angle(rng, level)
    if level >= 4:  # an angle outside (-pi, pi]: reduce it first
        ang += 2 * sp.pi * rng.choice([-2, -1, 1, 2])
    return (f"Write ${r} e^{{i {sp.latex(ang)}}}$ in the form $a + bi$.",
            sp.expand(r * (sp.cos(ang) + IM * sp.sin(ang))))


def c_sqrt(rng: random.Random, level: int) -> tuple[str, Any]:
    w = _cz(rng, 99 * level)
    z = sp.expand(w * w)
    return f"Find both complex square roots of ${sp.latex(z)}$, as a set.", sp.FiniteSet(w, -w)


def c_roots_unity(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rng.choice(([3, 4], [3, 4, 6], [4, 6, 8], [6, 8], [12])[min(level, 5) - 1])
    w = _cz(rng, 150 * level)
    roots = [sp.expand(w * (sp.cos(2 * sp.pi * j / m) + IM * sp.sin(2 * sp.pi * j / m))) for j in range(m)]
    return (f"Find all complex solutions of $z^{m} = {sp.latex(sp.expand(w**m))}$, as a set.",
            sp.FiniteSet(*roots))


def c_conjugate_product(rng: random.Random, level: int) -> tuple[str, Any]:
    a = _cz(rng, 99 * level)
    return f"Compute $z \\bar{{z}}$ for $z = {sp.latex(a)}$.", sp.re(a) ** 2 + sp.im(a) ** 2


def c_real_part_inverse(rng: random.Random, level: int) -> tuple[str, Any]:
    if level >= 3:  # the real part of a quotient
        a, b = _cz(rng, 9 * level), _cz(rng, 9 * level)
        return (f"Find the real part of $\\frac{{{sp.latex(a)}}}{{{sp.latex(b)}}}$.",
                sp.re(sp.expand(sp.radsimp(a / b))))
    a = _cz(rng, 99 * level)
    return f"Find the real part of $\\frac{{1}}{{{sp.latex(a)}}}$.", sp.re(sp.expand(sp.radsimp(1 / a)))


def _space(level: int, dim: int | None = None, base: int = 6) -> tuple[int, int]:
    """Dimension (``dim``, or 3 at level 1 and one more per level) and entry bound of a level's vectors."""
    return (dim if dim is not None else 2 + level), base * level


def _v(rng: random.Random, n: int = 3, b: int = 6) -> sp.Matrix:
    return sp.Matrix([rng.randint(-b, b) for _ in range(n)])


def _vt(v: sp.Matrix) -> str:
    return "(" + ", ".join(str(e) for e in v) + ")"


def _nonzero(rng: random.Random, n: int = 3, b: int = 6) -> sp.Matrix:
    while True:
        v = _v(rng, n, b)
        if any(v):
            return v


def dot(rng: random.Random, level: int) -> tuple[str, Any]:
    n, bd = _space(level)
    a, b = _v(rng, n, bd), _v(rng, n, bd)
    return f"Compute the dot product of $\\mathbf{{u}} = {_vt(a)}$ and $\\mathbf{{v}} = {_vt(b)}$.", a.dot(b)


def cross(rng: random.Random, level: int) -> tuple[str, Any]:
    n, bd = _space(level, 3)
    a, b = _v(rng, n, bd), _v(rng, n, bd)
    return (f"Compute the cross product $\\mathbf{{u}} \\times \\mathbf{{v}}$ for $\\mathbf{{u}} = {_vt(a)}$ and "
            f"$\\mathbf{{v}} = {_vt(b)}$, as a tuple."), sp.Tuple(*a.cross(b))


def norm(rng: random.Random, level: int) -> tuple[str, Any]:
    n, bd = _space(level, None, 20)
    a = _nonzero(rng, n, bd)
    return f"Find the length of the vector ${_vt(a)}$.", sp.sqrt(a.dot(a))


def unit_vector(rng: random.Random, level: int) -> tuple[str, Any]:
    n, bd = _space(level, None, 20)
    a = _nonzero(rng, n, bd)
    return f"Find the unit vector in the direction of ${_vt(a)}$, as a tuple.", sp.Tuple(*(a / sp.sqrt(a.dot(a))))


def angle(rng: random.Random, level: int) -> tuple[str, Any]:
    n, bd = _space(level)
    a, b = _nonzero(rng, n, bd), _nonzero(rng, n, bd)
    return (f"Find the cosine of the angle between ${_vt(a)}$ and ${_vt(b)}$.",
            a.dot(b) / sp.sqrt(a.dot(a) * b.dot(b)))


def projection(rng: random.Random, level: int) -> tuple[str, Any]:
    n, bd = _space(level)
    a, b = _v(rng, n, bd), _nonzero(rng, n, bd)
    return (f"Find the vector projection of $\\mathbf{{u}} = {_vt(a)}$ onto $\\mathbf{{v}} = {_vt(b)}$, as a tuple.",
            sp.Tuple(*(b * a.dot(b) / b.dot(b))))


def triple(rng: random.Random, level: int) -> tuple[str, Any]:
    n, bd = _space(level, 3)
    a, b, c = _v(rng, n, bd), _v(rng, n, bd), _v(rng, n, bd)
    return (f"Compute the scalar triple product $\\mathbf{{a}} \\cdot (\\mathbf{{b}} \\times \\mathbf{{c}})$ for "
            f"$\\mathbf{{a}} = {_vt(a)}$, $\\mathbf{{b}} = {_vt(b)}$, $\\mathbf{{c}} = {_vt(c)}$."), a.dot(b.cross(c))


def parallelogram(rng: random.Random, level: int) -> tuple[str, Any]:
    n, bd = _space(level, 3)
    a, b = _v(rng, n, bd), _v(rng, n, bd)
    cr = a.cross(b)
    return (f"Find the area of the parallelogram spanned by ${_vt(a)}$ and ${_vt(b)}$.", sp.sqrt(cr.dot(cr)))


def plane_distance(rng: random.Random, level: int) -> tuple[str, Any]:
    n, bd = _space(level, 3)
    nrm, p = _nonzero(rng, n, bd), _v(rng, n, bd)
    d = rng.randint(-20 * level, 20 * level)
    xs = sp.symbols("x y z")
    plane = sum(c * s for c, s in zip(nrm, xs, strict=True))
    return (f"Find the distance from the point ${_vt(p)}$ to the plane ${sp.latex(plane)} = {d}$.",
            abs(nrm.dot(p) - d) / sp.sqrt(nrm.dot(nrm)))


def plane_through_points(rng: random.Random, level: int) -> tuple[str, Any]:
    n, bd = _space(level, 3)
    while True:
        p, q, r = _v(rng, n, bd), _v(rng, n, bd), _v(rng, n, bd)
        nrm = (q - p).cross(r - p)
        if any(nrm):
            break
    xs = sp.symbols("x y z")
    return (f"Find an equation of the plane through ${_vt(p)}$, ${_vt(q)}$ and ${_vt(r)}$.",
            sp.Eq(sum(c * s for c, s in zip(nrm, xs, strict=True)), nrm.dot(p)))


KINDS = {f.__name__: f for f in (
    c_multiply, c_divide, c_modulus, c_power, c_argument, c_polar_to_rect, c_sqrt, c_roots_unity,
    c_conjugate_product, c_real_part_inverse, dot, cross, norm, unit_vector, angle, projection, triple,
    parallelogram, plane_distance, plane_through_points)}


class ComplexAndVectors(SymTask):
    """Complex-number and vector questions with exact answers."""
    #: Generators whose problems do not yet get strictly harder level by level.
    unleveled_kinds = frozenset({"c_polar_to_rect"})

    #: 4: levels (wider numbers, more factors, more dimensions, non-standard angles).
    version = 4
    kinds = KINDS


TABLE = [
    ("math/complex_multiply", "c_multiply", "Product of complex numbers."),
    ("math/complex_divide", "c_divide", "Quotient of complex numbers."),
    ("math/complex_modulus", "c_modulus", "Modulus of a complex number."),
    ("math/complex_power", "c_power", "Integer power of a complex number."),
    ("math/complex_argument", "c_argument", "Principal argument of a complex number."),
    ("math/complex_polar_to_rectangular", "c_polar_to_rect", "Polar form to a + bi."),
    ("math/complex_square_roots", "c_sqrt", "Square roots of a complex number, as a set."),
    ("math/roots_of_unity", "c_roots_unity", "Solutions of z^n = c, as a set."),
    ("math/complex_conjugate_product", "c_conjugate_product", "z times its conjugate."),
    ("math/complex_reciprocal_real_part", "c_real_part_inverse", "Real part of 1/z."),
    ("math/vector_dot_product", "dot", "Dot product of 3D vectors."),
    ("math/vector_cross_product", "cross", "Cross product of 3D vectors."),
    ("math/vector_norm", "norm", "Length of a 3D vector."),
    ("math/unit_vector", "unit_vector", "Unit vector in a direction."),
    ("math/vector_angle_cosine", "angle", "Cosine of the angle between vectors."),
    ("math/vector_projection", "projection", "Vector projection."),
    ("math/scalar_triple_product", "triple", "Scalar triple product."),
    ("math/parallelogram_area_vectors", "parallelogram", "Area of a parallelogram spanned by vectors."),
    ("math/point_plane_distance", "plane_distance", "Distance from a point to a plane."),
    ("math/plane_through_three_points", "plane_through_points", "Plane through three points (equation)."),
]


def register(registry: Any) -> None:
    register_kinds(registry, ComplexAndVectors, TABLE)
