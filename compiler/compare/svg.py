"""Inline SVG for the html report: the cost-vs-volume chart (no JS, no CDN); the workflow graph is drawn by
`flowc.targets.graph.svg`, as `flowc graph` draws it.

A plain function of the report's data, so the same report gives byte-identical SVG.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from flowc.compiler.compare.report import CrossingModel

COLORS = {"standard": "#1f6feb", "express": "#d97706", "sqs": "#15803d"}


def _t(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


# ------------------------------------------------------------------------------------------------------
# cost vs volume
# ------------------------------------------------------------------------------------------------------
W, H, PAD_L, PAD_R, PAD_T, PAD_B = 720, 380, 70, 20, 20, 50


def cost_chart(volumes: list[float], curves: dict[str, list[float]], titles: dict[str, str],
               crossings: list[CrossingModel], infeasible: list[str] = (),
               marker: tuple[int, dict[str, str]] | None = None) -> str:
    """Monthly cost against executions per month, both on log scales, one line per architecture that can run
    the workflow; the legend names the ones that cannot (not drawn)."""
    if not volumes:
        return ""
    positive = [c for series in curves.values() for c in series if c > 0]
    lo = 10 ** math.floor(math.log10(min(positive))) if positive else 0.01
    hi = 10 ** math.ceil(math.log10(max(positive))) if positive else 1.0
    x0, x1 = math.log10(volumes[0]), math.log10(volumes[-1])
    y0, y1 = math.log10(lo), math.log10(hi)
    if y1 <= y0:
        y1 = y0 + 1

    def px(v: float) -> float:
        return PAD_L + (math.log10(v) - x0) / (x1 - x0) * (W - PAD_L - PAD_R)

    def py(c: float) -> float:
        c = max(c, lo)
        return H - PAD_B - (math.log10(c) - y0) / (y1 - y0) * (H - PAD_T - PAD_B)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           f'role="img" aria-label="Monthly cost against executions per month">',
           "<title>Monthly cost (USD) against executions per month, log scales</title>",
           f'<rect x="{PAD_L}" y="{PAD_T}" width="{W - PAD_L - PAD_R}" height="{H - PAD_T - PAD_B}" fill="#fff" '
           f'stroke="#999"/>']
    for d in range(math.ceil(x0), math.floor(x1) + 1):
        x = px(10 ** d)
        out.append(f'<line x1="{_f(x)}" y1="{PAD_T}" x2="{_f(x)}" y2="{H - PAD_B}" stroke="#eee"/>'
                   f'<text x="{_f(x)}" y="{H - PAD_B + 16}" font-size="11" text-anchor="middle">{_volume(10 ** d)}</text>')
    for d in range(int(y0), int(y1) + 1):
        y = py(10 ** d)
        out.append(f'<line x1="{PAD_L}" y1="{_f(y)}" x2="{W - PAD_R}" y2="{_f(y)}" stroke="#eee"/>'
                   f'<text x="{PAD_L - 6}" y="{_f(y + 4)}" font-size="11" text-anchor="end">{_money(10 ** d)}</text>')
    out.append(f'<text x="{(W + PAD_L) / 2:.0f}" y="{H - 12}" font-size="12" text-anchor="middle">executions per '
               f'month</text>')
    out.append(f'<text x="14" y="{(H - PAD_B + PAD_T) / 2:.0f}" font-size="12" text-anchor="middle" '
               f'transform="rotate(-90 14 {(H - PAD_B + PAD_T) / 2:.0f})">USD per month</text>')
    for c in crossings:
        if c.volume is None or not volumes[0] <= c.volume <= volumes[-1]:
            continue
        x = px(c.volume)
        out.append(f'<line x1="{_f(x)}" y1="{PAD_T}" x2="{_f(x)}" y2="{H - PAD_B}" stroke="#888" '
                   f'stroke-dasharray="3 3"><title>{_t(c.text)}</title></line>')
    if marker is not None and volumes[0] <= marker[0] <= volumes[-1]:
        volume, ratios = marker
        x = px(volume)
        out.append(f'<line x1="{_f(x)}" y1="{PAD_T}" x2="{_f(x)}" y2="{H - PAD_B}" stroke="#b91c1c" '
                   f'stroke-width="1.5"><title>{_t(f"{volume:,} executions/month: this report")}</title></line>')
        anchor = "end" if x > (PAD_L + W - PAD_R) / 2 else "start"
        tx = x - 6 if anchor == "end" else x + 6
        out.append(f'<text x="{_f(tx)}" y="{H - PAD_B - 8}" font-size="11" fill="#b91c1c" text-anchor="{anchor}">'
                   f"{_volume(volume)}/month (this report)</text>")
        for arch, series in curves.items():
            cost = _interpolate(volumes, series, volume)
            out.append(f'<circle cx="{_f(x)}" cy="{_f(py(cost))}" r="4" fill="{COLORS.get(arch, "#333")}">'
                       f"<title>{_t(f'{titles.get(arch, arch)}: {_money(cost)} a month, {ratios.get(arch, chr(8212))} the cheapest')}"
                       f"</title></circle>")
            out.append(f'<text x="{_f(tx)}" y="{_f(py(cost) - 6)}" font-size="11" text-anchor="{anchor}">'
                       f"{_t(_money(cost))} ({_t(ratios.get(arch, ''))})</text>")
    for i, (arch, series) in enumerate(curves.items()):
        points = " ".join(f"{_f(px(v))},{_f(py(c))}" for v, c in zip(volumes, series, strict=True))
        color = COLORS.get(arch, "#333")
        out.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2">'
                   f"<title>{_t(titles.get(arch, arch))}</title></polyline>")
        ly = PAD_T + 16 + i * 16
        out.append(f'<line x1="{PAD_L + 10}" y1="{ly - 4}" x2="{PAD_L + 30}" y2="{ly - 4}" stroke="{color}" '
                   f'stroke-width="2"/><text x="{PAD_L + 36}" y="{ly}" font-size="11">{_t(titles.get(arch, arch))}'
                   f"</text>")
    for j, arch in enumerate(infeasible):
        ly = PAD_T + 16 + (len(curves) + j) * 16
        out.append(f'<text x="{PAD_L + 10}" y="{ly}" font-size="11" fill="#b91c1c">✗ {_t(titles.get(arch, arch))}: '
                   f"cannot run this workflow (not drawn)</text>")
    out.append("</svg>")
    return "\n".join(out)


def _interpolate(volumes: list[float], series: list[float], volume: float) -> float:
    """The cost at `volume`, linear between the curve's points (costs are piecewise linear in the volume)."""
    for (v0, c0), (v1, c1) in zip(zip(volumes, series, strict=True), zip(volumes[1:], series[1:], strict=True),
                                  strict=False):
        if v0 <= volume <= v1:
            return c0 + (c1 - c0) * (volume - v0) / (v1 - v0) if v1 > v0 else c0
    return series[0] if volume < volumes[0] else series[-1]


def _volume(v: float) -> str:
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if v >= div:
            return f"{v / div:g}{suffix}"
    return f"{v:g}"


def _money(v: float) -> str:
    if v >= 1:
        return f"${v:,.0f}"
    return f"${v:g}"
