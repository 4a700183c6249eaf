"""Benchmark (`python -m bench.run`) and deadline rush (`python -m bench.rush`): commands, not tests.

Both run only against 127.0.0.1, bound every loop in time and count, and remove what they started.
"""
