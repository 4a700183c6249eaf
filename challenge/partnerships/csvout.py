"""CSV downloads that spreadsheets open safely."""
from __future__ import annotations

import io
import json

from flask import Response

from challenge.platform import csvsafe


def csv_response(rows, filename: str) -> Response:
    buffer = io.StringIO()
    csvsafe.writer(buffer).writerows(rows)
    return Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def pounds(pence: int) -> str:
    """Minor units as a plain decimal for spreadsheets: 1234567 → 12345.67 (no float on the way)."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    return f"{sign}{whole}.{part:02d}"


def json_download(document: dict, filename: str) -> Response:
    """A JSON document offered as a file (an OCDS release package)."""
    return Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
