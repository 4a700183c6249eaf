"""The challenge page's view-model: everything the page shows, gathered here from the owning packages'
services (judging's rubric section, payouts' funding panel, submissions' entry panel) in a fixed number
of queries, so the template and its partials only show it.

Most of the page (the header, the brief, rubric, funding, updates, prizes and timeline) looks the same to
every visitor who may not manage or fund the challenge. For them it is a shared part
(platform/pagecache.shared_part), gathered and rendered once per generation; only the questions, the
"take part" panel and their forms are gathered for each visitor."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from flask import abort, current_app, render_template, request, url_for
from sqlalchemy import bindparam, inspect
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value
from flask_login import current_user
from markupsafe import Markup, escape

from challenge import clock
from challenge.accounts.models import Organisation
from challenge.challenges.conversation import following
from challenge.challenges.documents import DOCUMENT_ORDER
from challenge.challenges.entry_questions import QUESTION_ORDER, EntryQuestion
from challenge.challenges.forms import AnswerForm, QuestionForm
from challenge.challenges.lookup import MAX_SLUG, visible_or_404
from challenge.challenges.models import Challenge, ChallengeDocument, Follow, Prize, Question, Update
from challenge.challenges.services import entries_sql, missing_for_review
from challenge.challenges.states import ChallengeState
from challenge.extensions import db
from challenge.judging.models import Criterion, JudgingSettings, PanelMember, Round
from challenge.judging.pages import keep_rubric_and_seat, my_feedback, on_a_judging_panel, public_rubric
from challenge.judging.rubric import CRITERION_ORDER, ROUND_ORDER
from challenge.payouts.funding import pool_and_funders
from challenge.payouts.models import ChallengeFinance, Funder
from challenge.payouts.pool import FUNDER_ORDER, keep_pool_and_funders, pool_sums_sql
from challenge.payouts.states import FunderState
from challenge.permissions import can, memo, remember, signed_in, viewer_id
from challenge.platform import tx
from challenge.platform.columns import decoded, instance_of, json_instances, json_rows, model_columns, read_columns
from challenge.platform.links import kept_url_for
from challenge.platform.pagecache import CSRF_SLOT, keep_until, shared_part, with_token
from challenge.platform.withuser import row_read_with_the_user
from challenge.submissions import queries as submission_queries
from challenge.submissions.models import Submission


@dataclass
class ChallengePage:
    """What templates/challenges/show.html and the partials it includes show; `context()` hands it over."""

    challenge: Challenge
    now: datetime
    follow: Follow | None
    missing: list[str]  # what a draft still needs before review
    questions: list[AskedQuestion] = field(default_factory=list)
    organisation_url: str | None = None
    updates: list[PostedUpdate] = field(default_factory=list)
    entries: int = 0  # entries received (the prize card)
    documents: list[ChallengeDocument] = field(default_factory=list)  # the brief and data pack, to download
    entry_questions: list[EntryQuestion] = field(default_factory=list)  # challenges/_entry_questions.html
    question_form: QuestionForm | None = None  # re-shown with what was typed and its errors
    question_html: Markup | None = None  # or else the empty form, kept (_empty_question_form)
    answer_forms: dict[int, AnswerForm] = field(default_factory=dict)
    judging_panel: dict[str, Any] = field(default_factory=dict)  # judging/_challenge_rubric.html
    funding_pool: Any = None  # payouts/_challenge_funding.html: the pool's status and its funders
    funding_funders: list = field(default_factory=list)
    my_entry: Any = None  # submissions/_challenge_actions.html: the visitor's entry, and the list's size
    entry_list_count: int | None = None
    parts: dict[str, Markup] | None = None  # the parts, by PARTS' names: kept when this visitor shares them

    @property
    def has_errors(self) -> bool:
        return bool(self.question_form and self.question_form.errors) or any(
            f.errors for f in self.answer_forms.values())

    def context(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)} | {"has_errors": self.has_errors}


def challenge_for_visitor(slug: str) -> Challenge:
    """`challenge_or_404(slug)` for the challenge page. For a signed-in visitor the same statement reads their
    follow and their entry, kept as `following` and `entry_of` would read them, so the page asks nothing
    more about them. An anonymous visitor's page is rendered only when no kept copy answers, and then its
    shared parts are rarely kept either (they expire with the page): for them the same statement reads what
    the shared parts show of the challenge's own (_public_statement)."""
    if not signed_in(current_user):
        row = read_columns(_public_statement("slug", db.engine.dialect.name), {"slug": slug[:MAX_SLUG]}).first()
        if row is None:
            abort(404)
        width = len(model_columns(Challenge))
        challenge = instance_of(Challenge, row[:width])
        _keep_public(challenge, row[width:])
        return visible_or_404(challenge)
    values = {"slug": slug[:MAX_SLUG]}
    row = row_read_with_the_user(current_user.id, values) or read_columns(
        _visitor_statement(), values | {"user_id": current_user.id}).first()
    if row is None or row[0] is None:  # read with the user, a missing challenge is a row of NULLs
        abort(404)
    challenge, follow, entry = (None if part[0] is None else instance_of(model, part)
                                for model, part in _visitor_parts(row))
    remember("following", (challenge.id, current_user.id), follow)
    remember("entry_of", (challenge.id, current_user.id), entry)
    return visible_or_404(challenge)


_VISITOR_MODELS = (Challenge, Follow, Submission)  # the visitor's row: the challenge, their follow and their entry
_VISITOR_COLUMNS = tuple(column for model in _VISITOR_MODELS for column in model_columns(model))


def _visitor_parts(row) -> list[tuple[type, tuple]]:
    """Each of _VISITOR_MODELS with its columns' values in the visitor's `row` (the first, its id: None when the
    row has none of it)."""
    parts, start = [], 0
    for model in _VISITOR_MODELS:
        end = start + len(model_columns(model))
        parts.append((model, tuple(row[start:end])))
        start = end
    return parts


@lru_cache(maxsize=1)
def _visitor_statement():
    """challenge_for_visitor's statement when the signed-in user's did not read its row, built once: the challenge
    by `slug`, and the follow and the entry of `user_id` (either may be missing)."""
    return _with_visitor(db.select(*_VISITOR_COLUMNS).select_from(Challenge), bindparam("user_id")).where(
        Challenge.slug == bindparam("slug"))


def _with_visitor(statement, user_id):
    """`statement` (of the challenge) outer-joined to the follow and the entry of `user_id`."""
    return (statement.outerjoin(Follow, (Follow.challenge_id == Challenge.id) & (Follow.user_id == user_id))
            .outerjoin(Submission, Submission.id == submission_queries.entry_id_sql(Challenge.id, user_id)))


def with_the_user(statement, user_id):
    """The signed-in user's `statement` with challenge_for_visitor's row: the columns of the challenge by `slug`
    (NULLs when there is none), of the user's follow and of their entry (platform/withuser.py), made instances as
    the challenge page's statement's are: the ORM's loading of three entities cost more than the columns' read."""
    return _with_visitor(statement.add_columns(*_VISITOR_COLUMNS)
                         .outerjoin(Challenge, Challenge.slug == bindparam("slug")), user_id)


def visitor_values(view_args: dict) -> dict:
    """The values of `with_the_user`'s parameters for the page at `view_args`."""
    return {"slug": str(view_args.get("slug", ""))[:MAX_SLUG]}


def challenge_page(challenge: Challenge, now: datetime, *, question_form=None, answer_forms=None) -> ChallengePage:
    """The challenge page for the signed-in (or anonymous) visitor, with the forms they may use."""
    page = ChallengePage(
        challenge=challenge, now=now, follow=following(current_user, challenge),
        missing=missing_for_review(challenge) if challenge.state == ChallengeState.DRAFT else [],
        question_form=question_form, answer_forms=dict(answer_forms or {}))
    shared = shows_everyone_the_same(challenge)
    if not shared:
        _add_public(page)
    _add_forms(page)  # answer forms need the questions: only those who may answer get them, and never share
    page.my_entry = submission_queries.entry_of(challenge, current_user)
    if can(None, "challenge.view_submissions", challenge):
        page.entry_list_count = submission_queries.entry_count(challenge, current_user)
    html = (shared_part(f"challenge:{challenge.id}", lambda: _render_parts(_add_public(page))) if shared
            else _render_parts(page))
    page.parts = dict(zip(PARTS, html.split(Markup(_BETWEEN_PARTS)), strict=True))
    return page


# The parts of the page that look the same to everyone who shares them (templates/challenges/_show_parts.html
# renders them in this order), and what joins them there: an HTML comment, which no challenge text can hold
# (Markdown is sanitised without comments; the rest is escaped).
PARTS = ("header", "main", "aside", "questions")
_BETWEEN_PARTS = "<!--cx:part-->"


def shows_everyone_the_same(challenge: Challenge) -> bool:
    """Whether the page's shared parts look to this visitor as to everyone else in their audience.

    The parts show something of a person's own to those who may see the funding panel in full (its seekers,
    funders and brokers: every other rule they ask, such as managing it, editing its documents, posting
    updates or the DPIA, allows only some of those people), to its judges (a link to their queue) and to an
    entrant whose feedback is ready (tests/judging/test_challenge_page_parts.py)."""
    if can(None, "funding.view", challenge):
        return False
    if on_a_judging_panel() and can(None, "judging.queue", challenge):
        return False
    return my_feedback(challenge) is None


def _add_public(page: ChallengePage) -> ChallengePage:
    """`page` with what the shared parts show."""
    challenge = page.challenge
    public = memo("challenge_public", challenge.id, lambda: _read_public(challenge))
    page.entries, page.documents, page.entry_questions, page.questions, page.updates = public
    page.organisation_url = organisation_url(challenge.organisation)
    page.judging_panel = public_rubric(challenge)
    page.funding_pool, page.funding_funders = pool_and_funders(challenge)
    return page


def _render_parts(page: ChallengePage) -> Markup:
    """The parts of `page` (gathered by _add_public) in one rendering, _BETWEEN_PARTS between them: kept for
    those who share them, rendered for each of the others."""
    keep_until(page.challenge.opens_at, page.challenge.closes_at)
    return Markup(render_template("challenges/_show_parts.html", **page.context(), between=Markup(_BETWEEN_PARTS)))


def render_show(challenge: Challenge, *, question_form=None, answer_forms=None, refused=None):
    """The challenge page, also re-shown with errors (status 400 or the refusal's) when the question or
    answer form `refused` was refused."""
    page = challenge_page(challenge, clock.now(), question_form=question_form, answer_forms=answer_forms)
    return tx.render_form("challenges/show.html", refused, **page.context())


class AskedQuestion(NamedTuple):
    """A question of the public Q&A as the page shows it (and the answer forms need it)."""

    id: int
    body: str
    asked_at: datetime
    answer: str | None
    answered_at: datetime | None


class PostedUpdate(NamedTuple):
    id: int
    title: str
    body: str
    posted_at: datetime


class Public(NamedTuple):
    """What the shared parts show of the challenge's own, besides its columns, organisation and prize tiers."""

    entries: int  # entries received (services.entry_count)
    documents: list[ChallengeDocument]  # as documents_of reads them
    entry_questions: list[EntryQuestion]  # as questions_of reads them
    questions: list[AskedQuestion]  # the public Q&A, oldest first
    updates: list[PostedUpdate]  # newest first


def _read_public(challenge: Challenge) -> Public:
    """The challenge's Public, read in one statement with its organisation and prize tiers (kept on it as its
    relationships would load them), its rubric and funding panel."""
    user_id = viewer_id()
    row = read_columns(_public_statement("id", db.engine.dialect.name),
                       {"challenge_id": challenge.id, "user_id": user_id}).one()
    return _keep_public(challenge, row[1:], user_id)


def _keep_public(challenge: Challenge, row, user_id: int | None = None) -> Public:
    """The Public of `row` (_public_statement's, from the organisation's columns on), remembered for the request
    (`memo("challenge_public")`), and its organisation and prize tiers kept on `challenge` as its relationships
    would load them; the judging section's rubric and the visitor's seat, and the funding panel, kept as their
    packages would read them."""
    width = len(model_columns(Organisation))
    organisation = instance_of(Organisation, row[:width])
    (entries, prizes, documents, entry_questions, questions, updates, settings, seat, criteria, rounds, finance,
     held, paid, funders) = row[width:]
    unloaded = inspect(challenge).unloaded
    if "organisation" in unloaded:
        set_committed_value(challenge, "organisation", organisation)
    if "prizes" in unloaded:
        set_committed_value(challenge, "prizes", json_instances(Prize, prizes))
    public = Public(int(entries), json_instances(ChallengeDocument, documents),
                    json_instances(EntryQuestion, entry_questions),
                    [AskedQuestion(*item) for item in decoded(_ASKED, questions)],
                    [PostedUpdate(*item) for item in decoded(_POSTED, updates)])
    remember("challenge_public", challenge.id, public)
    keep_rubric_and_seat(challenge.id, user_id, json_instances(Criterion, criteria), json_instances(Round, rounds),
                         _one(JudgingSettings, settings), _one(PanelMember, seat))
    split = len(model_columns(Funder))
    keep_pool_and_funders(challenge, _one(ChallengeFinance, finance), held, paid,
                          [(instance_of(Funder, item[:split]), instance_of(Organisation, item[split:]))
                           for item in decoded(_FUNDER_COLUMNS, funders)])
    return public


_ASKED = (Question.id, Question.body, Question.asked_at, Question.answer, Question.answered_at)  # AskedQuestion's
_POSTED = (Update.id, Update.title, Update.body, Update.posted_at)  # PostedUpdate's
_FUNDER_ORGANISATION = aliased(Organisation, name="funder_organisations")


_FUNDER_COLUMNS = model_columns(Funder) + model_columns(_FUNDER_ORGANISATION)


def _one(model, value):
    found = json_instances(model, value)
    return found[0] if found else None


@lru_cache(maxsize=4)
def _public_statement(by: str, dialect: str):
    """The statement of a challenge's organisation, entries received, Public's lists, judging section and funding
    panel, built once for each database `dialect`: `by` "slug" (its row holds the challenge) or "id" (its id),
    with the seat on the panel of `user_id` (None: no seat). One row, each list (the prize tiers, documents, entry
    questions, the Q&A, updates, criteria, rounds and accepted funders with their organisations) and each
    one-to-one row (the judging and finance settings, the seat) a JSON value of the row (platform/columns.json_rows):
    on PostgreSQL each round trip costs the worker and the server more than the rows do, and one row costs both less
    than a row for each item of eight lists (issue 13). By "slug" the statement serves only anonymous visitors, who
    have no seat: its seat is a bare NULL."""
    def rows_of(model, *where, order_by=()):
        return json_rows(dialect, model_columns(model), model.challenge_id == Challenge.id, *where, order_by=order_by)

    # The challenge's columns and its organisation's, made instances by platform/columns.instance_of: the ORM's
    # loading of two entities cost the worker more than the columns' read.
    found = (db.select(*model_columns(Challenge)).where(Challenge.slug == bindparam("slug")) if by == "slug"
             else db.select(Challenge.id).where(Challenge.id == bindparam("challenge_id")))
    found = found.add_columns(*model_columns(Organisation)).select_from(Challenge)
    seat = db.null() if by == "slug" else rows_of(PanelMember, PanelMember.user_id == bindparam("user_id"))
    funders = json_rows(dialect, _FUNDER_COLUMNS, Funder.challenge_id == Challenge.id,
                        Funder.state == FunderState.ACCEPTED, order_by=FUNDER_ORDER,
                        from_=db.join(Funder, _FUNDER_ORGANISATION, _FUNDER_ORGANISATION.id == Funder.organisation_id))
    return (found.add_columns(
        entries_sql(Challenge.id), rows_of(Prize, order_by=(Prize.position, Prize.id)),
        rows_of(ChallengeDocument, order_by=DOCUMENT_ORDER), rows_of(EntryQuestion, order_by=QUESTION_ORDER),
        json_rows(dialect, _ASKED, Question.challenge_id == Challenge.id, order_by=(Question.asked_at, Question.id)),
        json_rows(dialect, _POSTED, Update.challenge_id == Challenge.id,
                  order_by=(Update.posted_at.desc(), Update.id.desc())),
        rows_of(JudgingSettings), seat, rows_of(Criterion, order_by=CRITERION_ORDER),
        rows_of(Round, order_by=ROUND_ORDER), rows_of(ChallengeFinance), *pool_sums_sql(), funders)
        .join(Organisation, Organisation.id == Challenge.organisation_id))


def _add_forms(page: ChallengePage) -> None:
    """Forms only for those who may use them: building one puts a CSRF token in the session, and a page
    that did so cannot be kept for anonymous visitors (platform/pagecache.py)."""
    if can(None, "challenge.answer", page.challenge):
        for q in page.questions:
            if q.answer is None and q.id not in page.answer_forms:
                page.answer_forms[q.id] = AnswerForm(prefix=f"q{q.id}", formdata=None)
    if page.question_form is None and can(None, "challenge.ask", page.challenge):
        page.question_html = _empty_question_form(page.challenge)


def _empty_question_form(challenge: Challenge) -> Markup:
    """The empty "ask a question" form: the same for every challenge and everyone who may ask but for its
    address and CSRF token, and nothing it shows changes with the data, so each worker renders it once (like
    the navigation bar, platform/menu.py) and puts in the challenge's address and the request's token."""
    kept = current_app.extensions.setdefault("empty_question_form", {})
    html = kept.get(request.script_root)
    if html is None:
        html = kept[request.script_root] = render_template(
            "challenges/_question_form.html", action=_ADDRESS_SLOT, token=CSRF_SLOT,
            question_form=QuestionForm(formdata=None, meta={"csrf": False}))
    return with_token(html.replace(_ADDRESS_SLOT, escape(url_for("challenges.ask", slug=challenge.slug))))


# Stands for the challenge's address in the kept question form (no URL, label or text the site writes holds it).
_ADDRESS_SLOT = "cx-address-slot"


def organisation_url(org) -> str | None:
    """The organisation's page, when the accounts package provides one."""
    if "organisations.show" in current_app.view_functions:
        return kept_url_for("organisations.show", slug=org.slug)
    return None
