"""The judging blueprint with every view module attached."""
from __future__ import annotations

from challenge.judging import pages, views_judge, views_panel, views_results, views_rubric  # noqa: F401 (register views)
from challenge.judging.blueprint import bp

# The judging Jinja globals, registered here and nowhere else: the navigation bar's "Judging" link, and the
# challenge page's judging section (templates/judging/_challenge_rubric.html; moving to the page's view-model).
bp.add_app_template_global(pages.on_a_judging_panel, "on_a_judging_panel")
bp.add_app_template_global(pages.public_rubric, "judging_rubric")

__all__ = ["bp"]
