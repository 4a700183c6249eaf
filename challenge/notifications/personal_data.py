"""What notifications and messages hold about people (records of processing: challenge/platform/processing.py)."""
from challenge.platform.processing import Basis, declare

AREA = "Notifications"

declare("notices_seen", AREA, data="When a person last looked at their notifications", columns=("user_id",),
        subjects="Everyone with an account", purpose="Marking what is new since they last looked",
        basis=Basis.CONTRACT, retention="While the account exists", recipients="Nobody else")
declare("entrant_messages", AREA, data="Messages a seeker sends to a challenge's entrants, and who wrote them",
        columns=("author_id", "body"), subjects="Seekers; entrants (as recipients, counted only)",
        purpose="Telling entrants what they need to know", basis=Basis.PUBLIC_TASK,
        retention="For the life of the challenge", recipients="The entrants it was sent to; brokers",
        not_personal=("subject",))
