"""Dashboards: the broker's over everything, a seeker's over their own organisations; CSV exports."""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from challenge.dashboards import charts
from challenge.dashboards import services as dashboards
from challenge.dashboards.blueprint import bp
from challenge.partnerships.csvout import csv_response, pounds
from challenge.money import format_money
from challenge.permissions import ensure, roles_of

SCOPES = ("broker", "organisation")


def _scope(name: str) -> dashboards.Scope | None:
    if name not in SCOPES:
        abort(404)
    ensure(f"dashboard.{name}")
    if name == "broker":
        return None
    ids = tuple(roles_of(current_user))
    return dashboards.Scope(ids, current_user.id)


def _data(scope) -> dict:
    funnel, money = dashboards.pipeline_figures(scope)
    return {"states": dashboards.challenges_by_state(scope), "submissions": dashboards.submissions_per_challenge(scope),
            "funnel": funnel, "money": money, "returns": dashboards.sroi_by_solution(scope)}


@bp.get("/<name>")
@login_required
def show(name: str):
    scope = _scope(name)
    data = _data(scope)
    svg = {
        "states": charts.bar("Challenges by state", data["states"]),
        "submissions": charts.bar("Submissions per challenge", data["submissions"], horizontal=True),
        "funnel": charts.bar("Partnerships reaching each stage", [(s.label, s.reached) for s in data["funnel"]],
                             horizontal=True),
        "returns": charts.bar("SROI by solution (£ of social value per £1)",
                              [(r.solution, float(r.ratio)) for r in data["returns"]], horizontal=True),
    }
    return render_template("partnerships/dashboard.html", name=name, svg=svg, tables=_tables(data),
                           has_orgs=scope is None or bool(scope.organisation_ids), **data)


def _tables(data) -> dict:
    """The rows of the tables beside the charts, formatted for reading."""
    return {
        "funnel": [(s.label, s.reached, s.now_here, "" if s.conversion is None else f"{s.conversion}%")
                   for s in data["funnel"]],
        "returns": [(r.solution, r.partnerships, format_money(r.present_value), format_money(r.investment),
                     f"£{r.ratio} : £1") for r in data["returns"]],
    }


@bp.get("/<name>/<dataset>.csv")
@login_required
def export(name: str, dataset: str):
    data = _data(_scope(name))
    tables = {
        "challenges-by-state": [["State", "Challenges"], *data["states"]],
        "submissions-per-challenge": [["Challenge", "Submissions"], *data["submissions"]],
        "funnel": [["Stage", "Reached", "There now", "Conversion to next stage (%)"],
                   *[[s.label, s.reached, s.now_here, "" if s.conversion is None else f"{s.conversion}"]
                     for s in data["funnel"]]],
        "money": [["Measure", "£"], ["Value brokered (contracted and scaled)", pounds(data["money"].brokered)],
                  ["Commission earned", pounds(data["money"].commission)],
                  ["Pipeline value (before contract)", pounds(data["money"].pipeline)]],
        "sroi-by-solution": [["Solution", "Partnerships", "Present value (£)", "Investment (£)", "SROI ratio"],
                             *[[r.solution, r.partnerships, pounds(r.present_value), pounds(r.investment), f"{r.ratio}"]
                               for r in data["returns"]]],
    }
    if dataset not in tables:
        abort(404)
    return csv_response(tables[dataset], f"{name}-{dataset}.csv")
