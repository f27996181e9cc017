"""Geometry: areas, distances, angles, circles, solids; exact answers.

Levels widen the coordinates and lengths, and add steps: 3D points, general triangles instead of
right ones, the height of a cone from its slant height.
"""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, nz, register_kinds, x, y

R = sp.Rational
#: Exact angles in degrees (multiples of 15) whose cosines sympy writes with radicals.
_ANGLES = tuple(range(15, 180, 15))


def _pt(rng: random.Random, lo: int = -9, hi: int = 9) -> tuple[int, int]:
    return rng.randint(lo, hi), rng.randint(lo, hi)


def _ptn(rng: random.Random, level: int, base: int = 9) -> tuple[int, ...]:
    """A point: 2D with coordinates in [-base, base] at level 1, 3D from level 3, wider each level."""
    b = base * level
    return tuple(rng.randint(-b, b) for _ in range(2 if level <= 2 else 3))


def _show(p: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, p)) + ")"


def distance(rng: random.Random, level: int) -> tuple[str, Any]:
    p, q = _ptn(rng, level), _ptn(rng, level)
    if p == q:
        q = (q[0] + 1, *q[1:])
    return (f"Find the distance between ${_show(p)}$ and ${_show(q)}$.",
            sp.sqrt(sum((a - b) ** 2 for a, b in zip(p, q, strict=True))))


def midpoint(rng: random.Random, level: int) -> tuple[str, Any]:
    p, q = _ptn(rng, level), _ptn(rng, level)
    return (f"Find the midpoint of the segment from ${_show(p)}$ to ${_show(q)}$, as a point.",
            sp.Tuple(*[R(a + b, 2) for a, b in zip(p, q, strict=True)]))


def triangle_area_coords(rng: random.Random, level: int) -> tuple[str, Any]:
    b = 9 * level
    while True:
        p, q, r = _pt(rng, -b, b), _pt(rng, -b, b), _pt(rng, -b, b)
        area = abs((q[0] - p[0]) * (r[1] - p[1]) - (r[0] - p[0]) * (q[1] - p[1]))
        if area:
            break
    return f"Find the area of the triangle with vertices ${p}$, ${q}$, ${r}$.", R(area, 2)


def polygon_area(rng: random.Random, level: int) -> tuple[str, Any]:
    b = 9 * level
    while True:
        p = _pt(rng, -b, b)
        u, v = _pt(rng, -b, b), _pt(rng, -b, b)
        cross = u[0] * v[1] - u[1] * v[0]
        if cross:
            break
    pts = [p, (p[0] + u[0], p[1] + u[1]), (p[0] + u[0] + v[0], p[1] + u[1] + v[1]), (p[0] + v[0], p[1] + v[1])]
    return (f"Find the area of the parallelogram with vertices ${'$, $'.join(map(str, pts))}$ (in order).",
            sp.Integer(abs(cross)))


def _triangle_sides(rng: random.Random, hi: int) -> tuple[int, int, int]:
    while True:
        a, b, c = (rng.randint(2, hi) for _ in range(3))
        if a + b > c and a + c > b and b + c > a:
            return a, b, c


def heron(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = _triangle_sides(rng, 40 * level)
    s = R(a + b + c, 2)
    return (f"Find the area of a triangle with side lengths ${a}$, ${b}$, ${c}$.",
            sp.sqrt(s * (s - a) * (s - b) * (s - c)))


def hypotenuse(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.randint(1, 200 * level), rng.randint(1, 200 * level)
    if level >= 3:  # the other leg from the hypotenuse and one leg
        c = max(a, b) + rng.randint(1, 50 * level)
        return (f"A right triangle has hypotenuse ${c}$ and one leg ${a}$. Find the length of the other leg.",
                sp.sqrt(c * c - a * a))
    return f"A right triangle has legs ${a}$ and ${b}$. Find the length of the hypotenuse.", sp.sqrt(a * a + b * b)


def law_of_cosines(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.randint(2, 50 * level), rng.randint(2, 50 * level)
    ang = rng.choice(_ANGLES if level >= 2 else (30, 45, 60, 90, 120, 135, 150))
    cosv = sp.nsimplify(sp.cos(sp.pi * ang / 180))
    return (f"Two sides of a triangle have lengths ${a}$ and ${b}$ and the angle between them is ${ang}^\\circ$. "
            "Find the length of the third side."), sp.sqrt(sp.expand(a * a + b * b - 2 * a * b * cosv))


def angle_cos(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = _triangle_sides(rng, 40 * level)
    return (f"A triangle has sides $a = {a}$, $b = {b}$, $c = {c}$. Find $\\cos C$, where $C$ is the angle "
            "opposite side $c$."), R(a * a + b * b - c * c, 2 * a * b)


def interior_angle(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rng.randint(5, 10 ** (4 + level))
    return f"Find the measure in degrees of each interior angle of a regular ${m}$-gon.", R(180 * (m - 2), m)


def sector_area(rng: random.Random, level: int) -> tuple[str, Any]:
    r, deg = rng.randint(1, 60 * level), rng.randint(1, 359)
    return f"Find the area of a circular sector of radius ${r}$ and central angle ${deg}^\\circ$.", \
        sp.pi * r * r * R(deg, 360)


def arc_length(rng: random.Random, level: int) -> tuple[str, Any]:
    r, deg = rng.randint(1, 60 * level), rng.randint(1, 359)
    return f"Find the length of an arc of radius ${r}$ subtending a central angle of ${deg}^\\circ$.", \
        sp.pi * r * R(deg, 180)


def _circle(rng: random.Random, level: int) -> tuple[int, int, int, sp.Expr]:
    """Centre, a scale factor (levels 3+: the equation is multiplied through) and the expanded left side."""
    b = 30 * level
    h, k = rng.randint(-b, b), rng.randint(-b, b)
    scale = 1 if level < 3 else rng.randint(2, 2 * level)
    return h, k, scale, sp.expand(scale * ((x - h) ** 2 + (y - k) ** 2))


def circle_center(rng: random.Random, level: int) -> tuple[str, Any]:
    h, k, scale, lhs = _circle(rng, level)
    r = rng.randint(1, 30 * level)
    return f"Find the center of the circle ${sp.latex(lhs - scale * r * r)} = 0$, as a point.", sp.Tuple(h, k)


def circle_radius(rng: random.Random, level: int) -> tuple[str, Any]:
    h, k, scale, lhs = _circle(rng, level)
    r2 = rng.randint(1, 100 * level)
    return f"Find the radius of the circle ${sp.latex(lhs - scale * r2)} = 0$.", sp.sqrt(r2)


def circle_equation(rng: random.Random, level: int) -> tuple[str, Any]:
    b = 20 * level
    h, k = rng.randint(-b, b), rng.randint(-b, b)
    px, py = h + rng.randint(-b, b), k + nz(rng, -b, b)
    return (f"Find the equation of the circle with center $({h}, {k})$ passing through $({px}, {py})$.",
            sp.Eq((x - h) ** 2 + (y - k) ** 2, (px - h) ** 2 + (py - k) ** 2))


def point_line_distance(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, -9 * level, 9 * level), nz(rng, -9 * level, 9 * level), rng.randint(-20 * level, 20 * level)
    px, py = _pt(rng, -9 * level, 9 * level)
    if a * px + b * py + c == 0:
        c += 1
    return (f"Find the distance from $({px}, {py})$ to the line ${sp.latex(a * x + b * y + c)} = 0$.",
            abs(a * px + b * py + c) / sp.sqrt(a * a + b * b))


def sphere_volume(rng: random.Random, level: int) -> tuple[str, Any]:
    r = R(rng.randint(1, 9999 * level), rng.randint(1, 6 + 3 * level))
    if level >= 3 and rng.random() < 0.5:  # from the surface area: one more step
        return (f"Find the volume of a sphere whose surface area is ${sp.latex(4 * sp.pi * r**2)}$.",
                R(4, 3) * sp.pi * r**3)
    return f"Find the volume of a sphere of radius ${sp.latex(r)}$.", R(4, 3) * sp.pi * r**3


def cone_volume(rng: random.Random, level: int) -> tuple[str, Any]:
    r, h = rng.randint(1, 60 * level), rng.randint(1, 300 * level)
    if level >= 3:  # the height from the slant height: one more step
        slant = sp.sqrt(r * r + h * h)
        return (f"Find the volume of a right circular cone with radius ${r}$ and slant height ${sp.latex(slant)}$.",
                sp.pi * r * r * h / 3)
    return f"Find the volume of a right circular cone with radius ${r}$ and height ${h}$.", sp.pi * r * r * h / 3


def cylinder_surface(rng: random.Random, level: int) -> tuple[str, Any]:
    r, h = rng.randint(1, 60 * level), rng.randint(1, 300 * level)
    if level >= 3:  # the radius must first be found from the volume and height
        return (f"A closed cylinder of height ${h}$ has volume ${sp.latex(sp.pi * r * r * h)}$. Find its total "
                "surface area."), 2 * sp.pi * r * (r + h)
    return f"Find the total surface area of a closed cylinder with radius ${r}$ and height ${h}$.", \
        2 * sp.pi * r * (r + h)


def inradius(rng: random.Random, level: int) -> tuple[str, Any]:
    if level >= 4:  # two sides and the included angle: the third side first, then r = 2K / perimeter
        a, b = rng.randint(2, 20 * level), rng.randint(2, 20 * level)
        ang = rng.choice((60, 120) if level == 4 else (30, 45, 135, 150))
        rad = sp.pi * ang / 180
        c = sp.sqrt(a * a + b * b - 2 * a * b * sp.cos(rad))
        return (f"A triangle has sides ${a}$ and ${b}$ with an included angle of ${ang}^\\circ$. Find its inradius.",
                sp.radsimp(a * b * sp.sin(rad) / (a + b + c)))
    if level == 3:  # a general triangle: Heron's area over the semi-perimeter
        a, b, c = _triangle_sides(rng, 20 * level)
        s = R(a + b + c, 2)
        return (f"Find the inradius of the triangle with sides ${a}$, ${b}$, ${c}$.",
                sp.sqrt((s - a) * (s - b) * (s - c) / s))
    m, k = rng.randint(2, 15 * level), rng.randint(1, 20 * level)
    nn = rng.randint(1, m - 1)
    sides = [k * (m * m - nn * nn), k * 2 * m * nn, k * (m * m + nn * nn)]
    rng.shuffle(sides)
    a, b, c = sides
    return f"Find the inradius of the right triangle with sides ${a}$, ${b}$, ${c}$.", R(sum(sides) - 2 * max(sides), 2)


def circumradius(rng: random.Random, level: int) -> tuple[str, Any]:
    if level >= 3:  # a general triangle: R = abc / (4K)
        a, b, c = _triangle_sides(rng, 20 * level)
        s = R(a + b + c, 2)
        area = sp.sqrt(s * (s - a) * (s - b) * (s - c))
        return (f"Find the circumradius of the triangle with sides ${a}$, ${b}$, ${c}$.",
                sp.radsimp(a * b * c / (4 * area)))
    a, b = rng.randint(1, 200 * level), rng.randint(1, 200 * level)
    return f"Find the circumradius of a right triangle with legs ${a}$ and ${b}$.", sp.sqrt(a * a + b * b) / 2


KINDS = {f.__name__: f for f in (
    distance, midpoint, triangle_area_coords, polygon_area, heron, hypotenuse, law_of_cosines, angle_cos,
    interior_angle, sector_area, arc_length, circle_center, circle_radius, circle_equation, point_line_distance,
    sphere_volume, cone_volume, cylinder_surface, inradius, circumradius)}


class Geometry(SymTask):
    """Geometry questions with exact answers."""
    #: Generators whose problems do not yet get strictly harder level by level.
    unleveled_kinds = frozenset({"arc_length", "polygon_area", "midpoint", "law_of_cosines", "sphere_volume"})

    #: 4: levels (wider coordinates and lengths, 3D points, general triangles, one more step from level 3).
    version = 4
    kinds = KINDS


TABLE = [
    ("math/distance_between_points", "distance", "Distance between two points."),
    ("math/segment_midpoint", "midpoint", "Midpoint of a segment."),
    ("math/triangle_area_coordinates", "triangle_area_coords", "Triangle area from vertex coordinates."),
    ("math/parallelogram_area", "polygon_area", "Area of a parallelogram given by vertices."),
    ("math/heron_area", "heron", "Triangle area from side lengths (Heron)."),
    ("math/hypotenuse", "hypotenuse", "Hypotenuse (or the other leg) of a right triangle."),
    ("math/law_of_cosines_side", "law_of_cosines", "Third side by the law of cosines."),
    ("math/law_of_cosines_angle", "angle_cos", "Cosine of a triangle angle from its sides."),
    ("math/regular_polygon_angle", "interior_angle", "Interior angle of a regular polygon."),
    ("math/sector_area", "sector_area", "Area of a circular sector."),
    ("math/circle_arc_length", "arc_length", "Length of a circular arc."),
    ("math/circle_center", "circle_center", "Center of a circle from its equation."),
    ("math/circle_radius", "circle_radius", "Radius of a circle from its equation."),
    ("math/circle_equation", "circle_equation", "Equation of a circle (compared as equations)."),
    ("math/point_line_distance", "point_line_distance", "Distance from a point to a line."),
    ("math/sphere_volume", "sphere_volume", "Volume of a sphere."),
    ("math/cone_volume", "cone_volume", "Volume of a cone."),
    ("math/cylinder_surface_area", "cylinder_surface", "Surface area of a cylinder."),
    ("math/triangle_inradius", "inradius", "Inradius of a triangle."),
    ("math/triangle_circumradius", "circumradius", "Circumradius of a triangle."),
]


def register(registry: Any) -> None:
    register_kinds(registry, Geometry, TABLE)
