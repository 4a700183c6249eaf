"""What the platform's own tables hold about people (records of processing: challenge/platform/processing.py)."""
from challenge.platform.processing import Basis, declare, no_personal_data

AREA = "Platform"

declare("audit_events", AREA, data="Who did what and when, from which IP address and browser",
        columns=("actor_id", "ip", "user_agent", "reason"), subjects="Everyone who acts on the platform",
        purpose="Accountability and security", basis=Basis.LEGITIMATE_INTERESTS,
        retention="IP addresses and browsers deleted after a year; the trail kept with a pseudonym",
        recipients="Brokers, auditors")
declare("outbox_messages", AREA, data="Emails to be sent and their content", columns=("to_email", "body"),
        subjects="Everyone who receives email", purpose="Sending email reliably", basis=Basis.CONTRACT,
        retention="Deleted 90 days after sending", recipients="The mail provider")
no_personal_data("page_generations", AREA)
no_personal_data("raised_alerts", AREA, "summary")  # which payout, funder or challenge disagrees, never who
