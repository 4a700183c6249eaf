"""Words that depend on a number: `1 entry`, `2 entries`, `1 challenge matches`, `3 challenges match`.

Pages, emails and flash messages use these rather than writing "entry(s)" or `'s' if n != 1`."""
from __future__ import annotations

_IRREGULAR = {"entry": "entries", "person": "people", "criterion": "criteria", "is": "are", "has": "have",
              "was": "were", "match": "match", "matches": "match", "this": "these", "it": "they"}


def plural_of(word: str) -> str:
    """The plural of one of our nouns: the few irregular ones by name, then English's usual endings."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def word_for(n: int, singular: str, plural: str | None = None) -> str:
    """The word alone, agreeing with n: word_for(1, "entry") is "entry", word_for(0, "entry") "entries"."""
    return singular if n == 1 else (plural or plural_of(singular))


def count(n: int, singular: str, plural: str | None = None) -> str:
    """`1 entry`, `2 entries`, `1,200 entries`: the number (with thousands separators) and the word."""
    return f"{n:,} {word_for(n, singular, plural)}"
