"""Drafting a challenge through the API with the draft form's own validation and the challenges service.

The JSON body (member_schemas.DraftIn, its shape already checked) is put to `ChallengeForm` as the form page
would post it, so every check the page makes (required fields, lengths, tags, prize tiers, dates) is made
here too; then `challenges.services.create` / `revise` check the draft again, as for the page. A refusal of
what was sent is a 422 naming each field (the service's own `FieldError`s become 422 in api/errors.py)."""
from __future__ import annotations

from dataclasses import asdict

from werkzeug.datastructures import MultiDict

from challenge.accounts.services import organisations_of
from challenge.api.member_answers import draft_fields, local_form_time
from challenge.challenges import services
from challenge.challenges.forms import ChallengeForm
from challenge.errors import FieldError, InvalidTransition
from challenge.permissions import can, ensure

# What a new draft starts from where the body is silent: the service's own defaults (the form's, too).
NEW_DRAFT = {name: value for name, value in asdict(services.Draft(title="")).items()
             if name in ("sector", "tags", "type", "ip_terms", "currency", "blind_judging", "feedback_to_entrants")}


class Unprocessable(FieldError):
    """What was sent has the right shape but says something the draft form refuses."""

    status = 422


def _formdata(values: dict) -> MultiDict:
    data = MultiDict()
    for name in ("title", "summary", "problem", "context", "outcomes", "eligibility", "sector", "tags", "type",
                 "ip_terms", "currency"):
        if values.get(name) is not None:
            data[name] = values[name]
    for name in ("opens_at", "closes_at"):
        if values.get(name) is not None:
            data[name] = local_form_time(values[name])
    for name in ("blind_judging", "feedback_to_entrants"):
        if values.get(name):
            data[name] = "y"
    for i, tier in enumerate(values.get("prizes") or []):
        data[f"prizes-{i}-name"] = tier["name"]
        data[f"prizes-{i}-amount"] = f"{tier['amount'] / 100:.2f}"
        data[f"prizes-{i}-winners"] = str(tier.get("winners", 1))
    return data


def _messages(errors) -> str:
    if isinstance(errors, dict):
        return ". ".join(_messages(v) for v in errors.values())
    if isinstance(errors, (list, tuple)):
        return ". ".join(_messages(v) for v in errors)
    return str(errors)


def _valid_form(values: dict, organisation_id: int | None = None) -> ChallengeForm:
    form = ChallengeForm(formdata=_formdata(values), meta={"csrf": False})
    if organisation_id is None:
        del form.organisation
    else:
        form.organisation.choices = [(str(organisation_id), "")]
        form.organisation.data = str(organisation_id)
    if not form.validate():
        raise Unprocessable.on({name: _messages(errors) for name, errors in form.errors.items()})
    return form


def _which_organisation(mine) -> str:
    """The refusal of an organisation the actor does not belong to, naming the slugs they may use."""
    if not mine:
        return ("You belong to no organisation yet: create one on the site (Create an organisation) or ask an "
                "owner to invite you, then name it here by its slug")
    return "Name an organisation you belong to, by its slug: " + ", ".join(sorted(o.slug for o in mine))


def create(body: dict, actor, now):
    """A new draft for one of the actor's organisations (named by slug), as the "Post a challenge" form makes."""
    mine = organisations_of(actor)
    org = next((o for o in mine if o.slug == body["organisation"]), None)
    if org is None:
        raise Unprocessable(_which_organisation(mine), "organisation")
    ensure("challenge.create", org)
    form = _valid_form(NEW_DRAFT | body, org.id)
    return services.create(org, form.draft(), actor, now)


def revise(challenge, body: dict, actor, now):
    """The draft with the fields sent changed and the others kept, as the edit form saves it; 409 once it is
    no longer a draft (the page's own refusal)."""
    if not can(actor, "challenge.edit", challenge):
        raise InvalidTransition("Only a draft can be edited. Once a challenge is sent for review its text is what "
                                "the broker approves; once published it is frozen: post an update instead.")
    form = _valid_form(draft_fields(challenge) | body)
    return services.revise(challenge, form.draft(), actor, now)
