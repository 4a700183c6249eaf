"""Outgoing webhooks: endpoints an organisation (or the platform, for brokers) registers, and the signed
deliveries written with the change that causes them and sent after commit (docs/api.md, "Webhooks")."""
