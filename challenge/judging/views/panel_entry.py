"""The chair's view of one entry of the panel results: the entry and each judge's sheet for it."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import login_required

from challenge.challenges.lookup import challenge_or_404
from challenge.judging import entry_sheets
from challenge.judging.blueprint import bp, round_or_404
from challenge.permissions import ensure
from challenge.submissions import answers as entry_answers


@bp.get("/judging/<slug>/panel/entries/<id:sid>")
@login_required
def panel_entry(slug: str, sid: int):
    challenge = challenge_or_404(slug, action=None)
    round_ = round_or_404(challenge, request.args.get("round", 1))
    ensure("judging.panel_view", round_)
    found = entry_sheets.entry_in_round(round_, sid)
    if found is None:
        abort(404)
    blind = bool(challenge.blind_judging)
    return render_template("judging/panel_entry.html", challenge=challenge, round=round_, found=found,
                           entry=found.entry, blind=blind,
                           answers=entry_answers.shown(found.entry, blind=blind))
