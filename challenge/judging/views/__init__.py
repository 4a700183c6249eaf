"""The judging pages, one module per page group, all on the judging blueprint."""
from __future__ import annotations

from challenge.judging import pages
from challenge.judging.blueprint import bp
# A judge's own pages: my panels, the queue, an entry (declaration first), scores and attachments.
from challenge.judging.views import judge  # noqa: F401
# Running the panel: the set-up page, invitations, the chair, rounds and the judging dates.
from challenge.judging.views import panel  # noqa: F401
# Results: the panel view and its CSV, the shortlist, the decision, feedback and the public vote.
from challenge.judging.views import results  # noqa: F401
# The rubric editor: criteria, scale and presets.
from challenge.judging.views import rubric  # noqa: F401

# The judging Jinja globals, registered here and nowhere else: the navigation bar's "Judging" link
# (base.html), and the challenge page's judging section (templates/judging/_challenge_rubric.html), which
# reads pages.public_rubric until the challenge page's own view-model passes it in.
bp.add_app_template_global(pages.on_a_judging_panel, "on_a_judging_panel")
bp.add_app_template_global(pages.public_rubric, "judging_rubric")

__all__ = ["bp"]
