"""A partnership's impact (outcomes and SROI) and its follow-on procurement."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from challenge import clock
from challenge.extensions import db
from challenge.partnerships import buying, outcomes
from challenge.partnerships.blueprint import impact_bp as bp
from challenge.partnerships.blueprint import partnership_or_404
from challenge.partnerships.csvout import csv_response, json_download
from challenge.partnerships.forms import ContractNoticeForm, ImpactForm, InvestmentForm
from challenge.partnerships.impact import FORMULAS, explain
from challenge.partnerships.models import ImpactRecord
from challenge.partnerships.procurement import ProcurementInputError
from challenge.platform import tx


def render_impact(p, **bound):
    result = outcomes.sroi(p)
    page = {"form": ImpactForm(formdata=None), "investment_form": InvestmentForm(formdata=None)} | bound
    if "investment_form" not in bound and p.investment:
        page["investment_form"].investment.data = f"{p.investment // 100:,}" + (
            f".{p.investment % 100:02d}" if p.investment % 100 else "")
    return tx.render_form("partnerships/impact.html", p=p, result=result, steps=explain(result) if result else [],
                          formulas=FORMULAS, rate=outcomes.discount_rate(), has_errors=bool(bound), **page)


@bp.get("/<id:pid>/impact")
def show(pid: int):
    return render_impact(partnership_or_404(pid, "partnership.view_impact"))


@bp.post("/<id:pid>/impact")
def add(pid: int):
    p = partnership_or_404(pid, "partnership.edit_impact")
    form = ImpactForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            outcomes.add_record(p, current_user, clock.now(), outcome=form.outcome.data, unit=form.unit.data,
                                proxy_source=form.proxy_source.data, proxy=form.proxy.minor,
                                **{n: getattr(form, n).number for n in ("quantity", "period", "duration")},
                                **{f"{n}_bp": getattr(form, n).bp for n in outcomes.PERCENT_FIELDS})
        if work.done:
            return tx.done(f"Outcome ‘{form.outcome.data.strip()}’ recorded.", url_for("impact.show", pid=p.id))
    return render_impact(p, form=form)


@bp.post("/<id:pid>/impact/<id:rid>/delete")
def remove(pid: int, rid: int):
    p = partnership_or_404(pid, "partnership.edit_impact")
    record = db.first_or_404(db.select(ImpactRecord).where(ImpactRecord.id == rid, ImpactRecord.partnership_id == p.id))
    with tx.unit_of_work():
        outcomes.remove_record(record, current_user, clock.now())
    return tx.done("Outcome removed.", url_for("impact.show", pid=p.id))


@bp.post("/<id:pid>/investment")
def investment(pid: int):
    p = partnership_or_404(pid, "partnership.edit_impact")
    form = InvestmentForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            outcomes.set_investment(p, current_user, clock.now(), form.investment.minor)
        if work.done:
            return tx.done("Investment saved.", url_for("impact.show", pid=p.id))
    return render_impact(p, investment_form=form)


@bp.get("/<id:pid>/impact.csv")
def export(pid: int):
    p = partnership_or_404(pid, "partnership.view_impact")
    result = outcomes.sroi(p)
    if result is None:
        flash("Record at least one outcome and the investment before exporting the calculation.", "warning")
        return redirect(url_for("impact.show", pid=p.id))
    return csv_response(outcomes.calculation_rows(result), f"sroi-partnership-{p.id}.csv")


@bp.get("/<id:pid>/procurement")
def procurement(pid: int):
    p = partnership_or_404(pid)
    form = ContractNoticeForm(request.args, meta={"csrf": False})
    form.procedure.choices = buying.PROCEDURES
    choices = buying.panel_choices(form)
    requirement = buying.requirement(p, **choices)
    buying.suggest_procedure(form, requirement)
    wanted = request.args.get("format", "csv")  # "csv", "ocds"; "show" only works out the notices again
    if requirement and request.args and wanted in {"csv", "ocds"} and form.validate():
        dates = {"start": form.start.data, "end": form.end.data}
        try:
            if wanted == "ocds":
                package = buying.ocds_package(p, **dates, sme=form.sme.data, signed=form.signed.data, vat=choices["vat"])
                return json_download(package, f"contract-details-partnership-{p.id}.ocds.json")
            rows = buying.contract_details(p, **dates, procedure=form.procedure.data, sme=form.sme.data,
                                           vcse=form.vcse.data, vat=choices["vat"])
            return csv_response([["Field", "Value"], *rows], f"contract-details-partnership-{p.id}.csv")
        except ProcurementInputError as exc:
            form.end.errors.append(str(exc))
    return tx.render_form("partnerships/procurement.html", form, p=p, requirement=requirement,
                          has_errors=bool(form.errors))
