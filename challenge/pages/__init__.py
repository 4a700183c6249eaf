"""Plain pages that belong to no package: the accessibility statement and the health check."""
