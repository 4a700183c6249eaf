"""The audit log: filtered, paged, and as a CSV download."""
from __future__ import annotations

from flask import Response, render_template, request, stream_with_context

from challenge import clock
from challenge.admin import queries
from challenge.admin.blueprint import bp
from challenge.admin.forms import AuditFilterForm
from challenge.permissions import ensure
from challenge.platform.paging import paginate

AUDIT_FILTERS = ("kind", "object_type", "action", "actor", "ip", "date_from", "date_to")


def _audit_filters() -> tuple[AuditFilterForm, dict]:
    form = AuditFilterForm(request.args)
    types, actions = queries.audit_choices()
    form.object_type.choices = [("", "Any")] + [(t, t) for t in types if t]
    form.action.choices = [("", "Any")] + [(a, a) for a in actions]
    form.validate()
    # A filter with a mistake is left out; the others still apply, and the mistake is explained.
    return form, {name: form[name].data for name in AUDIT_FILTERS if not form[name].errors}


@bp.get("/audit")
def audit():
    ensure("audit.view")
    form, filters = _audit_filters()
    stmt = queries.audit_query(**filters)
    page = paginate(stmt)
    return render_template("admin/audit.html", form=form, page=page, labels=queries.object_labels(page.items),
                           args={k: request.args[k] for k in AUDIT_FILTERS if request.args.get(k)})


@bp.get("/audit.csv")
def audit_csv():
    ensure("audit.view")
    form, filters = _audit_filters()
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    return Response(stream_with_context(queries.audit_csv(queries.audit_query(**filters))), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'})
