"""Data protection in use (UK GDPR): retention that runs by itself, legal holds, subject access, erasure
that keeps the books whole, and the email a person may refuse (one-click unsubscribe)."""
