"""Who funds a pool and their shares, and a named co-funder's answer (accept or decline).

The lead organisation, and any organisation the person naming the funders belongs to, accept by being
named; every other co-funder is asked by email and counts only once one of its members accepts.
"""
from __future__ import annotations

from datetime import datetime

from challenge.accounts.models import Membership, Organisation, User
from challenge.challenges.models import Challenge
from challenge.challenges.states import ChallengeState
from challenge.errors import DomainError, FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.payouts.models import Funder
from challenge.payouts.pool import asked_of, finance_for, funders_of
from challenge.payouts.rules import allowed
from challenge.payouts.states import FUNDER_MOVES, STARTED_FUNDINGS, FunderState
from challenge.platform import audit, outbox, tx
from challenge.platform.links import site_link

MAX_FUNDERS = 10
SHARES = "share_1"  # the form field a refusal of the shares is shown on (the first funder's share)


def set_funders(challenge: Challenge, shares: list[tuple[Organisation, int]], actor, now: datetime,
                *, stage_grants_budget: int | None = None) -> list[Funder]:
    """Replace who funds the pool and their shares (basis points).

    The lead organisation, and any organisation the actor belongs to, accept by being named; every
    other co-funder is asked (its members are emailed) and stays pending until one of them accepts.
    A co-funder named again with the same share keeps its answer.

    Refuses: no funders, more than ten, the same organisation twice, a share of zero or less, shares
    that do not sum to 100 %, a pool without the lead organisation, and any change once money is in.
    Who may change them (after publication, only a broker) is the `funding.manage` rule's to say.
    """
    _check_shares(challenge, shares)
    finance = finance_for(challenge, now)
    existing = funders_of(challenge, include_unaccepted=True)
    if any(f.state in STARTED_FUNDINGS for e in existing for f in e.fundings):
        raise NotAllowed("Payments or invoices have already been started, so the funders and their shares "
                         "can no longer change.", SHARES)
    if stage_grants_budget is not None:
        if type(stage_grants_budget) is not int or stage_grants_budget < 0:
            raise FieldError("The stage grants budget must be zero or more.", SHARES)
        finance.stage_grants_budget = stage_grants_budget
        finance.updated_at = now
    funders = _replace_funders(challenge, existing, shares, actor, now)
    asked = asked_of(challenge)
    for funder_row in funders:
        funder_row.pledged_amount = asked[funder_row.id]
        if funder_row.state == FunderState.PENDING:
            _ask_to_accept(funder_row, actor, now)
    audit.record(actor, "funding.set_funders", challenge, now,
                 data={"shares": {str(org.id): bp for org, bp in shares},
                       "pending": [f.organisation_id for f in funders if f.state == FunderState.PENDING],
                       "stage_grants_budget": finance.stage_grants_budget})
    db.session.flush()
    return funders


def _check_shares(challenge: Challenge, shares: list[tuple[Organisation, int]]) -> None:
    """Refuse no funders, more than ten, an organisation twice, a share of zero or less, shares that do not
    sum to 100 % and a pool without the lead organisation."""
    if not shares:
        raise FieldError("Add at least one funder.", SHARES)
    if len(shares) > MAX_FUNDERS:
        raise FieldError(f"A pool can have at most {MAX_FUNDERS} funders.", SHARES)
    ids = [org.id for org, _ in shares]
    if len(set(ids)) != len(ids):
        raise FieldError("Each organisation can appear only once among the funders.", SHARES)
    if any(type(bp) is not int or bp <= 0 for _, bp in shares):
        raise FieldError("Each funder's share must be more than 0 %.", SHARES)
    if sum(bp for _, bp in shares) != 10000:
        total = sum(bp for _, bp in shares)
        raise FieldError(f"The shares add up to {total / 100:g} %; they must add up to exactly 100 %.", SHARES)
    if challenge.organisation_id not in ids:
        raise FieldError("The lead organisation must be one of the funders.", SHARES)


def _replace_funders(challenge: Challenge, existing: list[Funder], shares: list[tuple[Organisation, int]], actor,
                     now: datetime) -> list[Funder]:
    """Delete the old funder rows and write the new ones; a co-funder named again with the same share keeps
    its answer (unless it declined), and the lead and the actor's own organisations accept by being named."""
    kept = {(old.organisation_id, old.share_bp): old for old in existing}
    for old in existing:
        for funding in list(old.fundings):
            db.session.delete(funding)  # only cancelled or failed attempts, which moved no money
        db.session.delete(old)
    db.session.flush()
    funders = []
    for org, bp in shares:
        before = kept.get((org.id, bp))
        if org.id == challenge.organisation_id or _member_of(actor, org.id):
            state, by, at = FunderState.ACCEPTED, getattr(actor, "id", None), now
        elif before is not None and before.state != FunderState.DECLINED:
            state, by, at = before.state, before.decided_by_id, before.decided_at
        else:
            state, by, at = FunderState.PENDING, None, None
        funders.append(Funder(challenge_id=challenge.id, organisation_id=org.id, share_bp=bp,
                              currency=challenge.currency, state=state, decided_by_id=by, decided_at=at,
                              created_at=now))
    db.session.add_all(funders)
    db.session.flush()
    return funders


def _member_of(actor, organisation_id: int) -> bool:
    return actor is not None and db.session.scalar(db.select(Membership.id).where(
        Membership.user_id == actor.id, Membership.organisation_id == organisation_id).limit(1)) is not None


def _members(organisation_id: int) -> list[User]:
    return list(db.session.scalars(db.select(User).join(Membership, Membership.user_id == User.id)
                                   .where(Membership.organisation_id == organisation_id).order_by(User.id)))


def _ask_to_accept(funder: Funder, actor, now: datetime) -> None:
    """Email every member of a newly named co-funder the request to accept its share."""
    link = site_link("payouts.funder_consent", funder_id=funder.id)
    for member in _members(funder.organisation_id):
        outbox.queue("funder_request", member.email, "funder_request", now, funder=funder, member=member,
                     challenge=funder.challenge, asked_by=actor, link=link)


def _decide(funder_id: int, move: str, actor, now: datetime) -> Funder:
    funder = tx.lock(Funder, funder_id)
    if funder is None:
        raise DomainError("This request has been withdrawn: the funders of the challenge have changed.")
    if not allowed(actor, "funding.consent", funder, now):
        raise NotAllowed("Only a member of the named organisation can answer this request.")
    target = FUNDER_MOVES.moves[move].target
    if funder.state == target:
        return funder  # a double click or a second member answering the same way: nothing more to do
    if not FUNDER_MOVES.allowed(move, funder.state):
        raise InvalidTransition(f"{funder.organisation.name} has already {funder.state} this request.")
    if funder.challenge.state == ChallengeState.CANCELLED:
        raise InvalidTransition("The challenge has been cancelled, so there is nothing to fund.")
    before, _ = FUNDER_MOVES.apply(funder, move)
    funder.decided_by_id, funder.decided_at = actor.id, now
    audit.record(actor, f"funding.funder_{target}", funder, now, from_state=before, to_state=target,
                 data={"challenge": funder.challenge_id, "organisation": funder.organisation_id,
                       "share_bp": funder.share_bp})
    link = site_link("payouts.funding_page", slug=funder.challenge.slug)
    for member in _members(funder.challenge.organisation_id):
        outbox.queue(f"funder_{target}", member.email, "funder_answer", now, funder=funder, member=member,
                     challenge=funder.challenge, actor=actor, link=link)
    db.session.flush()
    return funder


def accept_funding(funder_id: int, actor, now: datetime) -> Funder:
    """A member of a named co-funder accepts its share: from now on it is shown, invoiced and counted.

    Decided under a lock on the funder row; accepting twice is harmless. Refuses non-members, a
    request already declined, a withdrawn one and a cancelled challenge.
    """
    return _decide(funder_id, "accept", actor, now)


def decline_funding(funder_id: int, actor, now: datetime) -> Funder:
    """A member of a named co-funder declines: it stays hidden and uncounted, and the seekers must
    change the funders. Refuses non-members, a request already accepted, a withdrawn one."""
    return _decide(funder_id, "decline", actor, now)

