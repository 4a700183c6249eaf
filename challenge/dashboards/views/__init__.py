"""Every dashboard page; importing this package registers them on the blueprint."""
from challenge.dashboards.blueprint import bp
# The broker's and a seeker's dashboard: charts, tables and their CSV exports.
from challenge.dashboards.views import pages  # noqa: F401

__all__ = ["bp"]
