"""The rubric, the rounds and the judging settings: what the challenge page announces in advance."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam
from sqlalchemy.orm import selectinload

from challenge.challenges import services as challenge_services
from challenge.challenges.models import Challenge, Prize
from challenge.errors import FieldError, InvalidTransition
from challenge.extensions import db
from challenge.judging import presets
from challenge.judging.models import JUDGING_OVER, RUBRIC_OPEN, SCALES, Criterion, JudgingSettings, Round, RoundState, new_version
from challenge.judging.pairwise_models import PAIRWISE
from challenge.permissions import memo, remember
from challenge.platform import audit


# --- reading ------------------------------------------------------------------------------------

# The orders a rubric's criteria and rounds are shown and used in.
CRITERION_ORDER = (Criterion.position, Criterion.id)
ROUND_ORDER = (Round.position,)


def criteria_of(challenge: Challenge) -> list[Criterion]:
    return list(db.session.scalars(
        db.select(Criterion).where(Criterion.challenge_id == challenge.id).order_by(*CRITERION_ORDER)
    ))


def criterion_count(challenge: Challenge) -> int:
    return db.session.scalar(db.select(db.func.count(Criterion.id)).where(Criterion.challenge_id == challenge.id))


def rubric_missing(challenge: Challenge, doing: str) -> str | None:
    """The refusal when a challenge would go live with nothing to judge it by (a challenges go-live check)."""
    if criterion_count(challenge):
        return None
    return (f"Add at least one judging criterion to the rubric before {doing}: "
            "choose “Edit the rubric” on the challenge page.")


def rounds_of(challenge: Challenge) -> list[Round]:
    return list(db.session.scalars(
        db.select(Round).where(Round.challenge_id == challenge.id).order_by(*ROUND_ORDER)
    ))


def settings_of(challenge: Challenge) -> JudgingSettings | None:
    return db.session.scalar(db.select(JudgingSettings).where(JudgingSettings.challenge_id == challenge.id))


# settings_for's statement, built once ("Your submissions" asks it on every visit).
_SETTINGS_FOR = (db.select(JudgingSettings).where(JudgingSettings.challenge_id.in_(bindparam("ids", expanding=True)))
                 .options(selectinload(JudgingSettings.peoples_choice_prize)))


def settings_for(challenges) -> dict[int, JudgingSettings | None]:
    """Each challenge's judging settings (None where it has none), with the people's-choice prize, in one
    query for a list of entries. Kept for the request (`permissions.remember`), so the rules then asked about
    the same challenges (`kept_settings`) read no more."""
    ids = {c.id for c in challenges}
    found = {s.challenge_id: s for s in db.session.scalars(_SETTINGS_FOR, {"ids": list(ids)})} if ids else {}
    return keep_settings({cid: found.get(cid) for cid in ids})


def keep_settings(settings: dict[int, JudgingSettings | None]) -> dict[int, JudgingSettings | None]:
    """`settings` (each challenge's judging settings, None where it has none), kept for the request as
    `kept_settings` reads them."""
    for cid, found in settings.items():
        remember("judging_settings", cid, found)
    return settings


def kept_settings(challenge: Challenge) -> JudgingSettings | None:
    """settings_of, read once per request (a rule asked of every row of a list; any write forgets it)."""
    return memo("judging_settings", challenge.id, lambda: settings_of(challenge))


def rubric_scale(criteria: list[Criterion]) -> tuple[int, int] | None:
    return (criteria[0].scale_min, criteria[0].scale_max) if criteria else None


def weight_percent(criterion: Criterion, criteria: list[Criterion]) -> int:
    total = sum(c.weight for c in criteria)
    return round(100 * criterion.weight / total) if total else 0


def rubric_problems(challenge: Challenge) -> list[str]:
    """What stops this rubric being used; empty when it is ready. Worth checking before review."""
    criteria = criteria_of(challenge)
    if not criteria:
        return ["The rubric has no criteria yet."]
    return [p for p in [_social_value_problem(criteria)] if p]


def _social_value_problem(criteria: list[Criterion]) -> str | None:
    social = sum(c.weight for c in criteria if c.social_value)
    total = sum(c.weight for c in criteria)
    if social and social * 100 < presets.SOCIAL_VALUE_MIN_PERCENT * total:
        return (f"Social value must carry at least {presets.SOCIAL_VALUE_MIN_PERCENT}% of the total weight; "
                f"it now carries {round(100 * social / total)}%. Raise its weight or lower the others.")
    return None


# --- criteria -----------------------------------------------------------------------------------

def _ensure_editable(challenge: Challenge) -> None:
    if challenge.state not in RUBRIC_OPEN:
        raise InvalidTransition("The rubric is frozen: it was published as the basis for choosing the winners.")


def _check_levels(levels: list[str], scale_min: int, scale_max: int) -> list[str]:
    levels = [line.strip() for line in levels]
    while levels and not levels[-1]:
        levels.pop()
    size = scale_max - scale_min + 1
    if len(levels) > size:
        raise FieldError(f"Give at most {size} level descriptions, one per line, for the scale {scale_min}–{scale_max}",
                         "levels")
    if any(len(line) > 300 for line in levels):
        raise FieldError("Keep each level description under 300 characters", "levels")
    return levels + [""] * (size - len(levels))


def _check_rubric(criteria: list[Criterion]) -> None:
    problem = _social_value_problem(criteria)
    if problem:
        raise FieldError(problem, "weight")
    db.session.flush()


def save_criterion(challenge: Challenge, actor, now: datetime, *, name: str, description: str, weight: int,
                   levels: list[str], scale: str | None = None, social_value: bool = False,
                   criterion: Criterion | None = None) -> Criterion:
    """Add a criterion (or change `criterion`). Refuses once the challenge is published, a duplicate name,
    a weight outside 1–100, a scale other than the rubric's, and social value under 10 % of the weight."""
    _ensure_editable(challenge)
    existing = criteria_of(challenge)
    others = [c for c in existing if criterion is None or c.id != criterion.id]
    name = name.strip()
    if not name:
        raise FieldError("Enter a name for the criterion", "name")
    if any(c.name.lower() == name.lower() for c in others):
        raise FieldError("The rubric already has a criterion with that name", "name")
    if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 100:
        raise FieldError("Enter a weight from 1 to 100", "weight")
    if others:
        scale_min, scale_max = rubric_scale(others)
    else:
        if (scale or "0-4") not in SCALES:
            raise FieldError("Choose a scale", "scale")
        scale_min, scale_max = SCALES[scale or "0-4"]
    levels = _check_levels(levels, scale_min, scale_max)
    if criterion is None:
        criterion = Criterion(challenge_id=challenge.id, position=max((c.position for c in existing), default=0) + 1)
        db.session.add(criterion)
    criterion.name, criterion.description, criterion.weight = name[:120], description.strip(), weight
    criterion.scale_min, criterion.scale_max, criterion.levels = scale_min, scale_max, levels
    criterion.social_value = social_value
    _check_rubric(others + [criterion])
    audit.record(actor, "judging.criterion_saved", criterion, now, data={"name": criterion.name, "weight": weight})
    if not rounds_of(challenge):
        add_round(challenge, actor, now, name="Assessment")
    return criterion


def delete_criterion(criterion: Criterion, actor, now: datetime) -> None:
    """Remove a criterion from a rubric that is still a draft."""
    challenge = criterion.challenge
    _ensure_editable(challenge)
    remaining = [c for c in criteria_of(challenge) if c.id != criterion.id]
    _check_rubric(remaining)
    audit.record(actor, "judging.criterion_deleted", criterion, now, data={"name": criterion.name})
    db.session.delete(criterion)
    db.session.flush()


def set_scale(challenge: Challenge, scale: str, actor, now: datetime) -> None:
    """Put every criterion on `scale`; descriptions are replaced by the standard ones for that scale."""
    _ensure_editable(challenge)
    if scale not in SCALES:
        raise FieldError("Choose a scale", "scale")
    low, high = SCALES[scale]
    for criterion in criteria_of(challenge):
        if (criterion.scale_min, criterion.scale_max) != (low, high):
            criterion.scale_min, criterion.scale_max = low, high
            criterion.levels = presets.generic_levels(low, high)
            audit.record(actor, "judging.criterion_scale", criterion, now, data={"scale": scale})
    db.session.flush()


def apply_sbri_preset(challenge: Challenge, actor, now: datetime) -> list[Criterion]:
    """Add the SBRI-style criteria on the 0–4 scale (skipping names already present), with social value at 10 %."""
    _ensure_editable(challenge)
    existing = criteria_of(challenge)
    if existing and rubric_scale(existing) != (0, 4):
        raise FieldError("The SBRI preset uses the 0–4 scale; change the rubric's scale to 0–4 first.", "scale")
    names = {c.name.lower() for c in existing}
    added = []
    for name, description, weight in presets.SBRI_CRITERIA:
        if name.lower() not in names:
            added.append(save_criterion(challenge, actor, now, name=name, description=description, weight=weight,
                                        levels=presets.SBRI_LEVELS, scale="0-4"))
    if not any(c.social_value for c in existing):
        added.append(add_social_value(challenge, "health", actor, now))
    return added


def add_social_value(challenge: Challenge, theme: str, actor, now: datetime) -> Criterion:
    """Add a social value criterion on one theme, weighted so it carries at least 10 % of the total."""
    _ensure_editable(challenge)
    if theme not in presets.SOCIAL_VALUE_THEMES:
        raise FieldError("Choose a social value mission", "theme")
    label, outcome = presets.SOCIAL_VALUE_THEMES[theme]
    existing = criteria_of(challenge)
    others = sum(c.weight for c in existing)
    # the smallest whole weight w with w / (others + w) >= 10 %
    weight = max(1, -(-others * presets.SOCIAL_VALUE_MIN_PERCENT // (100 - presets.SOCIAL_VALUE_MIN_PERCENT)))
    low, high = rubric_scale(existing) or (0, 4)
    return save_criterion(challenge, actor, now, name=f"Social value: {label}", description=outcome,
                          weight=min(weight, 100), levels=presets.generic_levels(low, high),
                          scale=f"{low}-{high}", social_value=True)


# --- rounds -------------------------------------------------------------------------------------

def _check_round(strategy: str, k: int | None, threshold: int | None, closes_at, now,
                 advance_grant: int | None = None) -> None:
    if strategy not in ("all", "k", PAIRWISE):
        raise FieldError("Choose how entries are shared among the judges", "strategy")
    if strategy == PAIRWISE and threshold is not None:  # comparisons give a ranking, never a share of the maximum
        raise FieldError("A pairwise round has no scores, so it cannot have a quality threshold: leave it empty",
                         "threshold_percent")
    if strategy == "k" and (k is None or k < 2 or k > 50):
        raise FieldError("Each entry needs at least 2 judges (and at most 50)", "k")
    if threshold is not None and not 0 <= threshold <= 100:
        raise FieldError("Enter a threshold from 0 to 100 %", "threshold_percent")
    if closes_at is not None and closes_at <= now:
        raise FieldError("Choose a closing time in the future", "closes_at")
    if advance_grant is not None and (type(advance_grant) is not int or advance_grant <= 0):
        raise FieldError("Enter a stage grant of more than zero, or leave it empty", "advance_grant")


def add_round(challenge: Challenge, actor, now: datetime, *, name: str, strategy: str = "all", k: int | None = None,
              comments_required: bool = False, threshold_percent: int | None = None,
              closes_at: datetime | None = None, advance_grant: int | None = None) -> Round:
    """Add a round after the last one. Refuses k < 2, a threshold outside 0–100, a closing time in the past
    and a stage grant that is not a positive amount."""
    if challenge.state in JUDGING_OVER:
        raise InvalidTransition("Judging is over for this challenge: no round can be added.")
    _check_round(strategy, k, threshold_percent, closes_at, now, advance_grant)
    rounds = rounds_of(challenge)
    round_ = Round(challenge_id=challenge.id, position=len(rounds) + 1, name=(name.strip() or "Round")[:120],
                   strategy=strategy, k=k if strategy == "k" else None, comments_required=comments_required,
                   threshold_percent=threshold_percent, closes_at=closes_at, advance_grant=advance_grant,
                   seed=challenge.id * 1000 + len(rounds))
    db.session.add(round_)
    db.session.flush()
    audit.record(actor, "judging.round_added", round_, now, data={"name": round_.name})
    return round_


def update_round(round_: Round, actor, now: datetime, *, name: str, strategy: str, k: int | None,
                 comments_required: bool, threshold_percent: int | None, closes_at: datetime | None,
                 advance_grant: int | None = None) -> Round:
    """Change a round's settings. Refuses once the round has opened (judges have started from them)."""
    if round_.state != RoundState.PENDING:
        raise InvalidTransition("This round has opened: its settings can no longer change.")
    _check_round(strategy, k, threshold_percent, closes_at, now, advance_grant)
    round_.name = (name.strip() or round_.name)[:120]
    round_.strategy, round_.k = strategy, k if strategy == "k" else None
    round_.comments_required, round_.threshold_percent, round_.closes_at = comments_required, threshold_percent, closes_at
    round_.advance_grant = advance_grant
    round_.results_version = new_version()
    audit.record(actor, "judging.round_changed", round_, now, data={"name": round_.name})
    db.session.flush()
    return round_


# --- settings -----------------------------------------------------------------------------------

def save_settings(challenge: Challenge, actor, now: datetime, *, feedback_at: datetime | None,
                  peoples_choice: bool, prize_id: int | None, vote_opens_at: datetime | None,
                  vote_closes_at: datetime | None) -> JudgingSettings:
    """Set the feedback date and the people's-choice vote. Refuses dates in the past (they are announced
    in advance), a vote without both dates or with its close before its opening, and a prize tier of
    another challenge; the vote's dates cannot move once it has opened."""
    settings = settings_of(challenge) or JudgingSettings(challenge_id=challenge.id)
    if feedback_at is not None and feedback_at != settings.feedback_at and feedback_at <= now:
        raise FieldError("Choose a feedback date in the future: entrants are told it in advance", "feedback_at")
    if peoples_choice:
        started = settings.vote_opens_at is not None and settings.vote_opens_at <= now and settings.peoples_choice
        if started and (vote_opens_at, vote_closes_at) != (settings.vote_opens_at, settings.vote_closes_at):
            raise FieldError("The vote has opened: its dates can no longer change", "vote_opens_at")
        if vote_opens_at is None or vote_closes_at is None:
            raise FieldError("Give the vote an opening and a closing time", "vote_opens_at")
        if vote_closes_at <= vote_opens_at:
            raise FieldError("The vote must close after it opens", "vote_closes_at")
        prize = db.session.get(Prize, prize_id) if prize_id else None
        if prize is None or prize.challenge_id != challenge.id:
            raise FieldError("Choose the prize the public vote decides", "prize_id")
    settings.feedback_at = feedback_at
    settings.peoples_choice = peoples_choice
    settings.peoples_choice_prize_id = prize_id if peoples_choice else None
    settings.vote_opens_at = vote_opens_at if peoples_choice else None
    settings.vote_closes_at = vote_closes_at if peoples_choice else None
    db.session.add(settings)
    db.session.flush()
    audit.record(actor, "judging.settings_saved", settings, now,
                 data={"feedback_at": feedback_at.isoformat() if feedback_at else None, "peoples_choice": peoples_choice})
    return settings


# --- start-up -----------------------------------------------------------------------------------

if rubric_missing not in challenge_services.GO_LIVE_CHECKS:
    challenge_services.GO_LIVE_CHECKS.append(rubric_missing)
