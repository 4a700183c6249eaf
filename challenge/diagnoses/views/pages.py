"""Problem definition: a seeker's diagnosis pages, and starting a challenge draft from one."""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.accounts.services import organisations_of
from challenge.diagnoses import services as diagnoses
from challenge.diagnoses.blueprint import bp, diagnosis_or_404
from challenge.diagnoses import stories
from challenge.diagnoses.forms import DiagnosisForm, StoryForm
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.platform.paging import paginate
from challenge.platform.processing import describe_period


@bp.get("/")
@login_required
def index():
    orgs = organisations_of(current_user)
    found = diagnoses.of_organisations([o.id for o in orgs])
    return render_template("partnerships/diagnoses.html", diagnoses=found, orgs=orgs)


@bp.get("/all")
def everything():
    """Every organisation's diagnoses, for brokers (others: 404)."""
    ensure("diagnosis.list_all")
    state = request.args.get("state") if request.args.get("state") in diagnoses.LIST_STATES else None
    page = paginate(diagnoses.listing(state))
    return render_template("partnerships/diagnoses_all.html", page=page, state=state, states=diagnoses.LIST_STATES,
                           story_counts=stories.counts([d.id for d in page.items]), now=clock.now(),
                           period=describe_period("diagnoses"))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = DiagnosisForm()
    orgs = {o.id: o for o in organisations_of(current_user)}
    form.organisation.choices = [(o.id, o.name) for o in orgs.values()]
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            d = diagnoses.create(orgs[form.organisation.data], current_user, clock.now(), **form.values())
        if work.done:
            return tx.done("Diagnosis saved.", url_for("diagnoses.show", did=d.id))
    return tx.render_form("partnerships/diagnosis_form.html", form, d=None, orgs=form.organisation.choices)


@bp.get("/<id:did>")
def show(did: int):
    d = diagnosis_or_404(did)
    shown = stories.active(d)
    diagnoses.note_view(d, shown, current_user)
    return render_template("partnerships/diagnosis.html", d=d, stories=shown,
                           form=StoryForm(formdata=None, data={"given_on": clock.now().date()}))


@bp.route("/<id:did>/edit", methods=["GET", "POST"])
def edit(did: int):
    d = diagnosis_or_404(did, "diagnosis.edit")
    form = DiagnosisForm(obj=d if request.method == "GET" else None)
    form.organisation.choices = [(d.organisation_id, d.organisation.name)]
    form.organisation.data = d.organisation_id
    if request.method == "GET":
        form.survey_respondents.data = "" if d.survey_respondents is None else str(d.survey_respondents)
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            diagnoses.update(d, current_user, clock.now(), **form.values())
        if work.done:
            return tx.done("Diagnosis saved.", url_for("diagnoses.show", did=d.id))
    return tx.render_form("partnerships/diagnosis_form.html", form, d=d, orgs=form.organisation.choices)


@bp.post("/<id:did>/start-challenge")
def start_challenge(did: int):
    d = diagnosis_or_404(did, "diagnosis.start_challenge")
    with tx.unit_of_work():
        challenge = diagnoses.start_challenge(d, current_user, clock.now())
    return tx.done("A draft challenge has been started from your diagnosis. Check and complete it before sending "
                   "it for review.", url_for("challenges.show", slug=challenge.slug))
