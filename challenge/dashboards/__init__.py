"""The platform-wide dashboards: the broker's over everything, a seeker's over their own organisations."""
