"""What the judging tables hold about people (records of processing: challenge/platform/processing.py)."""
from challenge.platform.processing import Basis, declare, no_personal_data

AREA = "Judging"
JUDGING_LIFE = "For the life of the challenge's record; judges' comments deleted after the retention period"

declare("panel_members", AREA, data="Who sits on a challenge's panel and in what role (including service users)",
        columns=("user_id", "role", "service_user"), subjects="Judges, chairs and service-user judges",
        purpose="Running a fair panel", basis=Basis.LEGITIMATE_INTERESTS, retention=JUDGING_LIFE,
        recipients="The seeker, the chair, brokers; never entrants")
declare("panel_invitations", AREA, data="Invited judge's email address and who invited them",
        columns=("email", "invited_by_id", "accepted_by_id"), subjects="People invited to judge",
        purpose="Inviting judges", basis=Basis.LEGITIMATE_INTERESTS,
        retention="Until accepted, or deleted 90 days after an unanswered invitation",
        recipients="The seeker, brokers")
declare("assignments", AREA, data="Which judge scores which entry, and the judge's comment",
        columns=("panel_member_id", "comment"), subjects="Judges; entrants (the comment is about their entry)",
        purpose="Scoring entries and giving feedback", basis=Basis.LEGITIMATE_INTERESTS, retention=JUDGING_LIFE,
        recipients="The chair, the seeker, brokers; the entrant sees comments without the judge's name")
declare("conflicts", AREA, data="A judge's declared or detected conflict of interest and its reason",
        columns=("panel_member_id", "reason"), subjects="Judges", purpose="Keeping conflicted judges away",
        basis=Basis.LEGITIMATE_INTERESTS, retention=JUDGING_LIFE, recipients="The chair, brokers")
declare("comparisons", AREA, data="Which judge preferred which entry of a pair in a pairwise round, and their note",
        columns=("panel_member_id", "note"), subjects="Judges; entrants (the note is about their entries)",
        purpose="Ranking entries by comparison", basis=Basis.LEGITIMATE_INTERESTS, retention=JUDGING_LIFE,
        recipients="The chair, the seeker, brokers; never entrants")
no_personal_data("scores", AREA)
no_personal_data("criteria", AREA, "name", "description")
no_personal_data("rounds", AREA, "name", "panel_override_reason")
declare("decisions", AREA, data="Who recorded, corrected and published a decision, and their reasons",
        columns=("decided_by_id", "override_reason", "departure_reason", "empty_reason", "published_by_id",
                 "corrected_by_id", "correction_reason"), subjects="Chairs and brokers",
        purpose="Accountable decisions", basis=Basis.LEGITIMATE_INTERESTS, retention=JUDGING_LIFE,
        recipients="The seeker, brokers, auditors")
no_personal_data("selections", AREA)
declare("judging_settings", AREA, data="Which broker waived the social value rule, and why",
        columns=("social_value_waived_by_id",), subjects="Brokers", purpose="Accountable waivers",
        basis=Basis.LEGITIMATE_INTERESTS, retention=JUDGING_LIFE, recipients="The seeker, brokers",
        not_personal=("social_value_waiver",))
declare("votes", AREA, data="Who voted in a people's choice, for which entry, from which mailbox",
        columns=("user_id", "voter"), subjects="Members of the public who vote", purpose="One vote per person",
        basis=Basis.LEGITIMATE_INTERESTS, retention="Deleted a year after the vote closes",
        recipients="Brokers (totals only are public)")
