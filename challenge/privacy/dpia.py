"""DPIA screening (UK GDPR Article 35): whether a challenge that gives entrants service users' personal data
needs a full data protection impact assessment before it opens.

The seeker says on the draft whether the challenge involves service users' personal or health data
(`Challenge.service_user_data`). When it does, the ICO's screening questions (QUESTIONS) are part of the draft:
sending it for review is refused until every one is answered, and publishing is refused while the outcome is
"a full DPIA is required" and no broker has recorded the DPO's sign-off. Both refusals are a go-live hook of
challenges/services.py. The answers freeze with the rubric once the challenge is published.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from challenge.challenges import services as challenge_services
from challenge.challenges.models import Challenge, ServiceUserData
from challenge.challenges.states import UNPUBLISHED_STATES
from challenge.errors import FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.permissions import can
from challenge.platform import audit, tx
from challenge.privacy.models import DpiaScreening

MAX_NOTE = 2000
MAX_REFERENCE = 120
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Question:
    key: str
    short: str  # how the outcome and the record name it
    text: str  # the ICO's screening wording
    high_risk: bool = True  # a "yes" means a full DPIA


# The ICO's DPIA screening checklist ("Data protection impact assessments", ICO guidance), the criteria of high
# risk it takes from the European guidelines (WP248), asked of the data the challenge gives entrants.
QUESTIONS: tuple[Question, ...] = (
    Question("evaluation", "evaluation or scoring",
             "Will the processing involve evaluation or scoring of people, including profiling and predicting, "
             "for example of their health, behaviour or needs?"),
    Question("automated_decisions", "automated decisions with significant effect",
             "Will solutions make automated decisions about people that have legal or similarly significant "
             "effects on them?"),
    Question("monitoring", "systematic monitoring",
             "Will the processing involve systematic monitoring of people, including of a publicly accessible "
             "place or of their online or offline location or behaviour?"),
    Question("sensitive", "sensitive or highly personal data",
             "Will the processing involve special category data, criminal offence data, or other data of a "
             "highly personal nature (for example financial data, or data about care or family life)?"),
    Question("large_scale", "large scale",
             "Will personal data be processed on a large scale (many people, much data, a long time or a wide "
             "area)?"),
    Question("matching", "matching or combining datasets",
             "Will data sets be matched, compared or combined from different sources, in a way people would not "
             "reasonably expect?"),
    Question("vulnerable", "vulnerable people",
             "Does the data concern vulnerable people, such as children, patients, older people, people in care "
             "or anyone less able to consent or object?"),
    Question("innovative", "innovative technology",
             "Will solutions use innovative technology or new organisational approaches (for example artificial "
             "intelligence, biometrics or connected devices)?"),
    Question("prevents_service", "prevents people using a service or contract",
             "Could the processing prevent people from exercising a right or using a service or a contract "
             "(for example decide who gets a service or benefit)?"),
    Question("no_notice", "no privacy notice to the people concerned",
             "Will personal data be used without a privacy notice being given directly to the people it is "
             "about?"),
    Question("outside_uk", "data processed outside the UK",
             "Will personal data be processed or stored outside the UK?", high_risk=False),
)
BY_KEY = {q.key: q for q in QUESTIONS}

FULL_DPIA = "A full DPIA is required before the challenge opens"
NO_FULL_DPIA = "Screening recorded: no full DPIA needed"


@dataclass
class Outcome:
    """What the screening concludes, in words: `needed` (the challenge involves service users' data at all),
    `complete` (every question answered), `full_dpia` and the reasons for it."""

    needed: bool
    complete: bool
    full_dpia: bool
    headline: str
    reasons: list[str] = field(default_factory=list)


def outcome_of(data: str, answers: dict) -> Outcome:
    """The screening's outcome from the draft's answer about service users' data and the checklist's answers
    (`{key: {"answer": "yes"|"no", "note": ...}}`). Pure: no database, no clock."""
    if data == ServiceUserData.NONE:
        return Outcome(False, True, False, "No screening needed: the challenge involves no service users' "
                                           "personal data")
    unanswered = [q for q in QUESTIONS if (answers.get(q.key) or {}).get("answer") not in (YES, NO)]
    if unanswered:
        return Outcome(True, False, False, f"Screening not finished: {len(unanswered)} of {len(QUESTIONS)} "
                                           "questions still to answer")
    reasons = []
    if data == ServiceUserData.SPECIAL:
        reasons.append("The challenge involves health data or another special category of personal data.")
    risky = [q.short for q in QUESTIONS if q.high_risk and answers[q.key]["answer"] == YES]
    if risky:
        reasons.append("The screening found high-risk processing: " + "; ".join(risky) + ".")
    abroad = answers["outside_uk"]["answer"] == YES
    if reasons:
        return Outcome(True, True, True, FULL_DPIA, reasons + _abroad(abroad))
    return Outcome(True, True, False, NO_FULL_DPIA, [
        "The challenge involves personal data, but not health or other special category data, and none of the "
        "ICO's high-risk indicators applies."] + _abroad(abroad))


def _abroad(abroad: bool) -> list[str]:
    return ["Data leaves the UK: the transfer needs adequacy regulations or appropriate safeguards."] if abroad else []


def screening_of(challenge: Challenge) -> DpiaScreening | None:
    return db.session.scalar(db.select(DpiaScreening).where(DpiaScreening.challenge_id == challenge.id))


def outcome_for(challenge: Challenge, screening: DpiaScreening | None = None) -> Outcome:
    screening = screening or screening_of(challenge)
    return outcome_of(challenge.service_user_data, screening.answers if screening else {})


def signed_off(screening: DpiaScreening | None) -> bool:
    return screening is not None and screening.signed_off_at is not None


def is_open(challenge: Challenge) -> bool:
    """The screening may change until the challenge is published (like the rubric); then it is frozen."""
    return challenge.state in UNPUBLISHED_STATES


def _ensure_open(challenge: Challenge) -> None:
    if not is_open(challenge):
        raise InvalidTransition("The DPIA screening is frozen: it was published with the challenge as part of its "
                                "record. Ask a broker if the processing has changed.")


def _clean(answers: dict[str, tuple[str, str]]) -> dict:
    cleaned, problems = {}, {}
    for q in QUESTIONS:
        answer, note = answers.get(q.key, ("", ""))
        note = (note or "").strip()
        if answer not in (YES, NO):
            problems[f"{q.key}-answer"] = "Answer yes or no"
        elif len(note) > MAX_NOTE:
            problems[f"{q.key}-note"] = f"Keep the note to {MAX_NOTE:,} characters or fewer"
        cleaned[q.key] = {"answer": answer, "note": note}
    if problems:
        raise FieldError.on(problems)
    return cleaned


def save_answers(challenge: Challenge, answers: dict[str, tuple[str, str]], actor, now: datetime) -> DpiaScreening:
    """Record the seeker's answers to every screening question (`{key: (yes|no, note)}`), auditing each answer
    that changed. Refuses anyone but the challenge's seekers and brokers, a published challenge (frozen), a draft
    that says it involves no service users' data, and a missing answer or an over-long note. Changed answers
    clear the DPO's sign-off (it was for the answers as they were). Decided under the challenge's lock, so a
    publication or a second save waits and then sees this one."""
    if not can(actor, "privacy.dpia_answer", challenge, now):
        raise NotAllowed("Only the challenge's organisation or a broker can answer its DPIA screening.")
    challenge = tx.lock(Challenge, challenge.id)  # one screening row, however many saves arrive at once
    _ensure_open(challenge)
    if challenge.service_user_data == ServiceUserData.NONE:
        raise FieldError("The draft says the challenge involves no service users' personal data, so there is "
                         "nothing to screen. Change that answer on the draft first.")
    cleaned = _clean(answers)
    screening = screening_of(challenge)
    if screening is None:
        screening = DpiaScreening(challenge_id=challenge.id, answers={}, dpo_reference="")
        db.session.add(screening)
        db.session.flush()
    before = dict(screening.answers or {})
    for key, now_said in cleaned.items():
        if before.get(key) != now_said:
            audit.record(actor, "privacy.dpia_answer", challenge, now, data={
                "question": key, "from": before.get(key), "to": now_said})
    if before != cleaned and signed_off(screening):
        # The DPO signed off a DPIA of the answers as they were: changed answers need a new sign-off.
        audit.record(actor, "privacy.dpia_sign_off_cleared", challenge, now,
                     data={"reference": screening.dpo_reference})
        screening.dpo_signed_on, screening.dpo_reference = None, ""
        screening.signed_off_by_id, screening.signed_off_at = None, None
    screening.answers = cleaned
    screening.answered_by_id, screening.answered_at = actor.id, now
    screening.full_dpia_required = outcome_of(challenge.service_user_data, cleaned).full_dpia
    db.session.flush()
    return screening


def sign_off(challenge: Challenge, signed_on: date | None, reference: str, actor, now: datetime) -> DpiaScreening:
    """A broker records that the full DPIA was completed and signed off by the DPO (the date and the DPIA's
    reference), so the challenge may be published. Refuses anyone but a broker, a published challenge, a
    screening not finished or not needing a full DPIA, a date in the future and a blank reference. Decided under
    the screening's lock; the same sign-off twice changes nothing."""
    if not can(actor, "privacy.dpia_sign_off", challenge, now):
        raise NotAllowed("Only a broker can record the DPO's sign-off.")
    _ensure_open(challenge)
    found = screening_of(challenge)
    screening = tx.lock(DpiaScreening, found.id) if found else None
    if screening is None or not outcome_for(challenge, screening).full_dpia:
        raise FieldError("No full DPIA is required by this challenge's screening, so there is nothing to sign off.")
    reference = (reference or "").strip()
    if signed_on is None or signed_on > now.date():
        raise FieldError("Enter the date the DPO signed the DPIA off: today or earlier", "signed_on")
    if not reference or len(reference) > MAX_REFERENCE:
        raise FieldError(f"Enter the DPIA's reference ({MAX_REFERENCE} characters or fewer)", "reference")
    if (screening.dpo_signed_on, screening.dpo_reference) == (signed_on, reference) and signed_off(screening):
        return screening
    screening.dpo_signed_on, screening.dpo_reference = signed_on, reference
    screening.signed_off_by_id, screening.signed_off_at = actor.id, now
    audit.record(actor, "privacy.dpia_signed_off", challenge, now,
                 data={"signed_on": signed_on.isoformat(), "reference": reference})
    db.session.flush()
    return screening


def go_live_check(challenge: Challenge, doing: str) -> str | None:
    """The go-live hook: sending for review needs the screening answered; publishing also needs the DPO's
    sign-off when a full DPIA is required (refused as a conflict, 409, like any move not yet possible)."""
    if doing not in ("sending it for review", "publishing it") or challenge.service_user_data == ServiceUserData.NONE:
        return None
    screening = screening_of(challenge)
    outcome = outcome_for(challenge, screening)
    if outcome.needed and not outcome.complete:
        return ("This challenge involves service users' personal data, so its DPIA screening must be finished "
                f"before {doing}: open 'DPIA screening' on the challenge page and answer every question.")
    if doing == "publishing it" and outcome.full_dpia and not signed_off(screening):
        raise InvalidTransition(f"{FULL_DPIA}: tick 'DPIA completed and signed off by the DPO' with the date and "
                                "the reference on the DPIA screening page, then publish.")
    return None


if go_live_check not in challenge_services.GO_LIVE_CHECKS:
    challenge_services.GO_LIVE_CHECKS.append(go_live_check)
