"""The challenges package's pages, one module per page group, all on the `challenges` blueprint.

Importing this package registers every view below on `bp` (challenge/blueprints.py does so).
"""
from __future__ import annotations

from challenge.challenges.blueprint import bp
# The public catalogue, a challenge's page, and the signed-in dashboard.
from challenge.challenges.views import browse  # noqa: F401
# Drafting a challenge: create and edit.
from challenge.challenges.views import drafting  # noqa: F401
# The lifecycle buttons: send for review, publish, send back, cancel, start judging, complete.
from challenge.challenges.views import lifecycle  # noqa: F401
# Updates, questions and answers, follows.
from challenge.challenges.views import conversation  # noqa: F401
# The questions every entrant answers, and the editor for them.
from challenge.challenges.views import entry_questions  # noqa: F401
# The brief and data pack: attach, remove, download.
from challenge.challenges.views import documents  # noqa: F401

__all__ = ["bp"]
