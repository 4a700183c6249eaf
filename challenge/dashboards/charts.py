"""Charts drawn on the server as SVG with pygal: no JavaScript, so the CSP's script-src 'self' holds.

Each chart is embedded inline; the page puts it in a <figure> with a caption and a data table, so
the numbers are there for screen readers and for anyone who prefers a table.

Drawing is the dashboard's dearest step (pygal takes ~10 ms a chart), so a chart is drawn once per data
version: `bar` keeps the SVG under the chart's title, options and rows themselves, so any change in the
numbers is a new key (never a stale chart) and unchanged numbers are not drawn again. The most recent
CHARTS_KEPT charts are kept per worker.

pygal is imported when the first chart is drawn, not with the app: it costs each worker ~7 MB and only the
dashboards draw charts (tests/test_memory.py). It draws with the standard library's xml.etree, not lxml,
which pygal would otherwise import and use: lxml adds ~4 MB to a worker, and the SVG is the same but for
an unused xlink namespace and a space before "/>" (bench/memory.py; docs/benchmarks.md, worker memory).
"""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup

from challenge.platform.imports import hidden

STYLE = dict(
    background="#ffffff", plot_background="#ffffff", foreground="#0b0c0c", foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f", colors=("#0b4f6c", "#b3441e", "#00703c", "#4c2c92", "#505a5f"),
    font_family="system-ui, sans-serif", label_font_size=13, major_label_font_size=13, value_font_size=13,
    title_font_size=16, legend_font_size=13, tooltip_font_size=13, opacity="1", opacity_hover="0.85",
    no_data_font_size=16,  # pygal's default (64 px) fills an empty chart with its "Nothing to show yet"
)


_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)


def _pygal():
    """pygal, drawing with xml.etree. pygal.etree picks lxml when it can import it: lxml is hidden while
    pygal is first imported, and pygal is then told to use xml.etree in any case (lxml may have been
    imported before, for an invoice's PDF), so every chart is written the same way."""
    with hidden("lxml"):
        import pygal
    from pygal.etree import etree

    etree.to_etree()
    return pygal


def _config(**extra) -> dict:
    from pygal.style import Style

    return dict(style=Style(**STYLE), disable_xml_declaration=True, js=[], show_legend=False, width=640,
                height=320, print_values=False, explicit_size=False, no_data_text="Nothing to show yet", **extra)


def _render(chart) -> Markup:
    # pygal always writes its config as an inline <script>, even with js=[]; the CSP would block it and
    # nothing needs it, so it goes.
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    # The figure's caption and table describe the chart; the SVG itself is a picture of them. pygal writes
    # its own class on the <svg>: Bootstrap's goes into it, as an element may have one class attribute.
    svg = svg.replace("<svg ", '<svg role="img" focusable="false" ', 1).replace(
        'class="pygal-chart"', 'class="pygal-chart img-fluid"', 1)
    return Markup(svg)


CHARTS_KEPT = 64


def bar(title: str, rows: list[tuple[str, float]], *, horizontal: bool = False, formatter=None) -> Markup:
    """A bar chart of (label, value) rows, drawn top to bottom in their order. Whole-number data gets
    whole-number ticks (no "0.5 challenges"). Drawn once per (title, rows, options): see the module's note."""
    rows = tuple((label, value) for label, value in rows)
    # 1 == 1.0 as a key, but whole numbers get other ticks: their kind is part of the key.
    whole = bool(rows) and all(isinstance(value, int) for _, value in rows)
    return _drawn(title, rows, whole, horizontal, formatter)


@lru_cache(maxsize=CHARTS_KEPT)
def _drawn(title: str, rows: tuple[tuple[str, float], ...], whole: bool, horizontal: bool, formatter) -> Markup:
    pygal = _pygal()
    chart = (pygal.HorizontalBar if horizontal else pygal.Bar)(**_config(title=title))
    if formatter:
        chart.value_formatter = formatter
    rows = list(reversed(rows)) if horizontal else list(rows)  # pygal draws horizontal bars bottom up
    values = [value for _, value in rows]
    if whole:
        top = max(values + [1])
        step = max(1, -(-top // 5))
        chart.y_labels = list(range(0, top + step, step))
    chart.x_labels = [label[:40] for label, _ in rows]
    chart.add(title, values)
    return _render(chart)
