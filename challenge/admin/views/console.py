"""The console's front page (counts) and the queue of challenges waiting for review."""
from __future__ import annotations

from flask import current_app, render_template

from challenge.admin import queries
from challenge.admin.blueprint import bp
from challenge.payouts.funding import funding_summaries
from challenge.permissions import ensure


@bp.get("/")
def index():
    ensure("admin.console")
    return render_template("admin/index.html", counts=queries.console_counts(), queue=len(queries.review_queue()))


@bp.get("/review")
def review_queue():
    ensure("admin.console")
    inline = "challenges.publish" in current_app.view_functions and "challenges.request_changes" in current_app.view_functions
    queue = queries.review_queue()
    return render_template("admin/review.html", queue=queue, inline=inline,
                           funding=funding_summaries(ch for ch, _ in queue))
