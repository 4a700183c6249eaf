"""The submissions package's pages, one module per page group, all on the `submissions` blueprint."""
from __future__ import annotations

from challenge.submissions.blueprint import bp

# Entering a solution: start, show, edit, submit, withdraw, disqualify.
from challenge.submissions.views import entering  # noqa: F401
# A submission's files: upload, remove, download.
from challenge.submissions.views import files  # noqa: F401
# A file given as an answer to an entry question.
from challenge.submissions.views import answers  # noqa: F401
# Lists: mine, a challenge's (and its CSV), every submission.
from challenge.submissions.views import lists  # noqa: F401
# The invitee's side of a team invitation.
from challenge.submissions.views import team  # noqa: F401
# Template filters (stamp, filesize, demote_headings) and the challenge page's two globals.
from challenge.submissions.views import jinja  # noqa: F401

__all__ = ["bp"]
