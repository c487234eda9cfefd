"""Korean-friendly text search over the directory.

Everything searchable about a service is stored once, normalised: NFKC, lower case, with spaces and
punctuation removed. A query is normalised the same way and split on spaces; every word must occur. So
"가정폭력 상담" finds "가정폭력상담소" (spacing variants) and "아동보호" finds "제주아동보호전문기관"
(partial words). On PostgreSQL a trigram index serves these `LIKE '%…%'` look-ups.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Q

_REMOVED = re.compile(r"[\s\-·・,.()\[\]/:;|'\"“”‘’!?]+")


def normalize(text: str) -> str:
    return _REMOVED.sub("", unicodedata.normalize("NFKC", text).lower())


def query_words(query: str) -> list[str]:
    words = [normalize(word) for word in unicodedata.normalize("NFKC", query).split()]
    return [word for word in words if word]


def text_filter(query: str, field: str = "search_text") -> Q:
    """Every word of the query occurs in the field (so does the query without its spaces, then)."""
    words = query_words(query)
    if not words:
        return Q()
    every_word = Q()
    for word in words:
        every_word &= Q(**{f"{field}__contains": word})
    return every_word


def search_text(parts: Iterable[str]) -> str:
    """The stored search text: normalised parts separated by a character no query contains."""
    return "|".join(normalize(part) for part in parts if part)
