"""Registering and listing webhook endpoints: an organisation's (its owners) and the platform's (brokers)."""
from __future__ import annotations

from flask_login import current_user, login_required

from challenge import clock
from challenge.accounts.blueprint import org_or_404
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.webhooks import services
from challenge.webhooks.blueprint import bp
from challenge.webhooks.forms import EndpointForm


def _page(org, form: EndpointForm, new=None):
    """The list with the form; `new` is (endpoint, secret) right after registering: the secret is in this
    answer only, never in a flash message or the session."""
    if new is not None:
        form = EndpointForm(formdata=None)
    return tx.render_form("webhooks/endpoints.html", form, org=org, endpoints=services.endpoints_of(org),
                          new_endpoint=new[0] if new else None, new_secret=new[1] if new else None)


def _register(org):
    form = EndpointForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            new = services.register(org, form.url.data, form.events.data, current_user, clock.now())
        if work.done:
            return _page(org, form, new)
    return _page(org, form)


@bp.route("/organisations/<slug>/webhooks", methods=["GET", "POST"])
@login_required
def organisation_endpoints(slug: str):
    org = org_or_404(slug)
    ensure("webhooks.manage", org)
    return _register(org)


@bp.route("/admin/webhooks", methods=["GET", "POST"])
@login_required
def platform_endpoints():
    ensure("webhooks.manage", None)
    return _register(None)
