"""Complex numbers and vectors in 3D, exact answers."""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, nz, register_kinds

IM = sp.I
R = sp.Rational


def _cz(rng: random.Random) -> sp.Expr:
    return rng.randint(-9, 9) + nz(rng, -9, 9) * IM


def c_multiply(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = _cz(rng), _cz(rng)
    return f"Compute $({sp.latex(a)})({sp.latex(b)})$ in the form $a + bi$.", sp.expand(a * b)


def c_divide(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = _cz(rng), _cz(rng)
    return f"Compute $\\frac{{{sp.latex(a)}}}{{{sp.latex(b)}}}$ in the form $a + bi$.", sp.expand(sp.radsimp(a / b))


def c_modulus(rng: random.Random, level: int) -> tuple[str, Any]:
    a = _cz(rng)
    return f"Find the modulus $|{sp.latex(a)}|$.", sp.sqrt(sp.re(a) ** 2 + sp.im(a) ** 2)


def c_power(rng: random.Random, level: int) -> tuple[str, Any]:
    a, e = rng.choice([1 + IM, 1 - IM, -1 + IM, 2 + IM, 1 + 2 * IM, sp.sqrt(3) + IM]), rng.randint(3, 10)
    return f"Compute $({sp.latex(a)})^{{{e}}}$ in the form $a + bi$.", sp.expand(a**e)


def c_argument(rng: random.Random, level: int) -> tuple[str, Any]:
    r = rng.randint(1, 6)
    ang = rng.choice([R(1, 6), R(1, 4), R(1, 3), R(1, 2), R(2, 3), R(3, 4), R(5, 6), R(-1, 4), R(-1, 3), R(-2, 3)])
    z = sp.expand(r * (sp.cos(ang * sp.pi) + IM * sp.sin(ang * sp.pi)))
    return f"Find the principal argument (in radians, in $(-\\pi, \\pi]$) of ${sp.latex(z)}$.", ang * sp.pi


def c_polar_to_rect(rng: random.Random, level: int) -> tuple[str, Any]:
    r = rng.randint(1, 8)
    ang = rng.choice([R(1, 6), R(1, 4), R(1, 3), R(1, 2), R(2, 3), R(3, 4), R(5, 6), R(7, 6), R(5, 3)])
    return (f"Write ${r} e^{{i {sp.latex(ang * sp.pi)}}}$ in the form $a + bi$.",
            sp.expand(r * (sp.cos(ang * sp.pi) + IM * sp.sin(ang * sp.pi))))


def c_sqrt(rng: random.Random, level: int) -> tuple[str, Any]:
    w = _cz(rng)
    z = sp.expand(w * w)
    return f"Find both complex square roots of ${sp.latex(z)}$, as a set.", sp.FiniteSet(w, -w)


def c_roots_unity(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rng.choice([3, 4, 6])
    roots = [sp.expand(sp.cos(2 * sp.pi * j / m) + IM * sp.sin(2 * sp.pi * j / m)) for j in range(m)]
    c = rng.choice([1, 8, 27]) if m == 3 else 1
    scale = sp.Integer(c) ** R(1, m)
    return (f"Find all complex solutions of $z^{m} = {c}$, as a set.",
            sp.FiniteSet(*[sp.expand(scale * r) for r in roots]))


def c_conjugate_product(rng: random.Random, level: int) -> tuple[str, Any]:
    a = _cz(rng)
    return f"Compute $z \\bar{{z}}$ for $z = {sp.latex(a)}$.", sp.re(a) ** 2 + sp.im(a) ** 2


def c_real_part_inverse(rng: random.Random, level: int) -> tuple[str, Any]:
    a = _cz(rng)
    return f"Find the real part of $\\frac{{1}}{{{sp.latex(a)}}}$.", sp.re(sp.expand(sp.radsimp(1 / a)))


def _v(rng: random.Random) -> sp.Matrix:
    return sp.Matrix([rng.randint(-6, 6) for _ in range(3)])


def _vt(v: sp.Matrix) -> str:
    return "(" + ", ".join(str(e) for e in v) + ")"


def _nonzero(rng: random.Random) -> sp.Matrix:
    while True:
        v = _v(rng)
        if any(v):
            return v


def dot(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = _v(rng), _v(rng)
    return f"Compute the dot product of $\\mathbf{{u}} = {_vt(a)}$ and $\\mathbf{{v}} = {_vt(b)}$.", a.dot(b)


def cross(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = _v(rng), _v(rng)
    return (f"Compute the cross product $\\mathbf{{u}} \\times \\mathbf{{v}}$ for $\\mathbf{{u}} = {_vt(a)}$ and "
            f"$\\mathbf{{v}} = {_vt(b)}$, as a tuple."), sp.Tuple(*a.cross(b))


def norm(rng: random.Random, level: int) -> tuple[str, Any]:
    a = _nonzero(rng)
    return f"Find the length of the vector ${_vt(a)}$.", sp.sqrt(a.dot(a))


def unit_vector(rng: random.Random, level: int) -> tuple[str, Any]:
    a = _nonzero(rng)
    return f"Find the unit vector in the direction of ${_vt(a)}$, as a tuple.", sp.Tuple(*(a / sp.sqrt(a.dot(a))))


def angle(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = _nonzero(rng), _nonzero(rng)
    return (f"Find the cosine of the angle between ${_vt(a)}$ and ${_vt(b)}$.",
            a.dot(b) / sp.sqrt(a.dot(a) * b.dot(b)))


def projection(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = _v(rng), _nonzero(rng)
    return (f"Find the vector projection of $\\mathbf{{u}} = {_vt(a)}$ onto $\\mathbf{{v}} = {_vt(b)}$, as a tuple.",
            sp.Tuple(*(b * a.dot(b) / b.dot(b))))


def triple(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = _v(rng), _v(rng), _v(rng)
    return (f"Compute the scalar triple product $\\mathbf{{a}} \\cdot (\\mathbf{{b}} \\times \\mathbf{{c}})$ for "
            f"$\\mathbf{{a}} = {_vt(a)}$, $\\mathbf{{b}} = {_vt(b)}$, $\\mathbf{{c}} = {_vt(c)}$."), a.dot(b.cross(c))


def parallelogram(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = _v(rng), _v(rng)
    cr = a.cross(b)
    return (f"Find the area of the parallelogram spanned by ${_vt(a)}$ and ${_vt(b)}$.", sp.sqrt(cr.dot(cr)))


def plane_distance(rng: random.Random, level: int) -> tuple[str, Any]:
    nrm, p = _nonzero(rng), _v(rng)
    d = rng.randint(-20, 20)
    xs = sp.symbols("x y z")
    plane = sum(c * s for c, s in zip(nrm, xs, strict=True))
    return (f"Find the distance from the point ${_vt(p)}$ to the plane ${sp.latex(plane)} = {d}$.",
            abs(nrm.dot(p) - d) / sp.sqrt(nrm.dot(nrm)))


def plane_through_points(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        p, q, r = _v(rng), _v(rng), _v(rng)
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
    """Complex-number and 3D-vector questions with exact answers."""

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
