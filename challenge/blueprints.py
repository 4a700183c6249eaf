"""Which blueprints the app serves, in one list."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from challenge.accounts.routes import bp as accounts
    from challenge.admin.routes import bp as admin
    from challenge.challenges.routes import bp as challenges
    from challenge.judging.routes import bp as judging
    from challenge.pages import bp as pages
    from challenge.submissions.routes import bp as submissions

    for blueprint in (pages, accounts, challenges, submissions, judging, admin):
        app.register_blueprint(blueprint)
