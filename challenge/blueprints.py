"""Which blueprints the app serves, in one list."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from challenge.accounts.confirmation_routes import bp as confirmation
    from challenge.accounts.org_routes import bp as organisations
    from challenge.accounts.routes import bp as accounts
    from challenge.accounts.twofactor_routes import bp as twofactor
    from challenge.admin.routes import bp as admin
    from challenge.challenges.routes import bp as challenges
    from challenge.judging.routes import bp as judging
    from challenge.pages import bp as pages
    from challenge.payouts.routes import bp as payouts
    from challenge.submissions.routes import bp as submissions
    from challenge.partnerships import (routes as partnerships, routes_dashboards, routes_diagnoses, routes_impact,
                                        routes_intro, routes_library)

    for blueprint in (pages, accounts, confirmation, twofactor, organisations, challenges, submissions, judging, admin, payouts):
        app.register_blueprint(blueprint)
    for module in (partnerships, routes_impact, routes_intro, routes_library, routes_dashboards, routes_diagnoses):
        app.register_blueprint(module.bp)
