"""Problem definition: the diagnoses seekers keep, and the challenge drafts started from them."""
