"""360Giving downloads of the prizes and stage grants paid: the broker's (everything), a funding
organisation's (what it co-funded), and the public file (decided challenges whose funders all opted in)."""
from __future__ import annotations

from flask import abort, current_app, request

from challenge.accounts.blueprint import org_or_404
from challenge.partnerships.csvout import csv_response, json_download
from challenge.payouts import giving
from challenge.payouts.blueprint import bp
from challenge.permissions import ensure


def _answer(awards, filename: str, *, public: bool = False):
    """JSON package by default; `?format=csv` for the flat form; any other format is a 404."""
    document = giving.package(awards, current_app.config["THREESIXTYGIVING_PREFIX"], public=public)
    wanted = request.args.get("format", "json")
    if wanted == "csv":
        return csv_response(giving.csv_rows(document), f"{filename}.csv")
    if wanted != "json":
        abort(404)
    return json_download(document, f"{filename}.json")


@bp.get("/finance/360giving")
def giving_all():
    ensure("giving.export_all")
    return _answer(giving.paid_awards(), "challenge-exchange-360giving")


@bp.get("/organisations/<slug>/360giving")
def giving_funder(slug: str):
    org = org_or_404(slug)
    ensure("giving.export_funder", org)
    return _answer(giving.paid_awards(funder=org), f"{org.slug}-360giving")


@bp.get("/open-data/360giving.json")
def giving_public():
    return _answer(giving.paid_awards(public=True), "challenge-exchange-360giving", public=True)
