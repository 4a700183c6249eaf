"""The console's front page (counts) and the queue of challenges waiting for review."""
from __future__ import annotations

from flask import current_app, render_template

from challenge.admin import queries
from challenge.admin.blueprint import bp
from challenge.payouts.funding import funding_summaries
from challenge.permissions import ensure

# Each row carries two forms: 20 rows keep a signed-in page within its 10 ms budget (issue 13).
REVIEW_PER_PAGE = 20


@bp.get("/")
def index():
    ensure("admin.console")
    return render_template("admin/index.html", counts=queries.console_counts(), queue=queries.review_count())


@bp.get("/review")
def review_queue():
    ensure("admin.console")
    inline = "challenges.publish" in current_app.view_functions and "challenges.request_changes" in current_app.view_functions
    page = queries.review_queue_page(REVIEW_PER_PAGE)
    return render_template("admin/review.html", page=page, inline=inline, funding=funding_summaries(page.items))
