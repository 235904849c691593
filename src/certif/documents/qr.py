"""QR codes as SVG, for the documents' verification stamp.

Django-free on purpose: the renderer draws the QR code while it renders, in the batch's worker
processes as well as in the web server's threads.
"""

from __future__ import annotations

import segno

INK = "#1d2b3a"


def qr_svg(text: str) -> str:
    """The QR code of ``text`` as an SVG of filled runs, one unit per module.

    A fixed mask: any of the eight is valid and read by every scanner, and choosing the best
    one costs segno four times the rest of the encoding. The SVG is written here, run by run,
    because segno's writer takes longer than the encoding (a batch draws thousands)."""
    matrix = segno.make(text, error="m", mask=0).matrix
    size = len(matrix)
    runs: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h{start - x}z")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<path fill="{INK}" d="{"".join(runs)}"/></svg>'
    )
