"""Who may do what: the one place access is decided.

`can(user, action, thing, now=None)` answers every question; views, templates (as `can` in Jinja)
and services ask it. Each rule is a small function in RULES, keyed by action name, grouped by package.
A user who may not see a thing gets a 404 from `ensure`, never a 403, so its existence does not leak.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import abort, has_request_context, request
from flask_login import current_user

from challenge import clock
from challenge.accounts.models import Membership, MembershipRole
from challenge.challenges.states import NOT_ENTRY_STATES, ChallengeState, Phase
from challenge.extensions import db
from challenge.submissions.models import Submission
from challenge.payouts.models import Funder
from challenge.judging import peoples
from challenge.judging.models import Conflict, JudgingSettings, PanelMember

Rule = Callable[[Any, Any, datetime], bool]
RULES: dict[str, Rule] = {}


def rule(*actions: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        for action in actions:
            if action in RULES:
                raise RuntimeError(f"two rules for {action}")
            RULES[action] = fn
        return fn

    return register


def can(user, action: str, thing: Any = None, now: datetime | None = None) -> bool:
    """True when `user` (possibly anonymous) may do `action` to `thing` at `now`."""
    if action not in RULES:
        raise KeyError(f"no permission rule for {action!r}")
    if user is None:
        user = current_user
    return bool(RULES[action](user, thing, now or clock.now()))


# Told of every refusal by `ensure` (action, thing) before the 404: the security log registers here.
ON_DENIED: list[Callable[[str, Any], None]] = []


def ensure(action: str, thing: Any = None, user=None, now: datetime | None = None) -> None:
    """Abort with 404 unless the current user may do `action` to `thing`."""
    if not can(user, action, thing, now):
        for listener in ON_DENIED:
            listener(action, thing)
        abort(404)


# --- who someone is -------------------------------------------------------------------------------

def signed_in(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False))


def is_broker(user) -> bool:
    return signed_in(user) and bool(user.is_broker)


def role_in(user, organisation_id: int | None) -> str | None:
    """The user's role in an organisation, or None. Cached per user object for the request."""
    if not signed_in(user) or organisation_id is None:
        return None
    cache = user.__dict__.setdefault("_roles", None)
    if cache is None:
        rows = db.session.execute(
            db.select(Membership.organisation_id, Membership.role).where(Membership.user_id == user.id)
        ).all()
        cache = user.__dict__["_roles"] = {org_id: role for org_id, role in rows}
    return cache.get(organisation_id)


def is_seeker(user, challenge) -> bool:
    """A member of the organisation that leads the challenge."""
    return role_in(user, challenge.organisation_id) is not None


# --- accounts ---------------------------------------------------------------------------------------

@rule("organisation.view")
def _org_view(user, org, now):
    return True


@rule("organisation.manage")
def _org_manage(user, org, now):
    return is_broker(user) or role_in(user, org.id) == MembershipRole.OWNER


@rule("organisation.act_for")
def _org_act_for(user, org, now):
    return role_in(user, org.id) is not None


@rule("organisation.create")
def _org_create(user, thing, now):
    return signed_in(user)


@rule("organisation.view_members")
def _org_view_members(user, org, now):
    """Who belongs to an organisation is for its members and the platform team."""
    return is_broker(user) or role_in(user, org.id) is not None


@rule("organisation.leave")
def _org_leave(user, org, now):
    return role_in(user, org.id) is not None


@rule("account.second_factor_required")
def _second_factor_required(user, thing, now):
    """Brokers, and the owners of organisations that pay into a prize pool (there is no finance role: an
    owner manages the organisation's money), must sign in with a second factor."""
    if is_broker(user):
        return True
    return signed_in(user) and db.session.scalar(
        db.select(Membership.id).join(Funder, Funder.organisation_id == Membership.organisation_id)
        .where(Membership.user_id == user.id, Membership.role == MembershipRole.OWNER, Funder.state == "accepted")
        .limit(1)) is not None


@rule("admin.console", "user.manage", "organisation.verify")
def _admin(user, thing, now):
    return is_broker(user)


# --- challenges -------------------------------------------------------------------------------------

@rule("challenge.create")
def _challenge_create(user, org, now):
    return org is not None and role_in(user, org.id) is not None


@rule("challenge.view")
def _challenge_view(user, ch, now):
    return ch.is_public or is_broker(user) or is_seeker(user, ch)


@rule("challenge.manage")
def _challenge_manage(user, ch, now):
    """Sees the actions panel, the review note and the history: the seeker or a broker."""
    return is_seeker(user, ch) or is_broker(user)


@rule("challenge.edit")
def _challenge_edit(user, ch, now):
    """Only a draft: once sent for review the text is what the broker approves; once published it is frozen."""
    return ch.state == ChallengeState.DRAFT and (is_seeker(user, ch) or is_broker(user))


# Moves: these rules say who; the transition table (states.py) says when, with its own message.
@rule("challenge.submit_for_review")
def _challenge_to_review(user, ch, now):
    return is_seeker(user, ch)


@rule("challenge.review")
def _challenge_review(user, ch, now):
    """Publish or send back: brokers only."""
    return is_broker(user)


def has_entries(ch) -> bool:
    return db.session.scalar(
        db.select(Submission.id).where(Submission.challenge_id == ch.id,
                                       Submission.state.not_in(NOT_ENTRY_STATES)).limit(1)
    ) is not None


@rule("challenge.cancel")
def _challenge_cancel(user, ch, now):
    """Seekers cancel before anything is at stake (no entries yet, judging not started); a broker may
    cancel at any time before the decision. The transition table refuses decided/completed/cancelled."""
    if is_broker(user):
        return True
    if not is_seeker(user, ch):
        return False
    if ch.state == ChallengeState.JUDGING:
        return False
    return not (ch.state == ChallengeState.PUBLISHED and has_entries(ch))


@rule("challenge.post_update", "challenge.answer")
def _challenge_speak(user, ch, now):
    return ch.is_public and ch.state != ChallengeState.CANCELLED and (is_seeker(user, ch) or is_broker(user))


@rule("challenge.ask")
def _challenge_ask(user, ch, now):
    """Anyone signed in but those who answer (its seekers, brokers), while the challenge is upcoming or open."""
    return (signed_in(user) and ch.phase(now) in (Phase.UPCOMING, Phase.OPEN)
            and not is_seeker(user, ch) and not is_broker(user))


@rule("challenge.follow")
def _challenge_follow(user, ch, now):
    return signed_in(user) and ch.is_public and ch.state != ChallengeState.CANCELLED


@rule("challenge.unfollow")
def _challenge_unfollow(user, ch, now):
    return signed_in(user) and (ch.is_public or is_seeker(user, ch) or is_broker(user))


@rule("challenge.submit")
def _challenge_submit(user, ch, now):
    """Anyone signed in, while the challenge is open, except its own seekers."""
    return signed_in(user) and ch.phase(now) == Phase.OPEN and not is_seeker(user, ch)


CLOSED_PHASES = (Phase.CLOSED, Phase.JUDGING, Phase.DECIDED, Phase.COMPLETED)


@rule("challenge.view_submissions")
def _challenge_view_submissions(user, ch, now):
    return is_broker(user) or (is_seeker(user, ch) and ch.phase(now) in CLOSED_PHASES
                               and not kept_blind(user, ch, now))


@rule("challenge.blind_to_entrants")
def _challenge_blind_to_entrants(user, ch, now):
    """Not a permission but a state the challenge page explains: a seeker kept from the entrants' names."""
    return is_seeker(user, ch) and ch.phase(now) in CLOSED_PHASES and kept_blind(user, ch, now)


def kept_blind(user, ch, now) -> bool:
    """A seeker who sits on the challenge's blind panel, before the decision: the seekers' lists and
    entries name the entrants, so they stay closed to this judge until the winners are decided.
    (Brokers run the platform and see entrants everywhere: they should not sit on blind panels.)"""
    return bool(ch.blind_judging) and ch.phase(now) not in (Phase.DECIDED, Phase.COMPLETED) \
        and panel_member(user, ch) is not None


@rule("challenge.manage_state")
def _challenge_manage_state(user, ch, now):
    """Start judging, mark completed: the seeker or a broker, once the challenge is public."""
    return ch.is_public and (is_seeker(user, ch) or is_broker(user))


# --- submissions ------------------------------------------------------------------------------------

# What a challenge's seekers see after the close: entries that were made, not drafts nor withdrawn ones.
SEEN_BY_SEEKERS = ("submitted", "shortlisted", "winner", "not_selected", "disqualified")
# A broker may disqualify an entry until the decision is recorded.
DISQUALIFIABLE = ("submitted", "shortlisted", "winner", "not_selected")


def is_creator(user, sub) -> bool:
    """The owner or a named team member."""
    return signed_in(user) and user.id in sub.member_ids()


@rule("submission.view", "submission.download")
def _submission_view(user, sub, now):
    if is_broker(user) or is_creator(user, sub):
        return True
    return (sub.state in SEEN_BY_SEEKERS and is_seeker(user, sub.challenge)
            and sub.challenge.phase(now) in CLOSED_PHASES and not kept_blind(user, sub.challenge, now))


@rule("submission.edit", "submission.withdraw")
def _submission_edit(user, sub, now):
    """The owner alone (not the team), while the challenge is open and the entry is live."""
    return (
        signed_in(user)
        and user.id == sub.owner_id
        and sub.state in ("draft", "submitted")
        and sub.challenge.phase(now) == Phase.OPEN
    )


@rule("submission.list_all")
def _submission_list_all(user, thing, now):
    return is_broker(user)


@rule("submission.disqualify")
def _submission_disqualify(user, sub, now):
    return (is_broker(user) and sub.state in DISQUALIFIABLE
            and sub.challenge.phase(now) in (Phase.OPEN, Phase.CLOSED, Phase.JUDGING))


# --- audit ------------------------------------------------------------------------------------------

@rule("audit.view")
def _audit_view(user, thing, now):
    return is_broker(user)


# --- judging (rules for panels, conflicts, scores) --------------------------------------------------

def panel_member(user, challenge):
    """The user's PanelMember on the challenge's panel, or None. Cached for the request (never longer)."""
    if not signed_in(user) or challenge is None:
        return None
    cache = getattr(request, "_cx_panels", None) if has_request_context() else None
    if cache is None:
        cache = {}
        if has_request_context():
            request._cx_panels = cache
    key = (user.id, challenge.id)
    if key not in cache:
        cache[key] = db.session.scalar(
            db.select(PanelMember).where(PanelMember.challenge_id == challenge.id, PanelMember.user_id == user.id)
        )
    return cache[key]


def forget_panels(user=None) -> None:
    """Call after changing panel memberships within the same request."""
    if has_request_context():
        request._cx_panels = {}


def is_chair(user, challenge) -> bool:
    member = panel_member(user, challenge)
    return member is not None and member.is_chair


def _own_assignment(user, assignment) -> bool:
    member = panel_member(user, assignment.round.challenge)
    return member is not None and member.id == assignment.panel_member_id


def _declared_no_conflict(assignment) -> bool:
    return db.session.scalar(
        db.select(Conflict.has_conflict).where(Conflict.panel_member_id == assignment.panel_member_id,
                                               Conflict.submission_id == assignment.submission_id)
    ) is False


@rule("judging.edit_rubric")
def _judging_edit_rubric(user, ch, now):
    """The rubric is the public basis for choosing winners: frozen once the challenge is published."""
    if ch.state == ChallengeState.DRAFT:
        return is_seeker(user, ch) or is_broker(user)
    return ch.state == ChallengeState.IN_REVIEW and is_broker(user)


@rule("judging.rubric")
def _judging_rubric(user, ch, now):
    """Open the rubric editor: the seeker or a broker (read-only once frozen)."""
    return is_seeker(user, ch) or is_broker(user)


@rule("judging.view_rubric")
def _judging_view_rubric(user, ch, now):
    return ch.is_public or is_broker(user) or is_seeker(user, ch)


@rule("judging.manage_panel")
def _judging_manage_panel(user, ch, now):
    """Invite judges, set up rounds and dates: the seeker, a broker or the chair, until the decision."""
    if ch.state in (ChallengeState.DECIDED, ChallengeState.COMPLETED, ChallengeState.CANCELLED):
        return False
    return is_broker(user) or is_seeker(user, ch) or is_chair(user, ch)


@rule("judging.set_grant")
def _judging_set_grant(user, ch, now):
    """Set or change a round's stage grant (money for each entry advanced): the seeker or a broker, until the
    decision. A chair shortlists but does not create money."""
    if ch.state in (ChallengeState.DECIDED, ChallengeState.COMPLETED, ChallengeState.CANCELLED):
        return False
    return is_broker(user) or is_seeker(user, ch)


@rule("judging.view_setup")
def _judging_view_setup(user, ch, now):
    return is_broker(user) or is_seeker(user, ch) or is_chair(user, ch)


@rule("judging.chair")
def _judging_chair(user, ch, now):
    """Close rounds, reassign, see conflict declarations, advance and decide: the chair or a broker."""
    return ch.state == ChallengeState.JUDGING and (is_broker(user) or is_chair(user, ch))


@rule("judging.remind")
def _judging_remind(user, ch, now):
    """Remind the judges of the sheets they have left: the chair, the seeker who runs the panel, a broker."""
    return ch.state == ChallengeState.JUDGING and (is_broker(user) or is_chair(user, ch) or is_seeker(user, ch))


@rule("judging.override_panel")
def _judging_override_panel(user, ch, now):
    """Open a round in which an entry has fewer than two judges, with a recorded reason: a broker alone."""
    return ch.state == ChallengeState.JUDGING and is_broker(user)


@rule("judging.view_conflicts")
def _judging_view_conflicts(user, ch, now):
    return is_broker(user) or is_chair(user, ch)


@rule("judging.queue")
def _judging_queue(user, ch, now):
    return panel_member(user, ch) is not None


@rule("judging.declare")
def _judging_declare(user, assignment, now):
    """The judge's own assignment, while its round is open: declare before opening the entry."""
    return _own_assignment(user, assignment) and assignment.round.is_open(now)


@rule("judging.view_entry")
def _judging_view_entry(user, assignment, now):
    """Only the assigned judge, after declaring no conflict."""
    return _own_assignment(user, assignment) and _declared_no_conflict(assignment)


@rule("judging.score")
def _judging_score(user, assignment, now):
    return _judging_view_entry(user, assignment, now) and assignment.round.is_open(now)


@rule("judging.others_scores")
def _judging_others_scores(user, assignment, now):
    """No anchoring: the other judges' scores only after submitting one's own."""
    return _judging_view_entry(user, assignment, now) and assignment.state == "submitted"


@rule("judging.panel_view")
def _judging_panel_view(user, round_, now):
    """The chair and brokers at any time; the seeker once the round has closed."""
    ch = round_.challenge
    if is_broker(user) or is_chair(user, ch):
        return True
    return is_seeker(user, ch) and round_.state == "closed"


@rule("judging.feedback")
def _judging_feedback(user, sub, now):
    """The entry's creators, after the decision and on or after the announced feedback date."""
    ch = sub.challenge
    if not (is_creator(user, sub) and ch.feedback_to_entrants):
        return False
    if ch.state not in (ChallengeState.DECIDED, ChallengeState.COMPLETED) or sub.state not in ("winner", "not_selected"):
        return False
    feedback_at = db.session.scalar(db.select(JudgingSettings.feedback_at).where(JudgingSettings.challenge_id == ch.id))
    return feedback_at is None or now >= feedback_at


@rule("judging.vote")
def _judging_vote(user, settings, now):
    return signed_in(user) and peoples.window(settings, now) == "open"


@rule("judging.vote_results")
def _judging_vote_results(user, settings, now):
    """Results stay hidden from everyone, brokers included, until the vote closes."""
    return peoples.window(settings, now) == "closed"


@rule("judging.vote_bursts")
def _judging_vote_bursts(user, settings, now):
    """Suspicious bursts of votes (judging/peoples.py): brokers only, while the vote is open and after."""
    return is_broker(user) and peoples.window(settings, now) in ("open", "closed")




# --- payouts (rules for funding, awards, payouts, finance) --------------------------------------------

def _funder_org_ids(challenge) -> set[int]:
    """The organisations that accepted their share (a co-funder still asked sees only its request)."""
    return set(db.session.scalars(db.select(Funder.organisation_id).where(Funder.challenge_id == challenge.id,
                                                                          Funder.state == "accepted")))


def is_funder_member(user, challenge) -> bool:
    """A member of any organisation that funds the challenge's pool."""
    return signed_in(user) and any(role_in(user, org_id) for org_id in _funder_org_ids(challenge))


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
    return funder.state == "accepted" and (is_broker(user) or role_in(user, funder.organisation_id) is not None)


@rule("funding.consent")
def _funding_consent(user, funder, now):
    """See and answer a request to co-fund: the members of the named organisation (not a broker for them)."""
    return role_in(user, funder.organisation_id) is not None


@rule("funding.view_invoice")
def _funding_view_invoice(user, funding, now):
    return is_broker(user) or role_in(user, funding.funder.organisation_id) is not None \
        or is_seeker(user, funding.funder.challenge)


@rule("funding.record_transfer", "funding.waive", "funding.set_fee", "award.create", "payout.release",
      "payout.retry", "payout.reverse", "refund.create", "payouts.queue")
def _broker_money(user, thing, now):
    return is_broker(user)


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


@rule("award.agree_split")
def _award_agree(user, award, now):
    return signed_in(user) and award.cancelled_at is None and any(s.user_id == user.id for s in award.splits)


@rule("award.view")
def _award_view(user, award, now):
    return is_broker(user) or (signed_in(user) and user.id in award.submission.member_ids())




# --- partnerships (rules for partnerships, library, impact) -------------------------------------------


def is_party(user, partnership) -> bool:
    """The creator (in person, or as a member of the creator organisation) or a member of the
    counterpart organisation."""
    if not signed_in(user):
        return False
    return (user.id == partnership.creator_id
            or role_in(user, partnership.creator_organisation_id) is not None
            or role_in(user, partnership.counterpart_id) is not None)


@rule("partnership.board", "partnership.create", "library.manage", "dashboard.broker")
def _partnership_broker_only(user, thing, now):
    return is_broker(user)


@rule("partnership.view", "partnership.view_impact")
def _partnership_view(user, p, now):
    """Brokers and the two sides; not the seeker of the origin challenge unless they are a side."""
    return is_broker(user) or is_party(user, p)


@rule("partnership.manage", "partnership.move", "partnership.introduce", "partnership.edit_impact")
def _partnership_manage(user, p, now):
    return is_broker(user)


@rule("dashboard.organisation")
def _dashboard_organisation(user, thing, now):
    """Anyone signed in; the dashboard shows only their own organisations' numbers."""
    return signed_in(user)


@rule("library.view")
def _library_view(user, entry, now):
    return entry is None or entry.published_at is not None or is_broker(user)


@rule("library.want")
def _library_want(user, entry, now):
    """Signed-in members of an organisation other than the one that commissioned the solution."""
    if not signed_in(user) or entry is None or entry.published_at is None:
        return False
    role_in(user, entry.submission.challenge.organisation_id)  # fills the per-request cache
    return any(org_id != entry.submission.challenge.organisation_id for org_id in user.__dict__["_roles"])


@rule("library.consent")
def _library_consent(user, sub, now):
    return signed_in(user) and user.id == sub.owner_id and sub.state == "winner" and sub.challenge.state in (
        ChallengeState.DECIDED, ChallengeState.COMPLETED)


@rule("diagnosis.view", "diagnosis.edit", "diagnosis.start_challenge")
def _diagnosis(user, d, now):
    return role_in(user, d.organisation_id) is not None

