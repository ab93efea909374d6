"""Charts as plain SVG numbers computed here, drawn by the template: no script, a few hundred bytes, and
readable on a 360 px phone (labels under the bars, values on them)."""

from dataclasses import dataclass


@dataclass
class Bar:
    label: str
    value: int
    x: float
    width: float
    height: float  # in viewBox units (0..80)

    @property
    def y(self) -> float:
        return BASE - self.height

    @property
    def value_y(self) -> float:
        return self.y - 3

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


BASE = 96  # the bars stand on this line; their labels go under it, in 12-unit type (about 13 px on a phone)
VALUES_UP_TO = 6  # bars whose values fit above them at that size; more, and the values are listed below


def column_chart(points: list[tuple[str, int]], *, width: int = 300) -> dict:
    top = max((v for _l, v in points), default=0) or 1
    slot = width / max(1, len(points))
    bars = [
        Bar(label=label, value=value, x=i * slot + slot * 0.15, width=slot * 0.7, height=80 * value / top)
        for i, (label, value) in enumerate(points)
    ]
    return {"bars": bars, "width": width, "top": top, "values_on_bars": len(bars) <= VALUES_UP_TO}


def share(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0
