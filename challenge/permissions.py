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
from challenge.challenges.states import ChallengeState, Phase
from challenge.extensions import db
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


def ensure(action: str, thing: Any = None, user=None, now: datetime | None = None) -> None:
    """Abort with 404 unless the current user may do `action` to `thing`."""
    if not can(user, action, thing, now):
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


def forget_roles(user) -> None:
    """Call after changing a user's memberships within the same request."""
    user.__dict__.pop("_roles", None)


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


@rule("admin.console")
def _admin(user, thing, now):
    return is_broker(user)


# --- challenges -------------------------------------------------------------------------------------

@rule("challenge.create")
def _challenge_create(user, org, now):
    return org is not None and role_in(user, org.id) is not None


@rule("challenge.view")
def _challenge_view(user, ch, now):
    return ch.is_public or is_broker(user) or is_seeker(user, ch)


@rule("challenge.edit")
def _challenge_edit(user, ch, now):
    return ch.state == ChallengeState.DRAFT and (is_seeker(user, ch) or is_broker(user))


@rule("challenge.submit_for_review")
def _challenge_to_review(user, ch, now):
    return ch.state == ChallengeState.DRAFT and is_seeker(user, ch)


@rule("challenge.review")
def _challenge_review(user, ch, now):
    return ch.state == ChallengeState.IN_REVIEW and is_broker(user)


@rule("challenge.cancel")
def _challenge_cancel(user, ch, now):
    """Seekers cancel before anything is at stake; later only a broker may (with a reason)."""
    if ch.state in (ChallengeState.DECIDED, ChallengeState.COMPLETED, ChallengeState.CANCELLED):
        return False
    if is_broker(user):
        return True
    return is_seeker(user, ch) and ch.state in (ChallengeState.DRAFT, ChallengeState.IN_REVIEW)


@rule("challenge.post_update", "challenge.answer")
def _challenge_speak(user, ch, now):
    return ch.is_public and ch.state != ChallengeState.CANCELLED and (is_seeker(user, ch) or is_broker(user))


@rule("challenge.ask", "challenge.follow")
def _challenge_ask(user, ch, now):
    return signed_in(user) and ch.is_public and ch.state != ChallengeState.CANCELLED


@rule("challenge.submit")
def _challenge_submit(user, ch, now):
    """Anyone signed in, while the challenge is open, except its own seekers."""
    return signed_in(user) and ch.phase(now) == Phase.OPEN and not is_seeker(user, ch)


CLOSED_PHASES = (Phase.CLOSED, Phase.JUDGING, Phase.DECIDED, Phase.COMPLETED)


@rule("challenge.view_submissions")
def _challenge_view_submissions(user, ch, now):
    return is_broker(user) or (is_seeker(user, ch) and ch.phase(now) in CLOSED_PHASES)


@rule("challenge.manage_state")
def _challenge_manage_state(user, ch, now):
    """Start judging, complete: the seeker or a broker, once the challenge is public."""
    return ch.is_public and (is_seeker(user, ch) or is_broker(user))


# --- submissions ------------------------------------------------------------------------------------

def is_creator(user, sub) -> bool:
    return signed_in(user) and user.id in sub.member_ids()


@rule("submission.view", "submission.download")
def _submission_view(user, sub, now):
    if is_broker(user) or is_creator(user, sub):
        return True
    if sub.state == "draft":
        return False
    return is_seeker(user, sub.challenge) and sub.challenge.phase(now) in CLOSED_PHASES


@rule("submission.edit", "submission.withdraw")
def _submission_edit(user, sub, now):
    return (
        signed_in(user)
        and user.id == sub.owner_id
        and sub.state in ("draft", "submitted")
        and sub.challenge.phase(now) == Phase.OPEN
    )


@rule("submission.disqualify")
def _submission_disqualify(user, sub, now):
    return is_broker(user) and sub.state not in ("draft", "withdrawn", "disqualified")


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


@rule("judging.view_setup")
def _judging_view_setup(user, ch, now):
    return is_broker(user) or is_seeker(user, ch) or is_chair(user, ch)


@rule("judging.chair")
def _judging_chair(user, ch, now):
    """Close rounds, reassign, see conflict declarations, advance and decide: the chair or a broker."""
    return ch.state == ChallengeState.JUDGING and (is_broker(user) or is_chair(user, ch))


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




# --- payouts (rules for funding, awards, payouts, finance) --------------------------------------------



# --- partnerships (rules for partnerships, library, impact) -------------------------------------------

