"""The public, read-only JSON API under /api/v1 (issue 15).

Schemas (schemas.py) shape every answer and validate every query string; flask-smorest turns the same
schemas into the OpenAPI 3.1 document (spec.py). Answers come from the packages' own services and queries
(the catalogue, the challenge page's sources, organisations, judging's public winners, the library)."""
