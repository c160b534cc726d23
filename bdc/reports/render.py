"""Figure -> PNG, SVG or PDF bytes, reproducibly.

The same figure always renders to the same bytes: the SVG ids are salted with a fixed string
and no creation date is written, the PNG carries no timestamp, and the PDF's dates are taken
from the caller (``bdc.reports.pdf``) or left out.
"""

from __future__ import annotations

from io import BytesIO

import matplotlib
from matplotlib.figure import Figure

__all__ = ["CONTENT_TYPES", "render", "warm_up"]

CONTENT_TYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}
"""MIME type of each format ``render`` writes."""

SVG_HASHSALT = "bdc"


def render(fig: Figure, fmt: str = "png", *, dpi: int = 150) -> bytes:
    """Render ``fig`` to bytes.

    Args:
        fig: a figure from one of the graph functions.
        fmt: ``png``, ``svg`` or ``pdf``.
        dpi: resolution of a PNG (150 by default: sharp on paper and on a screen).

    Returns:
        The file's bytes. Rendering twice gives identical bytes.
    """
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"fmt must be one of {sorted(CONTENT_TYPES)}")
    buf = BytesIO()
    if fmt == "png":
        metadata: dict[str, object] = {"Software": "bdc (matplotlib)"}
    elif fmt == "svg":
        metadata = {"Date": None, "Creator": "bdc (matplotlib)"}
    else:
        metadata = {"CreationDate": None, "ModDate": None, "Creator": "bdc (matplotlib)"}
    # svg.hashsalt is read from rcParams only; the context is short and restores it.
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT, "pdf.fonttype": 42}):
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    return buf.getvalue()


def warm_up() -> None:
    """Render a small figure with text once in every format, so that matplotlib's fonts and
    the image writers are loaded before the first real graph (a server worker calls this at
    start, not in a tablet's sync)."""
    fig = Figure(figsize=(1, 1))
    fig.text(0.5, 0.5, "bdc")
    for fmt in CONTENT_TYPES:
        render(fig, fmt, dpi=10)
