"""Who may download or erase a person's data, hold a challenge, and run retention."""
from __future__ import annotations

from challenge.permissions import is_broker, rule, signed_in


@rule("privacy.export", "privacy.erase")
def _privacy_person(user, person, now):
    """The person themselves, or a broker acting for a person who wrote in."""
    return signed_in(user) and person is not None and (user.id == person.id or is_broker(user))


@rule("privacy.manage")
def _privacy_manage(user, thing, now):
    """Legal holds, the retention preview and the erasure of another person's account: brokers."""
    return is_broker(user)
