"""docs/architecture.md tells a newcomer which file answers each URL: it must name every module that
defines a view, so a new route module cannot appear without the map saying where it is."""
from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"


def test_the_architecture_doc_names_every_view_module(app):
    text = DOC.read_text(encoding="utf-8")
    modules = {fn.__module__ for fn in app.view_functions.values() if fn.__module__.startswith("challenge.")}
    missing = sorted(m for m in modules if f"{m.removeprefix('challenge.').replace('.', '/')}.py" not in text)
    assert not missing, f"docs/architecture.md does not say where these views live: {missing}"
