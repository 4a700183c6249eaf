"""What the payouts pages show, gathered in one place per page (the views stay thin; templates only show)."""
from __future__ import annotations

from sqlalchemy import bindparam
from sqlalchemy.orm import selectinload

from challenge.accounts.models import Organisation
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge import clock
from challenge.payouts import awards, finance, funding, invoices, ledger
from challenge.payouts.forms import (ConfirmForm, FeeForm, FundersForm, RecordTransferForm, RefundForm, StageGrantForm,
                                     WaiveForm)
from challenge.payouts.models import Award, ChallengeFinance, LedgerTransaction, Payout, PayoutSplit, Refund
from challenge.payouts.providers import card_payments_available
from challenge.payouts.refunds import refunds_open
from challenge.payouts.states import STARTED_FUNDINGS, PayoutState
from challenge.submissions.models import NOT_AWARDABLE_STATES, Submission, TeamMember

# The payouts queue's sections, in the order a broker works through them.
QUEUE_ORDER = (PayoutState.REVERSAL_DUE, PayoutState.FAILED, PayoutState.PROCESSING, PayoutState.INSTRUCTED,
               PayoutState.READY,
               PayoutState.AWAITING_PAYEE, PayoutState.PAID, PayoutState.REVERSED, PayoutState.CANCELLED)


def queue_groups() -> dict[str, list[Payout]]:
    """The latest 500 payouts, grouped by state in the queue's order."""
    payouts = db.session.scalars(db.select(Payout).order_by(Payout.id.desc()).limit(500)).all()
    return {state: [p for p in payouts if p.state == state] for state in QUEUE_ORDER}


# --- the broker's money page for one challenge ----------------------------------------------------------

def entries(challenge: Challenge) -> list[Submission]:
    """The challenge's entries that can be awarded money."""
    return list(db.session.scalars(db.select(Submission).where(
        Submission.challenge_id == challenge.id,
        Submission.state.not_in(NOT_AWARDABLE_STATES)).order_by(Submission.reference)))


def award_places(challenge: Challenge) -> dict:
    """The award part of the money page: the published decision's places (None before there is one) and those
    not yet awarded. The page awards exactly these; it never lets a broker pick winners of its own."""
    return dict(decided=awards.decided_places(challenge), left=awards.unawarded_places(challenge),
                no_decision=awards.NO_DECISION)


def grant_form(entries_, form: StageGrantForm | None = None) -> StageGrantForm:
    """The stage-grant form, offering the entries that can be awarded."""
    form = form or StageGrantForm(prefix="grant")
    form.submissions.choices = [(s.id, f"{s.reference}: {s.title}") for s in entries_]
    return form


def money_page(challenge: Challenge, **forms) -> dict:
    """The context of payouts/challenge_money.html; `forms` replaces the page's forms (a refused one)."""
    found = entries(challenge)
    forms.setdefault("award_form", ConfirmForm(prefix="award"))
    forms["grant_form"] = grant_form(found, forms.get("grant_form"))
    forms.setdefault("refund_form", RefundForm(prefix="refund"))
    return dict(
        challenge=challenge, row=finance.row_for(challenge), available=awards.available(challenge),
        escrow=ledger.escrow(challenge.id),
        transactions=db.session.scalars(db.select(LedgerTransaction).where(
            LedgerTransaction.challenge_id == challenge.id).order_by(LedgerTransaction.id.desc())).all(),
        awards=db.session.scalars(db.select(Award).where(Award.challenge_id == challenge.id)
                                  .order_by(Award.id)).all(),
        refunds=db.session.scalars(db.select(Refund).where(Refund.challenge_id == challenge.id)
                                   .order_by(Refund.id)).all(),
        refunds_open=refunds_open(challenge, clock.now()),
        has_errors=any(f.errors for f in forms.values()), **award_places(challenge), **forms)


# --- the funding page ------------------------------------------------------------------------------------

def organisations() -> list[Organisation]:
    return db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()


def funders_form(challenge: Challenge) -> FundersForm:
    """The funders form, filled with the current funders when first shown."""
    form = FundersForm()
    if not form.is_submitted():
        existing = funding.funders_of(challenge, include_unaccepted=True)
        for (organisation, share), funder in zip(form.rows, existing):
            organisation.data, share.data = funder.organisation_id, f"{funder.share_bp / 100:g}"
        if not existing:
            form.rows[0][0].data, form.rows[0][1].data = challenge.organisation_id, "100"
        budget = funding.pool_status(challenge).stage_grants
        form.stage_grants.data = f"{budget / 100:.2f}" if budget else ""
    form.set_choices(organisations())
    return form


def funding_page(challenge: Challenge, **forms) -> dict:
    """The context of payouts/funding.html; `forms` replaces the page's forms (a refused one)."""
    forms.setdefault("funders_form", funders_form(challenge))
    forms.setdefault("waive_form", WaiveForm(prefix="waive"))
    forms.setdefault("fee_form", FeeForm(prefix="fee"))
    if not forms["fee_form"].is_submitted():
        forms["fee_form"].percent.data = f"{funding.pool_status(challenge).fee_bp / 100:g}"
    funders = funding.funders_of(challenge, include_unaccepted=True)
    return dict(
        challenge=challenge, funders=funders, status=funding.pool_status(challenge),
        pledges=funding.asked_of(challenge), funded={f.id: funding.funded_by(f) for f in funders},
        transfer_form=RecordTransferForm(prefix="rec"), card=card_payments_available(),
        finance=db.session.get(ChallengeFinance, challenge.id), invoice_label=invoices.label,
        shares_locked=any(f.state in STARTED_FUNDINGS for funder in funders for f in funder.fundings),
        has_errors=any(f.errors for f in forms.values()), **forms)


# --- a creator's payouts ----------------------------------------------------------------------------------

def my_awards(user) -> list[Award]:
    """The awards of the entries the user leads or is in the team of, newest first, with what the page shows of
    each (its entry and team, challenge, prize, splits and payouts: no query per award)."""
    return list(db.session.scalars(_MY_AWARDS, {"user_id": user.id}))


# Built once: building it (its union and five eager loads) cost more than running it for a creator with no award.
_MY_AWARDS = (
    db.select(Award)
    .where(Award.submission_id.in_(
        db.select(Submission.id).where(Submission.owner_id == bindparam("user_id")).union(
            db.select(TeamMember.submission_id).where(TeamMember.user_id == bindparam("user_id")))))
    .options(selectinload(Award.submission).selectinload(Submission.team), selectinload(Award.challenge),
             selectinload(Award.prize), selectinload(Award.splits).selectinload(PayoutSplit.user),
             selectinload(Award.payouts).selectinload(Payout.user))
    .order_by(Award.created_at.desc(), Award.id))


def team_of(award: Award) -> list:
    """The people an award is shared between, lead first by id order."""
    return sorted({award.submission.owner, *(m.user for m in award.submission.team)}, key=lambda u: u.id)
