"""The trend chart of one instrument's totals, drawn on the server as SVG coordinates.

The template draws a polyline through the points, a dashed line at the cut-off and a
label per point; a table next to it gives the same figures for screen readers and print.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH = 600
HEIGHT = 220
LEFT = 40
RIGHT = 16
TOP = 16
BOTTOM = 36


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    total: int
    on: date
    over: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[ChartPoint]
    cutoff_y: float
    cutoff_value: int
    axis_min: int
    axis_max: int
    axis_min_y: float
    axis_max_y: float
    bottom_y: float
    left: int
    right_x: float

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def trend_chart(
    points: list[tuple[date, int]],
    *,
    low: int,
    high: int,
    cutoff,
) -> Chart | None:
    """The chart of (date, total) points on the instrument's range; None without points."""
    if not points:
        return None
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    inner_w = WIDTH - LEFT - RIGHT
    inner_h = HEIGHT - TOP - BOTTOM

    def y_of(value: int) -> float:
        return TOP + inner_h * (high - value) / max(high - low, 1)

    def x_of(day: date) -> float:
        if len(points) == 1:
            return LEFT + inner_w / 2
        return LEFT + inner_w * (day - first).days / span

    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=[ChartPoint(x_of(d), y_of(t), t, d, cutoff.reached(t)) for d, t in points],
        cutoff_y=y_of(cutoff.value),
        cutoff_value=cutoff.value,
        axis_min=low,
        axis_max=high,
        axis_min_y=y_of(low),
        axis_max_y=y_of(high),
        bottom_y=HEIGHT - BOTTOM + 22,
        left=LEFT,
        right_x=WIDTH - RIGHT,
    )
