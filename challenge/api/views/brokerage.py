"""The broker's partnerships and payouts through the API (a token): read them, and move a partnership along
its pipeline with the same service and lifecycle table as its page."""
from __future__ import annotations

from challenge import clock
from challenge.api import auth
from challenge.api import member_answers as answers
from challenge.api import member_schemas as schemas
from challenge.api.views import bp
from challenge.partnerships import board, services
from challenge.partnerships.blueprint import partnership_or_404
from challenge.payouts.pages import queue_groups
from challenge.permissions import can, ensure
from challenge.platform import tx


@bp.get("/partnerships")
@auth.required
@bp.doc(security=auth.SECURITY)
@bp.response(200, schemas.PartnershipList)
def partnerships():
    """The whole pipeline for a broker (as the board shows it); for anyone else, the partnerships they are in."""
    user = auth.actor()
    found = (board.search(board.Filters(), user, clock.now()) if can(user, "partnership.board")
             else board.of_user(user))
    return {"data": [answers.partnership(p) for p in found]}


@bp.get("/partnerships/<id:pid>")
@auth.required
@bp.doc(security=auth.SECURITY)
@bp.response(200, schemas.Partnership)
def partnership(pid: int):
    """One partnership you may see (404 otherwise, as its page)."""
    return answers.partnership(partnership_or_404(pid))


@bp.patch("/partnerships/<id:pid>")
@auth.required
@bp.doc(security=auth.SECURITY)
@bp.arguments(schemas.PartnershipMove)
@bp.response(200, schemas.Partnership)
def move_partnership(body: dict, pid: int):
    """Move it to another stage with one of its `moves` (409 for a move its stage does not allow)."""
    p = partnership_or_404(pid, "partnership.move")
    with tx.unit_of_work():
        services.move(p, body["move"], auth.actor(), clock.now(), reason=body["reason"])
    return answers.partnership(p)


@bp.get("/payouts")
@auth.required
@bp.doc(security=auth.SECURITY)
@bp.response(200, schemas.PayoutList)
def payouts():
    """The payouts queue (the latest 500, by state), as the broker's payouts page lists it."""
    ensure("payouts.queue")
    return {"data": [answers.payout(p) for group in queue_groups().values() for p in group]}
