"""Who may download or erase a person's data, hold a challenge, run retention, and screen a challenge for a DPIA."""
from __future__ import annotations

from challenge.permissions import is_broker, is_seeker, rule, signed_in


@rule("privacy.export", "privacy.erase")
def _privacy_person(user, person, now):
    """The person themselves, or a broker acting for a person who wrote in."""
    return signed_in(user) and person is not None and (user.id == person.id or is_broker(user))


@rule("privacy.manage")
def _privacy_manage(user, thing, now):
    """Legal holds, the retention preview and the erasure of another person's account: brokers."""
    return is_broker(user)


@rule("privacy.dpia_view")
def _dpia_view(user, challenge, now):
    """A challenge's DPIA screening and its record: the seeker's organisation and brokers."""
    return is_seeker(user, challenge) or is_broker(user)


@rule("privacy.dpia_answer")
def _dpia_answer(user, challenge, now):
    """Answer the screening (while the draft is unpublished: the service refuses a frozen one with 409)."""
    return is_seeker(user, challenge) or is_broker(user)


@rule("privacy.dpia_sign_off")
def _dpia_sign_off(user, challenge, now):
    """Record that the DPO signed the full DPIA off: brokers, who publish."""
    return is_broker(user)
