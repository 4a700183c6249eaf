"""The accounts pages, one module per page group; importing them adds their views to the four blueprints."""
from challenge.accounts.blueprint import bp, confirmation_bp, organisations_bp, twofactor_bp
# Confirming an email address: the link's page and "send the link again" (confirmation_bp).
from challenge.accounts.views import confirmation  # noqa: F401
# The security log and the second-factor gate, on every request (twofactor_bp's app-wide hooks).
from challenge.accounts.views import hooks  # noqa: F401
# An organisation's members, roles and invitations, and accepting an invitation (organisations_bp).
from challenge.accounts.views import members  # noqa: F401
# Creating an organisation, its public page, its details, leaving it (organisations_bp).
from challenge.accounts.views import organisations  # noqa: F401
# A forgotten password (bp).
from challenge.accounts.views import passwords  # noqa: F401
# Your profile and password (bp).
from challenge.accounts.views import profile  # noqa: F401
# Signing up, in and out (bp).
from challenge.accounts.views import signin  # noqa: F401
# Personal API tokens on the account page: create (shown once) and revoke (bp).
from challenge.accounts.views import tokens  # noqa: F401
# The code after the password, and setting up an authenticator app (twofactor_bp).
from challenge.accounts.views import twofactor  # noqa: F401

__all__ = ["bp", "confirmation_bp", "organisations_bp", "twofactor_bp"]
