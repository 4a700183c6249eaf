"""Who may do what with money: funding, invoices, awards, payouts and the finance page."""
from __future__ import annotations

from challenge.accounts.models import Membership
from challenge.challenges.states import ChallengeState
from challenge.extensions import db
from challenge.payouts.models import Funder
from challenge.payouts.states import FunderState
from challenge.permissions import can, is_broker, is_seeker, role_in, roles_of, rule, signed_in


def allowed(actor, action: str, thing=None, now=None) -> bool:
    """`can()` for the money services: an actor of None (a CLI command, a webhook) is nobody, never the
    person signed in to the request that happens to be running."""
    return actor is not None and can(actor, action, thing, now)


def _funder_org_ids(challenge) -> set[int]:
    """The organisations that accepted their share (a co-funder still asked sees only its request)."""
    return set(db.session.scalars(db.select(Funder.organisation_id).where(Funder.challenge_id == challenge.id,
                                                                          Funder.state == FunderState.ACCEPTED)))


def is_funder_member(user, challenge) -> bool:
    """A member of any organisation that funds the challenge's pool (no query for someone in none)."""
    return bool(roles_of(user)) and any(role_in(user, org_id) for org_id in _funder_org_ids(challenge))


@rule("funding.view")
def _funding_view(user, ch, now):
    return is_broker(user) or is_seeker(user, ch) or is_funder_member(user, ch)


@rule("funding.manage")
def _funding_manage(user, ch, now):
    """Choose the funders and their shares: the lead organisation's seekers until publication; after it,
    the funders change only through a broker."""
    if ch.state == ChallengeState.CANCELLED:
        return False
    return is_broker(user) or (is_seeker(user, ch) and ch.state in (ChallengeState.DRAFT, ChallengeState.IN_REVIEW))


@rule("funding.pay")
def _funding_pay(user, funder, now):
    """Ask for an invoice or pay by card: a member of the funding organisation, or a broker, once the
    organisation has accepted its share."""
    return funder.state == FunderState.ACCEPTED and (is_broker(user) or role_in(user, funder.organisation_id) is not None)


@rule("funding.consent")
def _funding_consent(user, funder, now):
    """See and answer a request to co-fund: the members of the named organisation (not a broker for them)."""
    return role_in(user, funder.organisation_id) is not None


@rule("funding.view_invoice")
def _funding_view_invoice(user, funding, now):
    return is_broker(user) or role_in(user, funding.funder.organisation_id) is not None \
        or is_seeker(user, funding.funder.challenge)


@rule("funding.record_transfer", "funding.waive", "funding.set_fee", "award.create", "payout.release",
      "payout.retry", "payout.reverse", "payout.record_paid", "refund.create", "payouts.queue", "finance.reconcile")
def _broker_money(user, thing, now):
    return is_broker(user)


@rule("giving.export_all")
def _giving_export_all(user, thing, now):
    """Every grant paid as 360Giving data: the platform team."""
    return is_broker(user)


@rule("giving.export_funder")
def _giving_export_funder(user, org, now):
    """The grants an organisation co-funded as 360Giving data: its members, and brokers."""
    return is_broker(user) or role_in(user, org.id) is not None


@rule("finance.view")
def _finance_view(user, thing, now):
    """The finance page: brokers, and anyone who belongs to an organisation (they see their own)."""
    return is_broker(user) or (signed_in(user) and db.session.scalar(
        db.select(Membership.id).where(Membership.user_id == user.id).limit(1)) is not None)


@rule("payouts.mine")
def _payouts_mine(user, thing, now):
    return signed_in(user)


@rule("award.split")
def _award_split(user, award, now):
    """The team's lead proposes the split of a team award (not of one cancelled by a disqualification)."""
    return (signed_in(user) and award.cancelled_at is None and user.id == award.submission.owner_id
            and bool(award.submission.team))


@rule("award.lead")
def _award_lead(user, award, now):
    """The team's lead: the one who proposes how a team award is shared."""
    return signed_in(user) and user.id == award.submission.owner_id


@rule("award.agree_split")
def _award_agree(user, award, now):
    return signed_in(user) and award.cancelled_at is None and any(s.user_id == user.id for s in award.splits)


@rule("award.view")
def _award_view(user, award, now):
    return is_broker(user) or (signed_in(user) and user.id in award.submission.member_ids())
