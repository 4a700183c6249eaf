"""The privacy pages, one module per page group; importing them adds their views to `bp`."""
from challenge.privacy.blueprint import bp
# Your data on the account page: download it, delete the account, email preferences.
from challenge.privacy.views import account  # noqa: F401
# The broker's side: retention preview and runs, legal holds, a person's data and erasure.
from challenge.privacy.views import console  # noqa: F401
# One-click unsubscribe (RFC 8058): no sign-in, the signed link is the key.
from challenge.privacy.views import unsubscribe  # noqa: F401

__all__ = ["bp"]
