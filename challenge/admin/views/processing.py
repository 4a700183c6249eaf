"""The register of processing (UK GDPR Article 30) as a download: CSV for a spreadsheet, JSON for tools."""
from __future__ import annotations

from flask import Response, current_app

from challenge import clock
from challenge.admin.blueprint import bp
from challenge.permissions import ensure
from challenge.platform import processing


def _download(body: str, mimetype: str, extension: str) -> Response:
    name = f"records-of-processing-{clock.now():%Y%m%d}.{extension}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/records-of-processing.csv")
def processing_csv():
    ensure("admin.console")
    return _download(processing.as_csv(), "text/csv", "csv")


@bp.get("/records-of-processing.json")
def processing_json():
    ensure("admin.console")
    config = current_app.config
    controller = {"name": config["PRIVACY_CONTROLLER"], "address": config["PRIVACY_CONTROLLER_ADDRESS"],
                  "dpo": {"name": config["PRIVACY_DPO_NAME"], "email": config["PRIVACY_DPO_EMAIL"]}}
    return _download(processing.as_json(controller), "application/json", "json")
