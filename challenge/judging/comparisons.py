"""Pairwise rounds: the next pair a judge is shown, recording a judgement, and the round's ranking.

A pairwise round (Round.strategy == PAIRWISE) has no score sheets. Each judge is shown two entries of the
round at a time, chosen adaptively (scoring/pairwise.next_pair: half the time two entries close in strength
and still uncertain, half the time the least-judged entry against a random partner), and says which better
answers the round's QUESTION, or skips the pair.
The rules of score sheets hold: never an entry the judge has a conflict with (declared, or automatic:
assignment.conflicts_in), never the same pair twice to the same judge, blind rules on the page (the view
shows what the score sheet shows), and no anchoring (each judge has their own seeded order and sides; no
judge sees the running ranking or another judge's choices).

The pair shown is signed (the app's secret) into the form, so a judgement can only be recorded for a pair
the platform offered to that judge. A judge's judgements are recorded under a lock on their panel row and
the database allows one per pair, so a double click records one.

`load_results(round_)` gives the round's ranking in the shape of results.Results (registered as
results.KINDS[PAIRWISE], so results.load, the decision and the shortlist pages take it like any round).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cachetools import LRUCache
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from challenge.accounts.models import User
from challenge.errors import DomainError, FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.judging import results
from challenge.judging.assignment import WORK_LEFT, conflicts_in, round_entries
from challenge.judging.models import Conflict, PanelMember, PanelRole, Round
from challenge.judging.pairwise_models import PAIRWISE, Comparison
from challenge.judging.rubric import criteria_of
from challenge.judging.scoring import pairwise as pw
from challenge.judging.scoring import too_close
from challenge.permissions import can
from challenge.platform import audit, tx
from challenge.submissions.models import Submission
from challenge.words import count

#: The one question of a pairwise round.
QUESTION = "Which entry better answers the challenge?"
#: An entry is "complete" (may be chosen without an override reason) once it is in this many judgements.
MIN_JUDGED = 3
MAX_NOTE = 1000


# --- the pair offered ------------------------------------------------------------------------------

def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="pairwise-offer")


@dataclass(frozen=True)
class Offer:
    """Two entries shown to one judge in one round, left then right, and the signed token that names them."""

    round_id: int
    member_id: int
    left: int
    right: int

    @property
    def token(self) -> str:
        return _signer().dumps([self.round_id, self.member_id, self.left, self.right])

    @classmethod
    def read(cls, token: str, round_: Round, member: PanelMember) -> Offer:
        """The offer a form carried back; refuses a token that was not made for this judge and round."""
        try:
            values = _signer().loads((token or "")[:400])
            offer = cls(*(int(v) for v in values))
        except (BadSignature, TypeError, ValueError):
            offer = None
        if offer is None or (offer.round_id, offer.member_id) != (round_.id, member.id) or offer.left == offer.right:
            raise DomainError("That pair was not offered to you in this round. Here is a fresh one.")
        return offer


def _key(a: int, b: int) -> frozenset:
    return frozenset((a, b))


def available_to(round_: Round, member: PanelMember) -> list[int]:
    """The round's entries this judge may be shown: all but those they have a conflict with."""
    kept_apart = {e for j, e in conflicts_in(round_.challenge_id) if j == member.id}
    return [e for e in round_entries(round_) if e not in kept_apart]


def _done(round_: Round, member: PanelMember) -> set[frozenset]:
    rows = db.session.execute(db.select(Comparison.first_id, Comparison.second_id).where(
        Comparison.round_id == round_.id, Comparison.panel_member_id == member.id)).all()
    return {_key(a, b) for a, b in rows}


def next_offer(round_: Round, member: PanelMember) -> Offer | None:
    """The pair to show this judge next, or None when they have judged every pair open to them."""
    found, done = _fit(round_), _done(round_, member)
    # Each judge's own draws, changing with each answer: the same page on a reload, a new one after a choice.
    pair = pw.next_pair(found.fit, available_to(round_, member), done,
                        seed=(round_.seed * 100_003 + member.id) * 10_007 + len(done))
    return None if pair is None else Offer(round_.id, member.id, *pair)


def entries_of(offer: Offer | None) -> tuple[Submission | None, Submission | None]:
    """The two entries of an offer, left then right (None, None without one)."""
    if offer is None:
        return None, None
    return db.session.get(Submission, offer.left), db.session.get(Submission, offer.right)


def shown_entry(round_: Round, member: PanelMember, submission_id: int) -> Submission | None:
    """An entry of the round this judge may be shown (for its files), or None."""
    return db.session.get(Submission, submission_id) if submission_id in available_to(round_, member) else None


def judged_by(round_: Round, member: PanelMember) -> int:
    """How many pairs this judge has answered (skips included) in the round."""
    return db.session.scalar(db.select(db.func.count(Comparison.id)).where(
        Comparison.round_id == round_.id, Comparison.panel_member_id == member.id)) or 0


# --- progress and the judges' fair share ---------------------------------------------------------------

def target_judgements(entries: int) -> int:
    """The judgements a round aims for: enough for every entry to take part in MIN_JUDGED of them (each
    judgement involves two entries), so that every entry may be decided without an override."""
    return -(-MIN_JUDGED * entries // 2)


@dataclass
class JudgeShare:
    """One judge's part in a pairwise round: judgements made (that count: no skips, no entry they have a
    conflict with), pairs still open to them (never answered nor skipped), and their fair share."""

    member: PanelMember
    made: int
    left: int
    share: int

    @property
    def behind(self) -> bool:
        """Below their fair share with pairs still open to them: the judges a reminder goes to."""
        return self.made < self.share and self.left > 0


@dataclass
class Progress:
    """A pairwise round's progress: judgements made against the round's target, and each judge's part."""

    made: int
    target: int
    share: int
    judges: list[JudgeShare]


def progress(round_: Round) -> Progress:
    """The round's judgements made, its target (target_judgements) and each judge's fair share of it: the target
    spread evenly over the judges who can be shown at least one pair, rounded up, and never more than the
    pairs open to the judge (made + left). A judge who has judged every pair open to them has done their share."""
    entries, kept_apart = round_entries(round_), conflicts_in(round_.challenge_id)
    members = list(db.session.scalars(db.select(PanelMember).join(User).where(
        PanelMember.challenge_id == round_.challenge_id).order_by(User.name)))
    answered: dict[int, list[tuple[int, int, int | None]]] = {}
    for j, a, b, w in db.session.execute(db.select(Comparison.panel_member_id, Comparison.first_id,
                                                   Comparison.second_id, Comparison.winner_id)
                                         .where(Comparison.round_id == round_.id)):
        answered.setdefault(j, []).append((a, b, w))
    parts = []
    for member in members:
        shown = {e for e in entries if (member.id, e) not in kept_apart}
        mine = [(a, b, w) for a, b, w in answered.get(member.id, []) if a in shown and b in shown]
        left = len(shown) * (len(shown) - 1) // 2 - len(mine)
        parts.append((member, sum(1 for *_, w in mine if w is not None), left))
    able = sum(1 for _, made, left in parts if made or left)
    share = -(-target_judgements(len(entries)) // able) if able else 0
    judges = [JudgeShare(m, made, left, min(share, made + left)) for m, made, left in parts]
    return Progress(sum(j.made for j in judges), target_judgements(len(entries)), share, judges)


def below_share(round_: Round) -> dict[PanelMember, tuple[int, int]]:
    """For assignment.remind_judges: per judge below their fair share with pairs still open to them,
    (judgements still to make to reach it, their share)."""
    return {j.member: (j.share - j.made, j.share) for j in progress(round_).judges if j.behind}


WORK_LEFT[PAIRWISE] = below_share


# --- recording --------------------------------------------------------------------------------------

def _open_member(round_: Round, actor, now: datetime) -> PanelMember:
    """The actor's panel row, locked; refuses anyone not on the panel and a round not open for judging."""
    if actor is None or not can(actor, "judging.compare", round_, now):
        raise NotAllowed("Only the judges of an open pairwise round can compare its entries.")
    member_id = db.session.scalar(db.select(PanelMember.id).where(
        PanelMember.challenge_id == round_.challenge_id, PanelMember.user_id == actor.id))
    member = tx.lock(PanelMember, member_id)
    db.session.refresh(round_)
    if not round_.is_open(now):
        raise InvalidTransition("This round is closed: no more comparisons can be recorded.")
    return member


def record(round_: Round, token: str, choice: str, note: str, actor, now: datetime) -> tuple[Comparison, bool]:
    """Record the actor's judgement of the pair in `token`: `choice` is "left", "right" or "skip" (a skipped
    pair is not shown to them again and does not count). Returns (the judgement, whether it is new): a second
    submission of the same pair (a double click) records nothing and returns the first.

    Refuses a pair not offered to the actor, an entry they now have a conflict with, a closed round, a
    choice other than the three, and a note over MAX_NOTE characters."""
    member = _open_member(round_, actor, now)
    offer = Offer.read(token, round_, member)
    if choice not in ("left", "right", "skip"):
        raise FieldError("Choose the better entry, or skip this pair", "choice")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise FieldError(f"Keep the note under {MAX_NOTE:,} characters", "note")
    first, second = sorted((offer.left, offer.right))
    existing = db.session.scalar(db.select(Comparison).where(
        Comparison.round_id == round_.id, Comparison.panel_member_id == member.id,
        Comparison.first_id == first, Comparison.second_id == second))
    if existing is not None:
        return existing, False
    allowed = set(available_to(round_, member))
    if offer.left not in allowed or offer.right not in allowed:
        raise DomainError("You have a conflict of interest with one of these entries, so it is no longer shown "
                          "to you. Here is another pair.")
    winner = {"left": offer.left, "right": offer.right}.get(choice)
    comparison = Comparison(round_id=round_.id, panel_member_id=member.id, first_id=first, second_id=second,
                            winner_id=winner, note=note, decided_at=now)
    db.session.add(comparison)
    db.session.flush()
    results.touch(round_.challenge_id)
    audit.record(actor, "judging.pair_skipped" if winner is None else "judging.pair_compared", round_, now,
                 data={"first": first, "second": second, "winner": winner})
    return comparison, True


def declare_conflict(round_: Round, token: str, side: str, reason: str, actor, now: datetime) -> Conflict:
    """The actor declares a conflict of interest with one entry of the pair offered ("left" or "right"):
    recorded as on a score sheet (a conflict replaces an earlier "no conflict"), the entry is never shown
    to them again, and their judgements involving it stop counting. Refuses a conflict without a reason."""
    member = _open_member(round_, actor, now)
    offer = Offer.read(token, round_, member)
    if side not in ("left", "right"):
        raise FieldError("Say which entry you have a conflict with", "side")
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("Say briefly what the conflict is, for the chair's record", "reason")
    entry = offer.left if side == "left" else offer.right
    conflict = db.session.scalar(db.select(Conflict).where(Conflict.panel_member_id == member.id,
                                                           Conflict.submission_id == entry))
    if conflict is None:
        conflict = Conflict(panel_member_id=member.id, submission_id=entry)
        db.session.add(conflict)
    conflict.has_conflict, conflict.reason, conflict.declared_at = True, reason[:2000], now
    db.session.flush()
    results.touch(round_.challenge_id)
    audit.record(actor, "judging.conflict_declared", conflict, now, data={"submission": entry, "round": round_.id})
    return conflict


# --- the ranking ------------------------------------------------------------------------------------

@dataclass
class _Fitted:
    fit: pw.PairwiseFit
    counted: list[tuple[int, int, int]]  # (judge, winner, loser): judgements that count
    skipped: int


# Fits by round, with the results version they were fitted at, as results._CACHE: the version changes with
# every judgement, and the newer fit replaces the older.
_FITS: LRUCache[int, tuple[str, _Fitted]] = LRUCache(maxsize=16)


def _fit(round_: Round) -> _Fitted:
    version = db.session.scalar(db.select(Round.results_version).where(Round.id == round_.id))
    kept = _FITS.get(round_.id)
    if kept is not None and kept[0] == version:
        return kept[1]
    rows = db.session.execute(db.select(Comparison.panel_member_id, Comparison.first_id, Comparison.second_id,
                                        Comparison.winner_id).where(Comparison.round_id == round_.id)
                              .order_by(Comparison.id)).all()
    kept_apart = conflicts_in(round_.challenge_id)
    entries = round_entries(round_)
    inside = set(entries)
    counted = [(j, w, b if w == a else a) for j, a, b, w in rows
               if w is not None and a in inside and b in inside and (j, a) not in kept_apart
               and (j, b) not in kept_apart]
    fitted = _Fitted(pw.fit(entries, [(w, lo) for _, w, lo in counted]), counted,
                     sum(1 for row in rows if row.winner_id is None))
    _FITS[round_.id] = (version, fitted)
    return fitted


def _agreement(fitted: _Fitted, judges: int) -> results.Agreement:
    value = pw.agreement(fitted.fit, [(w, lo) for _, w, lo in fitted.counted])
    n, entries = len(fitted.counted), sum(1 for v in fitted.fit.judged.values() if v)
    if value is None:
        return results.Agreement("none", None, "No comparisons yet.")
    return results.Agreement("pairwise", value, (
        f"Agreement = {value:.0%}: the share of judgements that the final ranking agrees with (the winner is "
        f"ranked above the loser; 50% would be coin tosses). Computed on {count(n, 'judgement')} by "
        f"{count(judges, 'judge')} on {count(entries, 'entry')} compared in pairs"
        f"{'; ' + count(fitted.skipped, 'pair') + ' skipped' if fitted.skipped else ''}."))


def load_results(round_: Round) -> results.Results:
    """A pairwise round's ranking: each entry's Bradley–Terry strength with a 90 % interval, "too close to
    call" where neighbours' intervals overlap, its judgements and wins; agreement over all judgements."""
    fitted = _fit(round_)
    fit = fitted.fit
    subs = db.session.execute(db.select(Submission.id, Submission.reference, Submission.title,
                                        Submission.submitted_at, Submission.state)
                              .where(Submission.id.in_(list(fit.strength)))).all()
    members = db.session.execute(
        db.select(PanelMember.id, User.name, PanelMember.service_user, PanelMember.role).join(User)
        .where(PanelMember.challenge_id == round_.challenge_id).order_by(User.name)).all()
    judges = {m.id: results.Judge(m.id, m.name, m.service_user, m.role == PanelRole.CHAIR) for m in members}
    wins: dict[int, int] = {}
    for jid, winner, _ in fitted.counted:
        wins[winner] = wins.get(winner, 0) + 1
        if jid in judges:
            judges[jid].assigned += 1
            judges[jid].submitted += 1
    # Entries never compared have only the prior: no place, no interval; they come last, as unscored entries do.
    order = [e for e in fit.order() if fit.judged[e]]
    intervals = {e: lo_hi for e, lo_hi in fit.intervals().items() if fit.judged[e]}
    place = {e: i + 1 for i, e in enumerate(order)}
    close = too_close(order, intervals)
    entries = []
    for sid, ref, title, submitted_at, state in subs:
        judged = fit.judged[sid]
        entry = results.Entry(sid, ref, title, submitted_at, state, assigned=judged, complete=judged,
                              required=MIN_JUDGED, raw_mean=wins.get(sid, 0) / judged if judged else None,
                              normalised=round(fit.strength[sid], 12) + 0.0 if judged else None,
                              interval=intervals.get(sid), too_close=sid in close, rank=place.get(sid),
                              rank_raw=place.get(sid), rank_joint=place.get(sid))
        entries.append(entry)
    entries.sort(key=lambda e: (e.rank is None, e.rank or 0, e.reference))
    return results.Results(round_, criteria_of(round_.challenge), sorted(judges.values(), key=lambda j: (not j.is_chair, j.name)), entries,
                           (0, 1), _agreement(fitted, sum(1 for j in judges.values() if j.submitted)), {})


results.KINDS[PAIRWISE] = load_results


@dataclass
class Note:
    judge: str
    winner: str
    loser: str
    note: str


def ranking_page(round_: Round) -> dict:
    """What the panel view shows for a pairwise round: the ranking (results.load) and the judges' notes."""
    first, second = db.aliased(Submission), db.aliased(Submission)
    rows = db.session.execute(
        db.select(User.name, Comparison.winner_id, first.id, first.reference, second.reference, Comparison.note)
        .join(PanelMember, Comparison.panel_member_id == PanelMember.id).join(User, PanelMember.user_id == User.id)
        .join(first, Comparison.first_id == first.id).join(second, Comparison.second_id == second.id)
        .where(Comparison.round_id == round_.id, Comparison.note != "", Comparison.winner_id.is_not(None))
        .order_by(Comparison.id)).all()
    notes = [Note(name, *((a_ref, b_ref) if winner == a_id else (b_ref, a_ref)), note)
             for name, winner, a_id, a_ref, b_ref, note in rows]
    return {"res": results.load(round_), "notes": notes, "min_judged": MIN_JUDGED}
