"""Who may do what after the prize: partnerships, the solutions library, diagnoses and dashboards."""
from __future__ import annotations

from challenge.partnerships import library
from challenge.permissions import is_broker, role_in, roles_of, rule, signed_in


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
    return any(org_id != entry.submission.challenge.organisation_id for org_id in roles_of(user))


@rule("library.give_consent")
def _library_give_consent(user, sub, now):
    """Only the person who submitted a solution answers for it."""
    return signed_in(user) and user.id == sub.owner_id


@rule("library.consent")
def _library_consent(user, sub, now):
    """The owner, for a winning solution of a decided challenge (the consent form is offered)."""
    return _library_give_consent(user, sub, now) and library.eligible(sub)


@rule("diagnosis.view", "diagnosis.edit", "diagnosis.start_challenge")
def _diagnosis(user, d, now):
    return role_in(user, d.organisation_id) is not None


@rule("diagnosis.create")
def _diagnosis_create(user, org, now):
    """Members of the organisation keep its diagnoses."""
    return role_in(user, org.id) is not None


def sides_for(user, intro) -> list[str]:
    """The sides of an introduction a signed-in user may answer for: the creator's, the counterpart's, or neither."""
    if not signed_in(user):
        return []
    p = intro.partnership
    sides = []
    if user.id == p.creator_id or role_in(user, p.creator_organisation_id) is not None:
        sides.append("creator")
    if role_in(user, p.counterpart_id) is not None:
        sides.append("counterpart")
    return sides
