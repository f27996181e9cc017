"""Geometry: areas, distances, angles, circles, solids; exact answers."""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from tasks.math._common import SymTask, nz, register_kinds, x, y

R = sp.Rational


def _pt(rng: random.Random, lo: int = -9, hi: int = 9) -> tuple[int, int]:
    return rng.randint(lo, hi), rng.randint(lo, hi)


def distance(rng: random.Random, level: int) -> tuple[str, Any]:
    (a, b), (c, d) = _pt(rng), _pt(rng)
    if (a, b) == (c, d):
        c += 1
    return f"Find the distance between $({a}, {b})$ and $({c}, {d})$.", sp.sqrt((a - c) ** 2 + (b - d) ** 2)


def midpoint(rng: random.Random, level: int) -> tuple[str, Any]:
    (a, b), (c, d) = _pt(rng), _pt(rng)
    return f"Find the midpoint of the segment from $({a}, {b})$ to $({c}, {d})$, as a point.", \
        sp.Tuple(R(a + c, 2), R(b + d, 2))


def triangle_area_coords(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        p, q, r = _pt(rng), _pt(rng), _pt(rng)
        area = abs((q[0] - p[0]) * (r[1] - p[1]) - (r[0] - p[0]) * (q[1] - p[1]))
        if area:
            break
    return f"Find the area of the triangle with vertices ${p}$, ${q}$, ${r}$.", R(area, 2)


def polygon_area(rng: random.Random, level: int) -> tuple[str, Any]:
    w, h, dx = rng.randint(2, 9), rng.randint(2, 9), rng.randint(1, 5)
    pts = [(0, 0), (w, 0), (w + dx, h), (dx, h)]
    return (f"Find the area of the quadrilateral with vertices {', '.join(map(str, pts))} (in order).",
            sp.Integer(w * h))


def heron(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        a, b, c = sorted(rng.randint(2, 15) for _ in range(3))
        if a + b > c:
            break
    s = R(a + b + c, 2)
    return f"Find the area of a triangle with side lengths {a}, {b}, {c}.", sp.sqrt(s * (s - a) * (s - b) * (s - c))


def hypotenuse(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.randint(1, 20), rng.randint(1, 20)
    return f"A right triangle has legs {a} and {b}. Find the length of the hypotenuse.", sp.sqrt(a * a + b * b)


def law_of_cosines(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.randint(2, 12), rng.randint(2, 12)
    ang, cosv = rng.choice([(60, R(1, 2)), (120, R(-1, 2)), (90, 0), (45, sp.sqrt(2) / 2), (30, sp.sqrt(3) / 2),
                            (150, -sp.sqrt(3) / 2)])
    return (f"Two sides of a triangle have lengths {a} and {b} and the angle between them is ${ang}^\\circ$. "
            "Find the length of the third side."), sp.sqrt(a * a + b * b - 2 * a * b * cosv)


def angle_cos(rng: random.Random, level: int) -> tuple[str, Any]:
    while True:
        a, b, c = (rng.randint(2, 12) for _ in range(3))
        if a + b > c and a + c > b and b + c > a:
            break
    return (f"A triangle has sides $a = {a}$, $b = {b}$, $c = {c}$. Find $\\cos C$, where $C$ is the angle "
            "opposite side $c$."), R(a * a + b * b - c * c, 2 * a * b)


def interior_angle(rng: random.Random, level: int) -> tuple[str, Any]:
    m = rng.randint(5, 30)
    return f"Find the measure in degrees of each interior angle of a regular {m}-gon.", R(180 * (m - 2), m)


def sector_area(rng: random.Random, level: int) -> tuple[str, Any]:
    r, deg = rng.randint(1, 12), rng.choice([30, 45, 60, 72, 90, 120, 135, 150, 270])
    return f"Find the area of a circular sector of radius {r} and central angle ${deg}^\\circ$.", \
        sp.pi * r * r * R(deg, 360)


def arc_length(rng: random.Random, level: int) -> tuple[str, Any]:
    r, deg = rng.randint(1, 12), rng.choice([30, 45, 60, 72, 90, 120, 135, 150, 270])
    return f"Find the length of an arc of radius {r} subtending a central angle of ${deg}^\\circ$.", \
        sp.pi * r * R(deg, 180)


def circle_center(rng: random.Random, level: int) -> tuple[str, Any]:
    h, k, r = rng.randint(-9, 9), rng.randint(-9, 9), rng.randint(1, 9)
    eq = sp.expand((x - h) ** 2 + (y - k) ** 2 - r * r)
    return f"Find the center of the circle ${sp.latex(eq)} = 0$, as a point.", sp.Tuple(h, k)


def circle_radius(rng: random.Random, level: int) -> tuple[str, Any]:
    h, k, r2 = rng.randint(-9, 9), rng.randint(-9, 9), rng.randint(1, 60)
    eq = sp.expand((x - h) ** 2 + (y - k) ** 2 - r2)
    return f"Find the radius of the circle ${sp.latex(eq)} = 0$.", sp.sqrt(r2)


def circle_equation(rng: random.Random, level: int) -> tuple[str, Any]:
    h, k = rng.randint(-9, 9), rng.randint(-9, 9)
    px, py = h + rng.randint(-5, 5), k + nz(rng, -5, 5)
    return (f"Find the equation of the circle with center $({h}, {k})$ passing through $({px}, {py})$.",
            sp.Eq((x - h) ** 2 + (y - k) ** 2, (px - h) ** 2 + (py - k) ** 2))


def point_line_distance(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b, c = nz(rng, -9, 9), nz(rng, -9, 9), rng.randint(-20, 20)
    px, py = _pt(rng)
    if a * px + b * py + c == 0:
        c += 1
    return (f"Find the distance from $({px}, {py})$ to the line ${sp.latex(a * x + b * y + c)} = 0$.",
            abs(a * px + b * py + c) / sp.sqrt(a * a + b * b))


def sphere_volume(rng: random.Random, level: int) -> tuple[str, Any]:
    r = R(rng.randint(1, 20), rng.choice([1, 1, 2]))
    return f"Find the volume of a sphere of radius ${sp.latex(r)}$.", R(4, 3) * sp.pi * r**3


def cone_volume(rng: random.Random, level: int) -> tuple[str, Any]:
    r, h = rng.randint(1, 12), rng.randint(1, 20)
    return f"Find the volume of a right circular cone with radius {r} and height {h}.", sp.pi * r * r * h / 3


def cylinder_surface(rng: random.Random, level: int) -> tuple[str, Any]:
    r, h = rng.randint(1, 12), rng.randint(1, 20)
    return f"Find the total surface area of a closed cylinder with radius {r} and height {h}.", \
        2 * sp.pi * r * (r + h)


def inradius(rng: random.Random, level: int) -> tuple[str, Any]:
    m, k = rng.randint(2, 6), rng.randint(1, 3)
    nn = rng.randint(1, m - 1)
    a, b, c = k * (m * m - nn * nn), k * 2 * m * nn, k * (m * m + nn * nn)
    return f"Find the inradius of the right triangle with sides {a}, {b}, {c}.", R(a + b - c, 2)


def circumradius(rng: random.Random, level: int) -> tuple[str, Any]:
    a, b = rng.randint(1, 15), rng.randint(1, 15)
    return f"Find the circumradius of a right triangle with legs {a} and {b}.", sp.sqrt(a * a + b * b) / 2


KINDS = {f.__name__: f for f in (
    distance, midpoint, triangle_area_coords, polygon_area, heron, hypotenuse, law_of_cosines, angle_cos,
    interior_angle, sector_area, arc_length, circle_center, circle_radius, circle_equation, point_line_distance,
    sphere_volume, cone_volume, cylinder_surface, inradius, circumradius)}


class Geometry(SymTask):
    """Geometry questions with exact answers."""

    kinds = KINDS


TABLE = [
    ("math/distance_between_points", "distance", "Distance between two points."),
    ("math/segment_midpoint", "midpoint", "Midpoint of a segment."),
    ("math/triangle_area_coordinates", "triangle_area_coords", "Triangle area from vertex coordinates."),
    ("math/parallelogram_area", "polygon_area", "Area of a parallelogram given by vertices."),
    ("math/heron_area", "heron", "Triangle area from side lengths (Heron)."),
    ("math/hypotenuse", "hypotenuse", "Hypotenuse of a right triangle."),
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
    ("math/triangle_inradius", "inradius", "Inradius of a right triangle."),
    ("math/triangle_circumradius", "circumradius", "Circumradius of a right triangle."),
]


def register(registry: Any) -> None:
    register_kinds(registry, Geometry, TABLE)
