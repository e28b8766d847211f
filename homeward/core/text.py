"""Text folding for search: case-, accent- and punctuation-insensitive keys."""

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
# Letters that do not decompose into a base letter plus a combining mark.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i"})


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces.

    'Aïssatou  N'Diaye' -> 'aissatou n diaye'
    """
    if not text:
        return ""
    lowered = unicodedata.normalize("NFKD", text.casefold()).translate(_SPECIAL)
    stripped = "".join(ch for ch in lowered if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", stripped).split())


def search_tokens(query: str) -> list[str]:
    return fold(query).split()
