"""English for messages: a count with its noun in the right number, and a noun with its article."""

from __future__ import annotations

_VOWEL_SOUND = tuple("aeiou")
# Words whose first letter misleads: a vowel letter with a consonant sound, or a silent h.
_ARTICLE_EXCEPTIONS = {
    "one": "a", "unit": "a", "uni": "a", "use": "a", "euro": "a", "hour": "an", "honest": "an"
}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` with ``noun`` in the number it takes: ``plural(1, "warning")`` is "1 warning",
    ``plural(2, "warning")`` "2 warnings", ``plural(0, "warning")`` "0 warnings"; ``many`` is the
    plural where adding "s" is wrong (``plural(2, "query", "queries")``)."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def article(noun: str) -> str:
    """``noun`` with "a" or "an" before it, by its first sound: "an evidence status", "a harm",
    "a unit" (a vowel letter that sounds as a consonant), "an hour"."""
    first = noun.split(" ", 1)[0].lower()
    for start, chosen in _ARTICLE_EXCEPTIONS.items():
        if first.startswith(start):
            return f"{chosen} {noun}"
    return f"{'an' if first.startswith(_VOWEL_SOUND) else 'a'} {noun}"
