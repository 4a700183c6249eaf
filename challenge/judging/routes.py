"""The judging blueprint with every view module attached."""
from __future__ import annotations

from challenge.judging import views_judge, views_panel, views_results, views_rubric  # noqa: F401 (register views)
from challenge.judging.blueprint import bp

__all__ = ["bp"]
