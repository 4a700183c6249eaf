"""The broker console's pages, one module per page group; importing them adds their views to `bp`."""
from challenge.admin.blueprint import bp
# The audit log and its CSV.
from challenge.admin.views import audit  # noqa: F401
# The front page's counts and the review queue.
from challenge.admin.views import console  # noqa: F401
# Organisations: search, verification.
from challenge.admin.views import organisations  # noqa: F401
# People: search, the broker role, deactivation.
from challenge.admin.views import people  # noqa: F401
# The register of processing (UK GDPR Article 30) as CSV and JSON.
from challenge.admin.views import processing  # noqa: F401

__all__ = ["bp"]
