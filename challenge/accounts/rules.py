"""Who may do what with accounts and organisations, and the platform console (registered by permissions.load_rules)."""
from __future__ import annotations

from challenge.accounts.models import Membership, MembershipRole
from challenge.extensions import db
from challenge.payouts.models import Funder, FunderState
from challenge.permissions import is_broker, role_in, rule, signed_in


@rule("organisation.view")
def _org_view(user, org, now):
    return True


@rule("organisation.manage")
def _org_manage(user, org, now):
    return is_broker(user) or role_in(user, org.id) == MembershipRole.OWNER


@rule("organisation.publish_open_data")
def _org_publish_open_data(user, org, now):
    """Consent to publish the grants it funds as 360Giving open data: the organisation's owners only."""
    return role_in(user, org.id) == MembershipRole.OWNER


@rule("organisation.act_for")
def _org_act_for(user, org, now):
    return role_in(user, org.id) is not None


@rule("organisation.create")
def _org_create(user, thing, now):
    return signed_in(user)


@rule("organisation.view_members")
def _org_view_members(user, org, now):
    """Who belongs to an organisation is for its members and the platform team."""
    return is_broker(user) or role_in(user, org.id) is not None


@rule("organisation.leave")
def _org_leave(user, org, now):
    return role_in(user, org.id) is not None


@rule("account.second_factor_required")
def _second_factor_required(user, thing, now):
    """Brokers, and the owners of organisations that pay into a prize pool (there is no finance role: an
    owner manages the organisation's money), must sign in with a second factor."""
    if is_broker(user):
        return True
    return signed_in(user) and db.session.scalar(
        db.select(Membership.id).join(Funder, Funder.organisation_id == Membership.organisation_id)
        .where(Membership.user_id == user.id, Membership.role == MembershipRole.OWNER,
               Funder.state == FunderState.ACCEPTED)
        .limit(1)) is not None


@rule("admin.console", "user.manage", "organisation.verify")
def _admin(user, thing, now):
    return is_broker(user)


@rule("user.change_access")
def _change_access(user, person, now):
    """Brokers change other people's staff role and whether their account is active, never their own, so
    the platform cannot be left without a broker by accident."""
    return is_broker(user) and (person is None or person.id != user.id)


@rule("audit.view")
def _audit_view(user, thing, now):
    return is_broker(user)
