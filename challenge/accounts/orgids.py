"""Organisation identifiers from the org-id scheme (https://org-id.guide), as 360Giving data carry them.

An organisation may record its charity number (``GB-CHC``, Charity Commission for England and Wales), its
company number (``GB-COH``, Companies House), its local authority code (``GB-LAE``, the three or four
letters of the register of local authorities in England) and its NHS organisation code (``GB-NHS``, the
ODS code). Its org-id is the first of these it has, in that order; without any, the platform's own
``<360Giving prefix>-ORG-<id>``, which 360Giving accepts for an organisation without a registered number.

Pure: standard library only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# (field on the organisation, org-id list code, what it is, shape, example): the order is the preference.
SCHEMES = (
    ("charity_number", "GB-CHC", "charity number", re.compile(r"^[0-9]{6,8}$"), "1123456"),
    ("company_number", "GB-COH", "company number", re.compile(r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$"), "01234567 or SC123456"),
    ("local_authority_code", "GB-LAE", "local authority code", re.compile(r"^[A-Z]{3,4}$"), "BIR"),
    ("nhs_org_code", "GB-NHS", "NHS organisation code", re.compile(r"^[A-Z0-9]{3,5}$"), "RTH"),
)
# A 360Giving publisher prefix (THREESIXTYGIVING_PREFIX): "360G-" and the name 360Giving registered.
GIVING_PREFIX_PATTERN = re.compile(r"^360G-[A-Za-z0-9][A-Za-z0-9-]*$")
FIELDS = tuple(scheme[0] for scheme in SCHEMES)


class OrgIdError(ValueError):
    """An identifier that does not have its scheme's shape; `field` names the organisation's field."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class OrgId:
    identifier: str  # e.g. GB-CHC-1123456
    scheme: str  # GB-CHC … or "platform" for the fallback

    @property
    def is_fallback(self) -> bool:
        return self.scheme == "platform"

    @property
    def local_id(self) -> str:
        """The identifier within its scheme: 1123456 for GB-CHC-1123456 (OCDS's identifier.id)."""
        return self.identifier.removeprefix(f"{self.scheme}-")


def normalise(field: str, value: str | None) -> str:
    """The identifier as the register writes it (no spaces, upper case), or '' when none is given.

    Refuses a value that does not have the scheme's shape, with a message that says what it should look like.
    """
    text = re.sub(r"\s+", "", value or "").upper()
    if not text:
        return ""
    for name, _code, label, shape, example in SCHEMES:
        if name == field:
            if not shape.match(text):
                raise OrgIdError(f"Enter the {label} as the register shows it, for example {example}", field)
            return text
    raise KeyError(field)


def registered(org) -> list[OrgId]:
    """Every register identifier the organisation has recorded, in SCHEMES order (the preferred first)."""
    return [OrgId(f"{code}-{getattr(org, field)}", code)
            for field, code, _label, _shape, _example in SCHEMES if getattr(org, field, "")]


def org_id(org, fallback_prefix: str) -> OrgId:
    """The organisation's org-id: the first identifier it has in SCHEMES order, else the platform's own."""
    found = registered(org)
    return found[0] if found else OrgId(f"{fallback_prefix}-ORG-{org.id}", "platform")
