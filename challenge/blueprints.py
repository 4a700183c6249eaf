"""Which blueprints the app serves, in one list: each package's views register their blueprint here.

Every package keeps its views in `<package>/views/`, whose `__init__.py` defines the blueprint and imports
each page-group module explicitly; this list names the module that holds each blueprint.
"""
from __future__ import annotations

import importlib

from flask import Flask

# (module, attribute): one line per blueprint, in the order they are registered.
BLUEPRINTS = (
    ("challenge.pages.views", "bp"),
    ("challenge.accounts.views", "bp"),
    ("challenge.accounts.views", "confirmation_bp"),
    ("challenge.accounts.views", "twofactor_bp"),
    ("challenge.accounts.views", "organisations_bp"),
    ("challenge.challenges.views", "bp"),
    ("challenge.submissions.views", "bp"),
    ("challenge.judging.views", "bp"),
    ("challenge.admin.views", "bp"),
    ("challenge.payouts.views", "bp"),
    ("challenge.partnerships.views", "bp"),
    ("challenge.partnerships.views", "impact_bp"),
    ("challenge.partnerships.views", "introductions_bp"),
    ("challenge.library.views", "bp"),
    ("challenge.dashboards.views", "bp"),
    ("challenge.diagnoses.views", "bp"),
    ("challenge.notifications.views", "bp"),
    ("challenge.privacy.views", "bp"),
    ("challenge.webhooks.views", "bp"),
    ("challenge.api.views", "bp"),
    ("challenge.api.views", "docs_bp"),
)


def register_blueprints(app: Flask) -> None:
    for module, attribute in BLUEPRINTS:
        app.register_blueprint(getattr(importlib.import_module(module), attribute))
