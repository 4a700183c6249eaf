"""One webhook endpoint: its delivery log, and the buttons (test ping, off and on, delete, redeliver)."""
from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user, login_required

from challenge import clock, jobs
from challenge.platform import buttons
from challenge.platform.paging import paginate
from challenge.webhooks import services
from challenge.webhooks.blueprint import bp, delivery_or_404, endpoint_or_404, list_url


@bp.get("/webhooks/<id:hook_id>")
@login_required
def show(hook_id: int):
    endpoint = endpoint_or_404(hook_id)
    return render_template("webhooks/endpoint.html", endpoint=endpoint, back=list_url(endpoint),
                           page=paginate(services.deliveries_of(endpoint)))


def _send_now(response):
    """After the button's commit: send what is due now (inline, or on the queue's worker when configured)."""
    jobs.enqueue("webhooks.send")
    return response


@bp.post("/webhooks/<id:hook_id>/ping")
@login_required
def ping(hook_id: int):
    endpoint = endpoint_or_404(hook_id)
    back = url_for("webhooks.show", hook_id=endpoint.id)
    return _send_now(buttons.pressed(back, lambda: services.ping(endpoint, current_user, clock.now()),
                                     "A test ping was sent: its outcome is at the top of the log."))


@bp.post("/webhooks/<id:hook_id>/disable")
@login_required
def disable(hook_id: int):
    return _switch(hook_id, False)


@bp.post("/webhooks/<id:hook_id>/enable")
@login_required
def enable(hook_id: int):
    return _switch(hook_id, True)


_SWITCHED = {False: "The endpoint is turned off: no new events are sent to it.",
             True: "The endpoint is turned on: new events are sent to it again."}


def _switch(hook_id: int, active: bool):
    endpoint = endpoint_or_404(hook_id)
    return buttons.pressed(url_for("webhooks.show", hook_id=endpoint.id),
                           lambda: services.set_active(endpoint, active, current_user, clock.now()),
                           _SWITCHED[active])


@bp.post("/webhooks/<id:hook_id>/delete")
@login_required
def delete(hook_id: int):
    endpoint = endpoint_or_404(hook_id)
    back, url = url_for("webhooks.show", hook_id=endpoint.id), endpoint.url
    return buttons.pressed(back, lambda: services.delete(endpoint, current_user, clock.now()),
                           f"The endpoint {url} is deleted with its delivery log.", then=list_url(endpoint))


@bp.post("/webhooks/<id:hook_id>/deliveries/<id:delivery_id>/redeliver")
@login_required
def redeliver(hook_id: int, delivery_id: int):
    endpoint = endpoint_or_404(hook_id)
    delivery = delivery_or_404(endpoint, delivery_id)
    back = url_for("webhooks.show", hook_id=endpoint.id)
    return _send_now(buttons.pressed(back, lambda: services.redeliver(delivery, current_user, clock.now()),
                                     "The event was sent again as a new delivery: see the top of the log."))
