"""The public solutions library: search, an entry, "We want this too", and the creators' consent to publish."""
from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.extensions import db
from challenge.library import services as library
from challenge.library.blueprint import bp
from challenge.library.forms import ConsentForm, WantForm
from challenge.library.models import LibraryEntry
from challenge.partnerships import outcomes
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.platform.paging import paginate


@bp.get("/")
def index():
    return render_index()


def render_index(bound: ConsentForm | None = None):
    """The library, with the signed-in person's winning solutions awaiting their consent on top."""
    q, sector = request.args.get("q", "").replace("\x00", "").strip()[:100], request.args.get("sector", "")
    sector = sector if sector in library.SECTOR_LABELS else ""
    page = paginate(library.search(q, sector), per_page=current_app.config["PER_PAGE"])
    awaiting = library.awaiting_consent(current_user) if current_user.is_authenticated else []
    consent_forms = {s.id: ConsentForm(formdata=None, submission=str(s.id), summary=s.summary) for s in awaiting}
    if bound is not None:
        consent_forms[int(bound.submission.data)] = bound
    later = library.what_happened_next([e.submission_id for e in page.items])
    return tx.render_form("partnerships/library.html", page=page, q=q, sector=sector, sectors=library.SECTORS,
                          sector_labels=library.SECTOR_LABELS, awaiting=awaiting, consent_forms=consent_forms,
                          later=later,
                          has_errors=bound is not None, consent_form=bound)


@bp.get("/<id:eid>")
def show(eid: int):
    entry = db.get_or_404(LibraryEntry, eid)
    ensure("library.view", entry)
    later = library.what_happened_next([entry.submission_id])[entry.submission_id]
    form = WantForm(formdata=None)
    form.organisation.choices = [(o.id, o.name) for o in library.organisations_that_may_adopt(current_user, entry)]
    return render_template("partnerships/library_entry.html", entry=entry, later=later, form=form,
                           returns={p.id: outcomes.sroi(p) for p in later}, now=clock.now())


@bp.post("/<id:eid>/want")
@login_required
def want(eid: int):
    entry = db.get_or_404(LibraryEntry, eid)
    ensure("library.view", entry)
    ensure("library.want", entry)
    form = WantForm()
    form.organisation.choices = [(o.id, o.name) for o in library.organisations_that_may_adopt(current_user, entry)]
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            organisation = library.adopting_organisation(current_user, entry, form.organisation.data)
            interest = library.want_this_too(entry, current_user, clock.now(), note=form.note.data,
                                             organisation=organisation)
        if work.done:
            return tx.done(f"Thank you. The broker team will be in touch about bringing this to "
                           f"{interest.organisation.name}.", url_for("library.show", eid=entry.id))
    later = library.what_happened_next([entry.submission_id])[entry.submission_id]
    return tx.render_form("partnerships/library_entry.html", form, entry=entry, later=later, has_errors=True,
                          returns={p.id: outcomes.sroi(p) for p in later}, now=clock.now())


@bp.post("/consent")
@login_required
def consent():
    form = ConsentForm()
    sub = library.solution(form.submission.data)
    if sub is None:
        abort(404)
    ensure("library.consent", sub)
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            entry = library.give_consent(sub, current_user, clock.now(), summary=form.summary.data,
                                         consent=form.consent.data)
        if work.done:
            return tx.done(f"Thank you: ‘{sub.title}’ is now in the solutions library.",
                           url_for("library.show", eid=entry.id))
    return render_index(form)
