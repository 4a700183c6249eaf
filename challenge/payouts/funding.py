"""Funding a prize pool: who pledges what share, invoices and card payments, and the held money.

The broker's fee is charged ON TOP of the prizes: a £10,000 prize with a 5 % fee needs £10,500 from
the funders, so winners receive exactly what was advertised. The fee is taken from the escrow when
prizes are awarded, on what is awarded; anything not awarded (prize money and its unused fee) is
refunded to the funders.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from challenge.accounts.models import Membership, Organisation, User
from challenge.challenges.models import Challenge
from challenge.challenges.states import ChallengeState
from challenge.errors import DomainError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.money import format_money
from challenge.payouts import ledger
from challenge.payouts.models import Award, ChallengeFinance, Funder, Funding
from challenge.payouts.providers import card_payments_available, gateway, site_link
from challenge.platform import audit, outbox, tx

MAX_FUNDERS = 10


def fee_on(amount: int, fee_bp: int) -> int:
    """The broker's fee on `amount`, rounded down so that fees on parts never exceed the fee on the whole."""
    return amount * fee_bp // 10000


def finance_for(challenge: Challenge, now: datetime) -> ChallengeFinance:
    """The challenge's finance settings, created with the defaults from config on first use."""
    finance = db.session.get(ChallengeFinance, challenge.id)
    if finance is None:
        finance = ChallengeFinance(
            challenge_id=challenge.id, currency=challenge.currency,
            fee_bp=int(current_app.config["BROKER_FEE_PERCENT"]) * 100, updated_at=now,
        )
        db.session.add(finance)
        db.session.flush()
    return finance


def funders_of(challenge: Challenge, *, include_unaccepted: bool = False) -> list[Funder]:
    """The challenge's funders, largest share first: only those who accepted, unless asked for all.

    A co-funder that has not accepted (or declined) is not shown publicly, not invoiced and not counted.
    """
    stmt = db.select(Funder).where(Funder.challenge_id == challenge.id)
    if not include_unaccepted:
        stmt = stmt.where(Funder.state == "accepted")
    return list(db.session.scalars(stmt.order_by(Funder.share_bp.desc(), Funder.id)))


@dataclass(frozen=True)
class PoolStatus:
    """What the funding panel and the finance page show about one challenge's pool."""

    currency: str
    prizes: int
    stage_grants: int
    fee_bp: int
    fee: int
    required: int
    funded: int
    held: int
    waived: bool

    @property
    def fully_funded(self) -> bool:
        return self.required > 0 and self.funded >= self.required

    @property
    def outstanding(self) -> int:
        return max(self.required - self.funded, 0)

    @property
    def percent(self) -> int:
        return 100 if self.required == 0 else min(100, self.funded * 100 // self.required)


def pool_status(challenge: Challenge) -> PoolStatus:
    finance = db.session.get(ChallengeFinance, challenge.id)
    fee_bp = finance.fee_bp if finance else int(current_app.config["BROKER_FEE_PERCENT"]) * 100
    grants = finance.stage_grants_budget if finance else 0
    target = challenge.prize_pool + grants
    funded = sum(funded_by(f) for f in funders_of(challenge))
    return PoolStatus(
        currency=challenge.currency, prizes=challenge.prize_pool, stage_grants=grants, fee_bp=fee_bp,
        fee=fee_on(target, fee_bp), required=target + fee_on(target, fee_bp), funded=funded,
        held=ledger.balance(ledger.escrow(challenge.id), challenge.currency),
        waived=bool(finance and finance.funding_waived),
    )


def asked_of(challenge: Challenge) -> dict[int, int]:
    """What each named funder (by id, accepted or not) is asked for: its share of what the pool needs."""
    funders = funders_of(challenge, include_unaccepted=True)
    if not funders:
        return {}
    amounts = ledger.allocate(pool_status(challenge).required, [f.share_bp for f in funders])
    return {f.id: amount for f, amount in zip(funders, amounts)}


def pledges(challenge: Challenge) -> dict[int, int]:
    """Each accepted funder's pledge (by funder id): its share of what the pool needs, pennies exact.

    A co-funder that has not accepted pledges nothing yet, so nothing can be invoiced to it.
    """
    accepted = {f.id for f in funders_of(challenge)}
    return {fid: amount for fid, amount in asked_of(challenge).items() if fid in accepted}


def funded_by(funder: Funder) -> int:
    """What this funder has paid in, from the ledger."""
    return -ledger.balance(ledger.funder(funder.id), funder.currency)


def is_fully_funded(challenge: Challenge) -> bool:
    return pool_status(challenge).fully_funded


def assert_publishable(challenge: Challenge) -> None:
    """Refuse to open a challenge whose pool is neither fully funded nor waived by a broker."""
    status = pool_status(challenge)
    if status.fully_funded or status.waived:
        return
    raise DomainError(
        f"The prize pool is not fully funded yet: {format_money(status.funded, status.currency)} of "
        f"{format_money(status.required, status.currency)} has been received. A broker can waive this with a reason."
    )


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
    if not shares:
        raise DomainError("Add at least one funder.")
    if len(shares) > MAX_FUNDERS:
        raise DomainError(f"A pool can have at most {MAX_FUNDERS} funders.")
    ids = [org.id for org, _ in shares]
    if len(set(ids)) != len(ids):
        raise DomainError("Each organisation can appear only once among the funders.")
    if any(type(bp) is not int or bp <= 0 for _, bp in shares):
        raise DomainError("Each funder's share must be more than 0 %.")
    if sum(bp for _, bp in shares) != 10000:
        total = sum(bp for _, bp in shares)
        raise DomainError(f"The shares add up to {total / 100:g} %; they must add up to exactly 100 %.")
    if challenge.organisation_id not in ids:
        raise DomainError("The lead organisation must be one of the funders.")
    finance = finance_for(challenge, now)
    existing = funders_of(challenge, include_unaccepted=True)
    if any(f.state in ("pending", "paid") for e in existing for f in e.fundings):
        raise NotAllowed("Payments or invoices have already been started, so the funders and their shares "
                         "can no longer change.")
    if stage_grants_budget is not None:
        if type(stage_grants_budget) is not int or stage_grants_budget < 0:
            raise DomainError("The stage grants budget must be zero or more.")
        finance.stage_grants_budget = stage_grants_budget
        finance.updated_at = now
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
            state, by, at = "accepted", getattr(actor, "id", None), now
        elif before is not None and before.state != "declined":
            state, by, at = before.state, before.decided_by_id, before.decided_at
        else:
            state, by, at = "pending", None, None
        funders.append(Funder(challenge_id=challenge.id, organisation_id=org.id, share_bp=bp,
                              currency=challenge.currency, state=state, decided_by_id=by, decided_at=at,
                              created_at=now))
    db.session.add_all(funders)
    db.session.flush()
    asked = asked_of(challenge)
    for funder_row in funders:
        funder_row.pledged_amount = asked[funder_row.id]
        if funder_row.state == "pending":
            _ask_to_accept(funder_row, actor, now)
    audit.record(actor, "funding.set_funders", challenge, now,
                 data={"shares": {str(org.id): bp for org, bp in shares},
                       "pending": [f.organisation_id for f in funders if f.state == "pending"],
                       "stage_grants_budget": finance.stage_grants_budget})
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


def _locked_funder(funder_id: int) -> Funder:
    funder = db.session.scalar(db.select(Funder).where(Funder.id == funder_id).with_for_update()
                               .execution_options(populate_existing=True))
    if funder is None:
        raise DomainError("This request has been withdrawn: the funders of the challenge have changed.")
    return funder


def _decide(funder_id: int, target: str, actor, now: datetime) -> Funder:
    funder = _locked_funder(funder_id)
    if not _member_of(actor, funder.organisation_id):
        raise NotAllowed("Only a member of the named organisation can answer this request.")
    if funder.state == target:
        return funder  # a double click or a second member answering the same way: nothing more to do
    if funder.state != "pending":
        raise InvalidTransition(f"{funder.organisation.name} has already {funder.state} this request.")
    if funder.challenge.state == ChallengeState.CANCELLED:
        raise InvalidTransition("The challenge has been cancelled, so there is nothing to fund.")
    funder.state, funder.decided_by_id, funder.decided_at = target, actor.id, now
    audit.record(actor, f"funding.funder_{target}", funder, now, from_state="pending", to_state=target,
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
    return _decide(funder_id, "accepted", actor, now)


def decline_funding(funder_id: int, actor, now: datetime) -> Funder:
    """A member of a named co-funder declines: it stays hidden and uncounted, and the seekers must
    change the funders. Refuses non-members, a request already accepted, a withdrawn one."""
    return _decide(funder_id, "declined", actor, now)


def _broker_only(actor, what: str) -> None:
    if not getattr(actor, "is_broker", False):
        raise NotAllowed(f"Only a broker can {what}.")


def _check_currency(challenge: Challenge, currency: str) -> None:
    if currency != challenge.currency:
        raise DomainError(f"This prize pool is held in {challenge.currency}; amounts in {currency} cannot be used.")


def outstanding_for(funder: Funder) -> int:
    """What the funder still owes: its pledge less what it paid and what is already invoiced."""
    pledge = pledges(funder.challenge).get(funder.id, 0)
    pending = sum(f.amount for f in funder.fundings if f.state == "pending")
    return max(pledge - funded_by(funder) - pending, 0)


def _new_funding(funder: Funder, provider: str, amount: int, now: datetime) -> Funding:
    reference = f"CXF-{funder.challenge_id}-{funder.id}-{secrets.token_hex(3).upper()}"
    funding = Funding(provider=provider, reference=reference, amount=amount, currency=funder.currency,
                      state="pending", created_at=now)
    funder.fundings.append(funding)
    db.session.flush()
    return funding


def _lock_payments(funder: Funder) -> None:
    """Take the challenge's lock, then read the funder's payments again: another request may have changed them."""
    ledger.lock_challenge(funder.challenge_id)
    db.session.scalars(db.select(Funding).where(Funding.funder_id == funder.id)
                       .execution_options(populate_existing=True)).all()
    db.session.expire(funder, ["fundings"])


def issue_invoice(funder: Funder, actor, now: datetime) -> Funding:
    """Issue (or return the open) invoice for what the funder still owes. Refuses when nothing is owed.

    Decided under the challenge's lock, so two requests at once share one invoice rather than invoicing
    the same share twice.
    """
    _lock_payments(funder)
    open_invoice = next((f for f in funder.fundings if f.state == "pending" and f.provider == "manual"), None)
    if open_invoice is not None:
        return open_invoice
    amount = outstanding_for(funder)
    if amount <= 0:
        raise DomainError(f"{funder.organisation.name} has already paid or been invoiced for its whole share.")
    funding = _new_funding(funder, "manual", amount, now)
    audit.record(actor, "funding.invoice", funding, now, to_state="pending",
                 data={"amount": amount, "reference": funding.reference})
    return funding


def begin_checkout(funder: Funder, actor, now: datetime) -> Funding:
    """Record a card payment the funder is about to make (the provider is called after the commit).

    Refuses when Stripe is not configured or nothing is owed; reuses an unfinished card payment (decided
    under the challenge's lock, like an invoice).
    """
    if not card_payments_available():
        raise DomainError("Card payments are not available; ask for an invoice instead.")
    _lock_payments(funder)
    unfinished = next((f for f in funder.fundings if f.state == "pending" and f.provider == "stripe"), None)
    if unfinished is not None:
        return unfinished
    amount = outstanding_for(funder)
    if amount <= 0:
        raise DomainError(f"{funder.organisation.name} has already paid or been invoiced for its whole share.")
    funding = _new_funding(funder, "stripe", amount, now)
    audit.record(actor, "funding.checkout", funding, now, to_state="pending", data={"amount": amount})
    return funding


def _already(funding: Funding) -> str:
    if funding.state == "paid":
        return (f"This payment has already been recorded: {format_money(funding.amount, funding.currency)} "
                "received. Nothing more was booked.")
    return f"This payment is {funding.state}, so it cannot be recorded as received."


def record_payment(funding: Funding, amount: int, currency: str, now: datetime, *, actor=None,
                   payment_intent_id: str | None = None, bank_reference: str = "") -> Funding:
    """Mark a pending payment paid and move the money into the challenge's escrow, once.

    Decided under the challenge's lock on the payment row read again after the lock, so a double click,
    two brokers or a second provider event book nothing the second time: they are refused with
    InvalidTransition ("already been recorded"). The database also refuses a second funding transaction
    for one payment. Refuses an amount that is not a positive int, one larger than the invoice, and
    another currency. A smaller amount is recorded as received; the rest stays owed.
    """
    challenge = funding.funder.challenge
    if type(amount) is not int or amount <= 0:
        raise DomainError("Enter an amount of more than zero.")
    _check_currency(challenge, currency)
    ledger.lock_challenge(challenge.id)
    funding = db.session.scalar(db.select(Funding).where(Funding.id == funding.id).with_for_update()
                                .execution_options(populate_existing=True))
    if funding.state != "pending":
        raise InvalidTransition(_already(funding))
    if amount > funding.amount:
        raise DomainError(f"{format_money(amount, currency)} is more than the "
                          f"{format_money(funding.amount, currency)} this payment was for.")
    funder = funding.funder
    funding.amount = amount
    funding.state = "paid"
    funding.paid_at = now
    funding.payment_intent_id = payment_intent_id or funding.payment_intent_id
    funding.bank_reference = bank_reference[:120]
    funding.recorded_by_id = getattr(actor, "id", None)
    ledger.post("funding", challenge.id, currency,
                [(ledger.escrow(challenge.id), amount), (ledger.funder(funder.id), -amount)], now,
                actor=actor, memo=f"{funder.organisation.name} paid {funding.reference}", funding_id=funding.id)
    audit.record(actor, "funding.paid", funding, now, from_state="pending", to_state="paid",
                 data={"amount": amount, "provider": funding.provider})
    db.session.flush()
    return funding


def record_bank_transfer(funding: Funding, amount: int, currency: str, bank_reference: str, actor,
                         now: datetime) -> Funding:
    """A broker records an invoice's bank transfer as received. Refuses non-brokers and card payments."""
    _broker_only(actor, "record a bank transfer")
    if funding.provider != "manual":
        raise DomainError("Card payments are confirmed by the provider, not recorded by hand.")
    return record_payment(funding, amount, currency, now, actor=actor, bank_reference=bank_reference.strip())


def waive_funding(challenge: Challenge, reason: str, actor, now: datetime) -> ChallengeFinance:
    """A broker lets the challenge open before its pool is fully funded. Refuses without a reason."""
    _broker_only(actor, "waive full funding")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DomainError("Give the reason for waiving full funding (at least 5 characters).")
    finance = finance_for(challenge, now)
    finance.funding_waived, finance.waiver_reason = True, reason[:1000]
    finance.waived_by_id, finance.waived_at, finance.updated_at = actor.id, now, now
    audit.record(actor, "funding.waive", challenge, now, reason=reason[:1000])
    db.session.flush()
    return finance


def set_fee(challenge: Challenge, fee_bp: int, actor, now: datetime) -> ChallengeFinance:
    """A broker sets the challenge's fee (basis points, 0–50 %). Refuses once a fee has been taken."""
    _broker_only(actor, "set the broker's fee")
    if type(fee_bp) is not int or not 0 <= fee_bp <= 5000:
        raise DomainError("The fee must be between 0 % and 50 %.")
    if db.session.scalar(db.select(Award.id).where(Award.challenge_id == challenge.id).limit(1)):
        raise DomainError("Prizes have been awarded, so the fee can no longer change.")
    finance = finance_for(challenge, now)
    before = finance.fee_bp
    finance.fee_bp, finance.updated_at = fee_bp, now
    audit.record(actor, "funding.set_fee", challenge, now, data={"from": before, "to": fee_bp})
    db.session.flush()
    return finance


def open_checkout(funding_id: int, success_url: str, cancel_url: str, now: datetime) -> str:
    """Create the provider's Checkout Session for a recorded card payment and return where to send the payer.

    Called after the commit that recorded the payment; commits. The idempotency key is the payment's
    own, so a repeat (a double click, a retry after a timeout) returns the same session.
    """
    funding = db.session.get(Funding, funding_id)
    amount, currency, reference = funding.amount, funding.currency, funding.reference
    description = f"Prize pool: {funding.funder.challenge.title}"[:200]
    tx.commit()
    session = gateway("stripe").create_checkout_session(
        amount=amount, currency=currency, description=description, reference=reference,
        success_url=success_url, cancel_url=cancel_url, idempotency_key=f"funding-{funding_id}-checkout")
    funding = db.session.get(Funding, funding_id)
    if funding.checkout_session_id is None:
        funding.checkout_session_id = session.id
        audit.record(None, "funding.checkout_session", funding, now, data={"session": session.id})
    tx.commit()
    return session.url
