"""What the webhook tables hold about people (records of processing: challenge/platform/processing.py)."""
from challenge.platform.processing import Basis, declare, no_personal_data

AREA = "Webhooks"

declare("webhook_endpoints", AREA, data="Who registered an organisation's webhook endpoint",
        columns=("created_by_id",), subjects="Owners of seeker organisations; brokers",
        purpose="Knowing who set up where the organisation's events are sent", basis=Basis.LEGITIMATE_INTERESTS,
        retention="Until the endpoint is deleted", recipients="The organisation's owners; brokers")
no_personal_data("webhook_deliveries", AREA, "payload")
