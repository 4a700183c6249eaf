"""Which blueprints the app serves, in one list."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from challenge.accounts.routes import bp as accounts
    from challenge.admin.routes import bp as admin
    from challenge.challenges.routes import bp as challenges
    from challenge.pages import bp as pages
    from challenge.payouts.routes import bp as payouts
    from challenge.submissions.routes import bp as submissions

    for blueprint in (pages, accounts, challenges, submissions, admin, payouts):
        app.register_blueprint(blueprint)
