"""Who may see, adopt, consent to and manage entries of the solutions library."""
from __future__ import annotations

from challenge.library import services as library
from challenge.permissions import is_broker, roles_of, rule, signed_in


@rule("library.manage")
def _library_manage(user, thing, now):
    return is_broker(user)


@rule("library.view")
def _library_view(user, entry, now):
    return entry is None or entry.published_at is not None or is_broker(user)


@rule("library.want")
def _library_want(user, entry, now):
    """Signed-in members of an organisation other than the one that commissioned the solution."""
    if not signed_in(user) or entry is None or entry.published_at is None:
        return False
    return any(org_id != entry.submission.challenge.organisation_id for org_id in roles_of(user))


@rule("library.give_consent")
def _library_give_consent(user, sub, now):
    """Only the person who submitted a solution answers for it."""
    return signed_in(user) and user.id == sub.owner_id


@rule("library.consent")
def _library_consent(user, sub, now):
    """The owner, for a winning solution of a decided challenge (the consent form is offered)."""
    return _library_give_consent(user, sub, now) and library.eligible(sub)
