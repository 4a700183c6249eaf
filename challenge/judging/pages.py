"""What the judging pages show, gathered in one place per page (the views pass it to the templates)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_login import current_user

from challenge import clock
from challenge.accounts.services import user_fact, user_fact_sql
from challenge.challenges.states import ChallengeState
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import comparisons, decisions, panel, peoples, publication, queue, results, rubric, scoring
from challenge.judging.forms import InviteForm, OpenRoundForm, RoundForm, SettingsForm, to_local
from challenge.judging.models import (DECIDED, Assignment, AssignmentState, Conflict, Criterion, Decision,
                                     JudgingSettings, PanelMember, Round, RoundState)
from challenge.judging.pairwise_models import PAIRWISE
from challenge.payouts.awards import stage_grant_room
from challenge.payouts.funding import fee_on, pool_status
from challenge.permissions import can, memo, remember, viewer, viewer_id
from challenge.platform.pagecache import keep_until
from challenge.submissions import cleaning
from challenge.submissions.models import Submission, TeamMember


# --- the panel's set-up page ------------------------------------------------------------------------

def settings_form(challenge, formdata=None) -> SettingsForm:
    """The judging dates form: as sent (`formdata`), or filled from the saved settings."""
    settings = rubric.settings_of(challenge)
    form = SettingsForm(formdata=formdata) if formdata is not None else SettingsForm(
        formdata=None, feedback_at=to_local(settings.feedback_at) if settings else None,
        peoples_choice=bool(settings and settings.peoples_choice),
        prize_id=settings.peoples_choice_prize_id if settings else None,
        vote_opens_at=to_local(settings.vote_opens_at) if settings else None,
        vote_closes_at=to_local(settings.vote_closes_at) if settings else None)
    form.prize_id.choices = [(0, "Choose a prize")] + [(p.id, p.name) for p in challenge.prizes]
    return form


def setup_page(challenge, **forms) -> dict:
    """The set-up page: rounds and their progress, the panel, invitations, conflicts, decisions, the forms."""
    rounds = rubric.rounds_of(challenge)
    return dict(challenge=challenge, rounds=rounds, members=panel.members_of(challenge),
                progress=_progress(challenge), opening=_before_opening(challenge, rounds),
                invitations=panel.pending_invitations(challenge), conflicts=_conflicts(challenge),
                settings=rubric.settings_of(challenge), now=clock.now(), decisions=_decisions(challenge),
                invite_form=forms.get("invite_form") or InviteForm(formdata=None),
                round_form=forms.get("round_form") or RoundForm(formdata=None),
                settings_form=forms.get("settings_form") or settings_form(challenge))


@dataclass
class RoundProgress:
    """A round's progress bar on the set-up page: `done` of `total` (score sheets submitted of all; in a
    pairwise round, judgements made of the round's target), each judge's part in a pairwise round
    (comparisons.JudgeShare), and whether anyone has work left to be reminded of."""

    done: int
    total: int
    label: str = "score sheets submitted"
    judges: list[comparisons.JudgeShare] = field(default_factory=list)
    share: int = 0
    remind: bool = False


def _progress(challenge) -> dict[int, RoundProgress]:
    """Per round that has opened: its progress (score sheets, or comparisons in a pairwise round)."""
    submitted = db.func.sum(db.case((Assignment.state == AssignmentState.SUBMITTED, 1), else_=0))
    found = {rid: RoundProgress(int(done_ or 0), int(total or 0), remind=(done_ or 0) < (total or 0))
             for rid, done_, total in db.session.execute(
                 db.select(Assignment.round_id, submitted, db.func.count()).join(Round)
                 .where(Round.challenge_id == challenge.id).group_by(Assignment.round_id))}
    for round_ in rubric.rounds_of(challenge):
        if round_.strategy == PAIRWISE and round_.state != RoundState.PENDING:
            p = comparisons.progress(round_)
            found[round_.id] = RoundProgress(p.made, p.target, "comparisons aimed for", p.judges,
                                             p.share, any(j.behind for j in p.judges))
    return found


@dataclass
class Sheets:
    """A round's score sheets before it closes: how many are in, how many in all, and whose are outstanding."""

    submitted: int
    total: int
    judges: list[tuple[str, int]]  # (judge's name, sheets outstanding), most outstanding first

    @property
    def left(self) -> int:
        return self.total - self.submitted


def outstanding_sheets(round_: Round) -> Sheets:
    """What the close-round warning says: "33 of 48 score sheets are in; 15 are outstanding (judges …)"."""
    if round_.strategy == PAIRWISE:  # no score sheets: a pairwise round closes without this warning
        return Sheets(0, 0, [])
    found = _progress(round_.challenge).get(round_.id) or RoundProgress(0, 0)
    submitted, total = found.done, found.total
    judges = sorted(((m.user.name, todo) for m, (todo, _) in assign.sheets_left(round_).items()),
                    key=lambda pair: (-pair[1], pair[0]))
    return Sheets(int(submitted or 0), int(total or 0), judges)


def _conflicts(challenge) -> list[Conflict]:
    if not can(None, "judging.view_conflicts", challenge):
        return []
    return list(db.session.scalars(db.select(Conflict).join(PanelMember).where(
        PanelMember.challenge_id == challenge.id, Conflict.has_conflict.is_(True)).order_by(Conflict.declared_at)))


def _before_opening(challenge, rounds) -> dict | None:
    """What the chair should know before the next round opens: entries short of judges (and the files judges
    will receive with their metadata, see submissions/cleaning.py). None when no round is ready to open."""
    if challenge.state != ChallengeState.JUDGING or not can(None, "judging.manage_panel", challenge):
        return None
    ready = next((r for r in rounds if r.state == RoundState.PENDING), None)
    if ready is None or any(r.state != RoundState.CLOSED for r in rounds if r.position < ready.position):
        return None
    short_message, short = assign.short_of_judges(ready)
    files = cleaning.uncleaned(assign.round_entries(ready)) if challenge.blind_judging else []
    return dict(round=ready, short_message=short_message, short=short, form=OpenRoundForm(formdata=None),
                may_override=can(None, "judging.override_panel", challenge), uncleaned=files)


def _decisions(challenge) -> list[Decision]:
    return list(db.session.scalars(db.select(Decision).join(Round).where(Decision.challenge_id == challenge.id)
                                   .order_by(Round.position, Decision.kind)))


# --- the challenge page's judging section ------------------------------------------------------------

def public_rubric(challenge) -> dict:
    """What the challenge page shows about judging (templates/judging/_challenge_rubric.html)."""
    criteria, rounds, settings = _rubric_and_seat(challenge)
    if settings is not None:
        keep_until(settings.vote_opens_at, settings.vote_closes_at)
    return dict(criteria=criteria, rounds=rounds, settings=settings,
                percent={c.id: rubric.weight_percent(c, criteria) for c in criteria},
                tie_break=scoring.TIE_BREAK_RULE, vote=peoples.window(settings, clock.now()),
                can_edit=can(None, "judging.edit_rubric", challenge),
                can_manage=can(None, "judging.view_setup", challenge),
                on_panel=can(None, "judging.queue", challenge), my_feedback=my_feedback(challenge),
                winners=publication.public_winners(challenge))


def _rubric_and_seat(challenge) -> tuple[list[Criterion], list[Round], JudgingSettings | None]:
    """The challenge's criteria, rounds and judging settings, as the challenge page's statement read them with the
    visitor's seat (`keep_rubric_and_seat`); read piece by piece by `rubric`'s own readers only when it has not."""
    user_id = viewer_id()
    return memo("public_rubric", (challenge.id, user_id), lambda: (
        rubric.criteria_of(challenge), rubric.rounds_of(challenge), rubric.kept_settings(challenge)))


def keep_rubric_and_seat(challenge_id: int, user_id: int | None, criteria: list[Criterion], rounds: list[Round],
                         settings: JudgingSettings | None, seat: PanelMember | None) -> None:
    """Keep for the request what a wider statement (the challenge page's) read for the visitor `user_id` (None:
    anonymous): the criteria in rubric.CRITERION_ORDER, the rounds in rubric.ROUND_ORDER, the settings and the
    visitor's seat (or None), as `_rubric_and_seat`, `rubric.kept_settings` and `rules.panel_member` would read
    them, so the page's judging section and rules ask nothing more."""
    remember("judging_settings", challenge_id, settings)
    if user_id is not None:
        remember("panel_member", (user_id, challenge_id), seat)
    remember("public_rubric", (challenge_id, user_id), (criteria, rounds, settings))


def my_feedback(challenge) -> Submission | None:
    """The signed-in creator's entry whose feedback is ready, if any: the challenge page links to it."""
    user = viewer()
    if not user.is_authenticated or challenge.state not in DECIDED:
        return None
    entry = db.session.scalar(db.select(Submission).outerjoin(TeamMember).where(
        Submission.challenge_id == challenge.id, (Submission.owner_id == user.id)
        | (TeamMember.user_id == user.id)).limit(1))
    return entry if entry is not None and can(None, "judging.feedback", entry) else None


# --- the navigation bar ------------------------------------------------------------------------------

@user_fact_sql("on_a_panel")
def _sits_on_a_panel(user_id):
    return db.exists().where(PanelMember.user_id == user_id)


def on_a_judging_panel() -> bool:
    """For the navigation bar: show "Judging" to people who sit on any panel (read with the signed-in user)."""
    user = viewer()
    return user.is_authenticated and user_fact("on_a_panel", user)


# --- the chair's decisions and the public vote ------------------------------------------------------

def chosen_ids(values) -> list[int]:
    """The entry ids a form sent, ignoring anything that is not one."""
    return [int(v) for v in values if v.isdigit() and len(v) < 10]


def advance_page(round_: Round, chosen: list[int] | None) -> dict:
    """The shortlist page: the ranking, with `chosen` ticked (the top third of the computed order at first)."""
    challenge, res = round_.challenge, results.load(round_)
    if chosen is None:
        chosen = [e.id for e in decisions.computed_order(res)[:max(1, len(res.entries) // 3)]]
    return dict(challenge=challenge, round=round_, res=res, chosen=set(chosen),
                pays_grants=decisions.pays_stage_grants(round_), grant_room=stage_grant_room(challenge))


def slot_choices(formdata, challenge) -> list[int | None]:
    """The entry chosen for each prize place (None: left empty), as the decision or correction form sent it."""
    return [(chosen_ids([formdata.get(f"slot-{i}", "")]) or [None])[0]
            for i in range(len(decisions.prize_slots(challenge)))]


def reasons_of(form) -> dict[str, str]:
    """The decision form's reasons, as decisions.plan and decisions.decide take them."""
    return {name: form[name].data or "" for name in ("override_reason", "departure_reason", "empty_reason")}


def decide_page(round_: Round, choices: list[int | None] | None) -> dict:
    """The decision page: each prize place with its choice, PREFILLED from the computed ranking whenever there
    is one (the chair changes a place only with a reason)."""
    res, slots = results.load(round_), decisions.prize_slots(round_.challenge)
    if choices is None:
        order = decisions.ranked_order(res)
        choices = [order[i].id if i < len(order) else None for i in range(len(slots))]
    return dict(challenge=round_.challenge, round=round_, res=res, slots=list(zip(slots, choices)),
                rule=scoring.TIE_BREAK_RULE)


def review_page(plan: decisions.Plan, choices: list[int | None]) -> dict:
    """The decision's confirmation step: who wins which place, who is told what, what money moves."""
    challenge = plan.round.challenge
    status = pool_status(challenge)
    fee = fee_on(plan.total, status.fee_bp)
    return dict(challenge=challenge, round=plan.round, plan=plan, choices=list(enumerate(choices)),
                pays_now=decisions.holds_money(challenge), fee=fee, total=plan.total)


def correct_page(decision: Decision, choices: list[int | None] | None = None) -> dict:
    """The broker's correction page: the prize places as the decision fills them now (or as sent)."""
    if choices is None:
        by_prize: dict[int, list[int]] = {}
        for s in decision.selections:
            by_prize.setdefault(s.prize_id, []).append(s.submission_id)
        choices = [(by_prize.get(p.id, [])[n - 1:n] or [None])[0]
                   for p, n in decisions.prize_slots(decision.round.challenge)]
    page = decide_page(decision.round, choices)
    return dict(page, decision=decision)


def vote_page(challenge, settings) -> dict:
    """The people's-choice page: the entries, the visitor's vote, and the counts and bursts to those who may see them."""
    return dict(challenge=challenge, settings=settings, state=peoples.window(settings, clock.now()),
                entries=peoples.entries(challenge), mine=peoples.my_vote(challenge, current_user),
                counts=peoples.counts(challenge) if can(None, "judging.vote_results", settings) else None,
                bursts=peoples.bursts(challenge) if can(current_user, "judging.vote_bursts", settings) else None,
                burst_votes=peoples.BURST_VOTES, burst_minutes=peoples.BURST_WINDOW.seconds // 60, now=clock.now())


# --- a judge's declarations for a whole round --------------------------------------------------------

def undeclared(member: PanelMember, position: str) -> tuple[Round | None, list[Assignment]]:
    """The round (chosen, or the open one) and the member's entries in it still waiting for a declaration."""
    round_, items, _ = queue.queue_of(member, position)
    if round_ is None or not round_.is_open(clock.now()):
        return round_, []
    return round_, [item.assignment for item in items if item.status == "not_started"]


def answers_from(formdata, assignments: list[Assignment]) -> dict[int, tuple[bool | None, str]]:
    """What the declare-all form sent: per assignment, (has a conflict: True/False/None unanswered, reason)."""
    choice = {"yes": True, "no": False}
    return {a.id: (choice.get(formdata.get(f"conflict-{a.id}", "")), formdata.get(f"reason-{a.id}", ""))
            for a in assignments}


def declare_all_page(challenge, round_, assignments, answers=None) -> dict:
    """The declare-all page: each entry (with who entered it unless judging is blind) and the answers so far."""
    return dict(challenge=challenge, round=round_, assignments=assignments, answers=answers or {},
                entrants={a.id: queue.entrant(a.submission, challenge.blind_judging) for a in assignments})
