"""The privacy pages, one module per page group; importing them adds their views to `bp`."""
from challenge.privacy.blueprint import bp
from challenge.privacy.dpia_record import panel_of
# Your data on the account page: download it, delete the account, email preferences.
from challenge.privacy.views import account  # noqa: F401
# The broker's side: retention preview and runs, legal holds, a person's data and erasure.
from challenge.privacy.views import console  # noqa: F401
# A challenge's DPIA screening, the DPO's sign-off and the DPIA record (page, JSON, Markdown).
from challenge.privacy.views import dpia  # noqa: F401
# One-click unsubscribe (RFC 8058): no sign-in, the signed link is the key.
from challenge.privacy.views import unsubscribe  # noqa: F401

# The challenge page's DPIA panel (templates/privacy/_challenge_dpia.html): the challenges package cannot ask us.
bp.add_app_template_global(panel_of, "dpia_panel")

__all__ = ["bp"]
