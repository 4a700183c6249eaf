"""The judging pages, one module per page group, all on the judging blueprint."""
from __future__ import annotations

from challenge.judging import pages
from challenge.judging.blueprint import bp
# A judge's own pages: my panels, the queue, an entry (declaration first), scores and attachments.
from challenge.judging.views import judge  # noqa: F401
# Running the panel: the set-up page, invitations, the chair, rounds and the judging dates.
from challenge.judging.views import panel  # noqa: F401
# A judge's pairwise round: two entries side by side, the better one chosen, and their files.
from challenge.judging.views import pairwise  # noqa: F401
# Results: the panel view and its CSV, the shortlist, the decision, feedback and the public vote.
from challenge.judging.views import results  # noqa: F401
# The rubric editor: criteria, scale and presets.
from challenge.judging.views import rubric  # noqa: F401
# The chair's view of one entry of the panel results: the entry and each judge's sheet for it.
from challenge.judging.views import panel_entry  # noqa: F401

# The one judging Jinja global, registered here and nowhere else: the navigation bar's "Judging" link
# (base.html) is shown to the members of a panel on every page, so no single view can gather it.
bp.add_app_template_global(pages.on_a_judging_panel, "on_a_judging_panel")

__all__ = ["bp"]
