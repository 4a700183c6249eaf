"""What the challenges tables hold about people (records of processing: challenge/platform/processing.py)."""
from challenge.platform.processing import Basis, declare, no_personal_data

AREA = "Challenges"

declare("challenges", AREA, data="Who drafted the challenge; the broker's review note",
        columns=("created_by_id", "review_note"), subjects="Seekers (commissioners)",
        purpose="Running the challenge and its review", basis=Basis.PUBLIC_TASK,
        retention="For the life of the challenge record (kept as the public record of the prize)",
        recipients="Brokers; the seeker organisation's members",
        not_personal=("title", "summary", "cancel_reason", "ip_terms"))
no_personal_data("prizes", AREA, "name")
no_personal_data("challenge_counts", AREA)
declare("follows", AREA, data="Who follows a challenge", columns=("user_id",),
        subjects="People who follow a challenge", purpose="Sending the challenge's updates and reminders",
        basis=Basis.CONTRACT, retention="Until unfollowed or the account is erased", recipients="Nobody else")
declare("questions", AREA, data="Questions asked about a challenge and who asked and answered them",
        columns=("asked_by_id", "body", "answered_by_id", "answer"), subjects="People who ask; seekers who answer",
        purpose="Public clarification questions", basis=Basis.LEGITIMATE_INTERESTS,
        retention="For the life of the challenge; the asker's name is never shown publicly",
        recipients="Everyone who can see the challenge (without the asker's name)")
declare("updates", AREA, data="Updates posted on a challenge and their author", columns=("author_id", "body"),
        subjects="Seekers and brokers", purpose="Telling followers and entrants what changed",
        basis=Basis.PUBLIC_TASK, retention="For the life of the challenge",
        recipients="Everyone who can see the challenge", not_personal=("title",))
no_personal_data("entry_questions", AREA, "help_text", "ineligible_message")
declare("challenge_documents", AREA, data="Who attached a challenge's brief or data pack, and the file (its "
        "hidden details, such as the author, are removed from the copy downloaded)",
        columns=("uploaded_by_id", "original_name"),
        subjects="Seekers and brokers; anyone a data pack names", purpose="Giving entrants the challenge's documents",
        basis=Basis.PUBLIC_TASK, retention="For the life of the challenge",
        recipients="Everyone who can see the challenge", not_personal=("title", "stored_name"))
