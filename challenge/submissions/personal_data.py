"""What the submissions tables hold about people (records of processing: challenge/platform/processing.py)."""
from challenge.platform.processing import Basis, declare, no_personal_data

AREA = "Submissions"
ENTRY_LIFE = "Unsuccessful entries and their files: deleted after the retention period following the decision"

declare("submissions", AREA, data="The entry, its owner and their organisation, its state and any reason given",
        columns=("owner_id", "title", "summary", "description", "state_reason"),
        subjects="Creators and their teams", purpose="Entering and judging the challenge",
        basis=Basis.CONTRACT, retention=ENTRY_LIFE + "; winners' entries kept as the record of the award",
        recipients="The seeker, the judges (without names when blind), brokers")
declare("attachments", AREA, data="Files an entrant uploads, with their original names",
        columns=("original_name",), subjects="Creators", purpose="Entering and judging the challenge",
        basis=Basis.CONTRACT, retention=ENTRY_LIFE,
        recipients="The seeker, the judges (metadata-free copies when blind), brokers",
        not_personal=("stored_name",))
declare("team_members", AREA, data="Who is in an entry's team", columns=("user_id",), subjects="Creators",
        purpose="Entering as a team and sharing a prize", basis=Basis.CONTRACT, retention=ENTRY_LIFE,
        recipients="The team, the seeker, brokers")
declare("team_invitations", AREA, data="Invited email address and who invited them",
        columns=("email", "invited_by_id"), subjects="People invited to a team",
        purpose="Inviting team members", basis=Basis.LEGITIMATE_INTERESTS,
        retention="Until accepted, or deleted 90 days after an unanswered invitation",
        recipients="The entry's owner; brokers")
no_personal_data("reference_counters", AREA)
no_personal_data("submission_counts", AREA)
declare("entry_answers", AREA, data="Answers to the challenge's entry questions, and files given as answers",
        columns=("value", "original_name"), subjects="Creators", purpose="Entering and judging the challenge",
        basis=Basis.CONTRACT, retention=ENTRY_LIFE,
        recipients="The seeker, the judges (identifying answers hidden when blind), brokers",
        not_personal=("stored_name",))
