"""Charts drawn on the server as SVG: no script, no CDN, readable without colour (hatched bars,
direct value labels, markers on lines); every chart's numbers are also shown as a table."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

WIDTH = 640
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 190
VALUE_WIDTH = 70


def _defs(chart_id: str) -> str:
    # Diagonal hatching on a light fill: the bars read in greyscale and for colour-blind people.
    return (f'<defs><pattern id="{chart_id}-hatch" patternUnits="userSpaceOnUse" width="6" '
            f'height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#dbe7f3"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="#0b5394" stroke-width="2.5"/></pattern>'
            f'</defs>')


def _open(chart_id: str, title: str, height: int) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" '
            f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
            f'aria-labelledby="{chart_id}-title" font-family="sans-serif" font-size="13">'
            f'<title id="{chart_id}-title">{escape(title)}</title>{_defs(chart_id)}')


def _clip(text: str, length: int = 28) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per row, each with its label and its value written beside it."""
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP) + GAP
    parts = [_open(chart_id, title, height)]
    if not rows:
        parts.append(f'<text x="8" y="{BAR_HEIGHT}">No data yet</text>')
    top = max((v for _, v in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    for i, (label, value) in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        width = max(1, round(value * span / top)) if value else 0
        middle = y + BAR_HEIGHT * 0.7
        parts.append(
            f'<g class="bar" data-label="{escape(label)}" data-value="{value}">'
            f'<text x="{LABEL_WIDTH - 6}" y="{middle:.1f}" text-anchor="end">'
            f'{escape(_clip(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
            f'fill="url(#{chart_id}-hatch)" stroke="#1b1b1b"/>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{middle:.1f}" class="value">'
            f'{value:,}</text></g>')
    parts.append("</svg>")
    # nosemgrep: no-markup-on-variables (reviewed: escaped above)
    return Markup("".join(parts))  # noqa: S704  # nosec B704 - every text in `parts` went through escape()


def daily_chart(chart_id: str, title: str, days: list[tuple[date, int, int]]) -> Markup:
    """Confirmed signatures per day (hatched columns) and the running total (a line with square
    markers), on two labelled scales; the last total is written at the end of the line."""
    height, left, right, top_pad, bottom = 300, 60, 70, 20, 50
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom
    parts = [_open(chart_id, title, height)]
    if not days:
        parts.append('<text x="8" y="24">No confirmed signatures yet</text></svg>')
        # nosemgrep: no-markup-on-variables (reviewed: escaped above)
        return Markup("".join(parts))  # noqa: S704  # nosec B704 - no user text here
    max_daily = max(d for _, d, _ in days) or 1
    max_total = days[-1][2] or 1
    step = plot_w / len(days)
    base = top_pad + plot_h
    parts.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" '
                 f'stroke="#1b1b1b"/>')
    for label, value, anchor, x in (("per day", max_daily, "end", left - 4),
                                    ("total", max_total, "start", left + plot_w + 4)):
        parts.append(f'<text x="{x}" y="{top_pad + 4}" text-anchor="{anchor}">{value:,}</text>'
                     f'<text x="{x}" y="{top_pad + 18}" text-anchor="{anchor}" '
                     f'font-size="11">{label}</text>'
                     f'<text x="{x}" y="{base}" text-anchor="{anchor}">0</text>')
    points = []
    for i, (day, daily, total) in enumerate(days):
        x = left + i * step
        h = daily * plot_h / max_daily
        width = max(step * 0.8, 0.5)
        parts.append(f'<rect class="day" data-day="{day.isoformat()}" data-value="{daily}" '
                     f'x="{x + step * 0.1:.2f}" y="{base - h:.2f}" width="{width:.2f}" '
                     f'height="{h:.2f}" fill="url(#{chart_id}-hatch)" stroke="#1b1b1b" '
                     f'stroke-width="0.5"/>')
        points.append((x + step / 2, base - total * plot_h / max_total))
    path = " ".join(f"{x:.2f},{y:.2f}" for x, y in points)
    parts.append(f'<polyline class="cumulative" points="{path}" fill="none" stroke="#1b1b1b" '
                 f'stroke-width="2" stroke-dasharray="6 3"/>')
    # Markers on at most ~30 points, so a year of days stays legible.
    every = max(1, len(points) // 30)
    for x, y in points[::every] + [points[-1]]:
        parts.append(f'<rect x="{x - 3:.2f}" y="{y - 3:.2f}" width="6" height="6" '
                     f'fill="#1b1b1b"/>')
    last_x, last_y = points[-1]
    parts.append(f'<text x="{min(last_x + 6, WIDTH - 4):.2f}" y="{max(last_y - 6, 12):.2f}" '
                 f'text-anchor="end" class="value">{days[-1][2]:,}</text>')
    for i in sorted({0, len(days) - 1, len(days) // 2}):
        x = left + i * step + step / 2
        parts.append(f'<text x="{x:.2f}" y="{base + 18}" text-anchor="middle" font-size="11">'
                     f'{days[i][0].isoformat()}</text>')
    parts.append(f'<text x="{left}" y="{height - 8}" font-size="11">Columns: confirmed per day '
                 f'(left scale). Dashed line with squares: running total (right scale).</text>')
    parts.append("</svg>")
    # nosemgrep: no-markup-on-variables (reviewed: escaped above)
    return Markup("".join(parts))  # noqa: S704  # nosec B704 - every text in `parts` went through escape()
