"""What problem diagnoses hold about people (records of processing: challenge/platform/processing.py).

Service users' stories and quotes may be health data (special category, UK GDPR Article 9): they are
collected with consent and never published with a name. The columns declared `special` are sealed at rest
(platform/sealed.py), left out of CSV exports, and each broker's view of them is logged."""
from challenge.platform.processing import Basis, declare

AREA = "Problem diagnoses"

declare("diagnoses", AREA, data="Evidence, service users' quotes and survey findings; who wrote it",
        columns=("evidence", "quotes", "survey_findings", "created_by_id"),
        subjects="Service users; seekers", purpose="Understanding the problem before a challenge is set",
        basis=Basis.CONSENT, special=("evidence", "quotes", "survey_findings"),
        retention="Until the consent is withdrawn, or {period} after it was last changed (when it led to a "
                  "challenge, {period} after that challenge is decided or cancelled); then deleted with its stories",
        retention_period="diagnoses",
        recipients="The seeker organisation's members, brokers (each view logged)",
        not_personal=("title", "summary"))
declare("diagnosis_stories", AREA, data="A service user's story or evidence, who consented, when, for what use",
        columns=("body", "consent_by", "recorded_by_id"), subjects="Service users; seekers",
        purpose="Understanding the problem before a challenge is set", basis=Basis.CONSENT,
        special=("body", "consent_by"),
        retention="Until the consent is withdrawn (then removed from every view and export), and at the latest "
                  "with its diagnosis ({period} after it was last changed or its challenge decided)",
        retention_period="diagnoses",
        recipients="The seeker organisation's members, brokers (each view logged)")
