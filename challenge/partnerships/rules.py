"""Who may do what in the partnership pipeline: the board, a partnership, its impact, its introductions."""
from __future__ import annotations

from challenge.permissions import is_broker, role_in, rule, signed_in


def is_party(user, partnership) -> bool:
    """The creator (in person, or as a member of the creator organisation) or a member of the
    counterpart organisation."""
    if not signed_in(user):
        return False
    return (user.id == partnership.creator_id
            or role_in(user, partnership.creator_organisation_id) is not None
            or role_in(user, partnership.counterpart_id) is not None)


@rule("partnership.board", "partnership.create")
def _partnership_broker_only(user, thing, now):
    return is_broker(user)


@rule("partnership.view", "partnership.view_impact")
def _partnership_view(user, p, now):
    """Brokers and the two sides; not the seeker of the origin challenge unless they are a side."""
    return is_broker(user) or is_party(user, p)


@rule("partnership.manage", "partnership.move", "partnership.introduce", "partnership.edit_impact")
def _partnership_manage(user, p, now):
    return is_broker(user)


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
