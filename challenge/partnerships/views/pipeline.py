"""The pipeline: the broker's board and list, "my partnerships", a partnership, its edits, moves and timeline."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.library import services as library
from challenge.partnerships import board, buying, forms, introductions, outcomes, rules, services
from challenge.partnerships.blueprint import bp, partnership_or_404
from challenge.partnerships.csvout import csv_response
from challenge.partnerships.forms import AnswerForm, EventForm, MoveForm, PartnershipEditForm, PartnershipForm
from challenge.partnerships.models import Partnership
from challenge.partnerships.states import KIND_LABELS, PIPELINE, STAGE_LABELS, Stage, moves_from
from challenge.permissions import can, ensure
from challenge.platform import tx

# Cards on one page of the board (the most urgent first): enough for a week's work, within the 10 ms budget.
BOARD_PER_PAGE = 30
# The forward moves a card offers at each stage (the board's buttons), found once rather than per card.
FORWARD_MOVES = {stage.value: [m for m in moves_from(stage) if m.forward] for stage in Stage}


def render_show(p: Partnership, **bound):
    """The partnership page, with any forms that came back with errors (200, or 400/409 when refused)."""
    intro = introductions.current(p)
    page_forms = {"event_form": EventForm(formdata=None), "move_form": MoveForm(formdata=None),
                  "answer_form": AnswerForm(formdata=None)} | bound
    return tx.render_form(
        "partnerships/show.html", p=p, intro=intro, sides=rules.sides_for(current_user, intro) if intro else [],
        moves=moves_from(p.stage), procurement=buying.requirement(p), sroi=outcomes.sroi(p), now=clock.now(),
        pipeline=PIPELINE, has_errors=bool(bound), **page_forms)


@bp.get("/")
@login_required
def index():
    if not can(current_user, "partnership.board"):
        return redirect(url_for("partnerships.mine"))
    filters, now = board.Filters.from_args(request.args), clock.now()
    page, totals = board.board_page(filters, current_user, now, BOARD_PER_PAGE)
    view = "list" if request.args.get("view") == "list" else "board"
    return render_template("partnerships/board.html", page=page, partnerships=page.items,
                           columns=board.by_stage(page.items), totals=totals,
                           filters=filters, view=view, stages=list(Stage), stage_labels=STAGE_LABELS,
                           kind_labels=KIND_LABELS, owner_choices=board.OWNER_CHOICES, now=now,
                           forward_moves=FORWARD_MOVES)


@bp.get("/export.csv")
def export():
    ensure("partnership.board")
    found = board.search(board.Filters.from_args(request.args), current_user, clock.now())
    return csv_response(board.list_rows(found), "partnerships.csv")


@bp.get("/mine")
@login_required
def mine():
    owned = board.owned_by(current_user) if current_user.is_broker else []
    return render_template("partnerships/mine.html", partnerships=board.of_user(current_user), owned=owned,
                           awaiting=library.awaiting_consent(current_user), now=clock.now())


@bp.route("/new", methods=["GET", "POST"])
def new():
    ensure("partnership.create")
    form = PartnershipForm()
    forms.fill_partnership_choices(form, services.organisation_choices(), services.broker_choices())
    origin = services.origin_submission(request.args.get("submission") or form.origin.data)
    if request.method == "GET" and origin:
        forms.prefill_from_origin(form, origin)
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            p = services.create_partnership(current_user, clock.now(),
                                            creator=services.creator_by_email(form.creator_email.data),
                                            origin=origin, **services.resolve_terms(forms.terms_values(form)))
        if work.done:
            return tx.done(f"Partnership ‘{p.title}’ recorded as a lead.", url_for("partnerships.show", pid=p.id))
    return tx.render_form("partnerships/new.html", form, origin=origin)


@bp.get("/<id:pid>")
def show(pid: int):
    return render_show(partnership_or_404(pid))


@bp.route("/<id:pid>/edit", methods=["GET", "POST"])
def edit(pid: int):
    p = partnership_or_404(pid, "partnership.manage")
    form = PartnershipEditForm()
    forms.fill_terms_choices(form, services.broker_choices())
    if request.method == "GET":
        forms.fill_terms_from(form, p)
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            services.update_partnership(p, current_user, clock.now(), public=form.public.data,
                                        **services.resolve_terms(forms.terms_values(form)))
        if work.done:
            return tx.done("The partnership is updated.", url_for("partnerships.show", pid=p.id))
    return tx.render_form("partnerships/edit.html", form, p=p)


@bp.post("/<id:pid>/move")
def move(pid: int):
    p = partnership_or_404(pid, "partnership.move")
    form = MoveForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            services.move(p, form.move.data, current_user, clock.now(), reason=form.reason.data)
        if work.done:
            return tx.done(f"‘{p.title}’ is now at the stage: {p.stage_label}.",
                           request.form.get("back") == "board" and url_for("partnerships.index")
                           or url_for("partnerships.show", pid=p.id))
    return render_show(p, move_form=form)


@bp.post("/<id:pid>/events")
def add_event(pid: int):
    p = partnership_or_404(pid, "partnership.manage")
    form = EventForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            services.add_event(p, current_user, clock.now(), kind=form.kind.data, title=form.title.data,
                               body=form.body.data, url=form.url.data)
        if work.done:
            return tx.done("Added to the timeline.", url_for("partnerships.show", pid=p.id) + "#timeline")
    return render_show(p, event_form=form)
