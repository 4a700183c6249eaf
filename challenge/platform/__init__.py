"""Cross-cutting records: the audit log and the outbox."""
