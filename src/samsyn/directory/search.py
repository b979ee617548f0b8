"""The directory's search text: what an organisation is found by, folded in Python.

SQLite's LIKE (and so Django's `icontains`) ignores case for ASCII letters only, so
"åkerström" never finds "Åkerströms Snickeri AB" there; PostgreSQL's ILIKE and UPPER
follow the database's locale. So the folding is done here, in Python, the same way for
the stored text and for the query, and the database only compares folded strings with
a plain `contains`: the result is the same on both databases, whatever the collation.

`Organisation.search_text` holds the folded name, the organisationsnummer (digits) and
the names of the active contact persons, one per line. The directory services keep it
(services/_common.refresh_search_text) whenever one of them changes; migration
directory/0002 filled it for the rows that existed before.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# A query that is only an organisationsnummer, perhaps written with a space or hyphen.
_NUMBER_QUERY = re.compile(r"[0-9][0-9 -]{4,}[0-9]", re.ASCII)
_NUMBER_WORD = re.compile(r"[0-9][0-9-]*[0-9]", re.ASCII)


def fold(text: str) -> str:
    """`text` without case or Unicode form differences: NFKC, casefolded ("Å" and the
    decomposed "A" + ring are both "å"; "ß" is "ss"), spaces collapsed."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())


def organisation_search_text(name: str, org_number: str, contact_names: Iterable[str]) -> str:
    """The stored search text of an organisation (one field per line, so that no query
    word, which never holds a line break, can match across two fields)."""
    parts = [name, org_number, *sorted(contact_names, key=fold)]
    return "\n".join(filter(None, (fold(part) for part in parts)))


def query_terms(query: str) -> list[str]:
    """The words an organisation's search text must all contain.

    A query that is an organisationsnummer ("556036-0793", "556036 0793") is one term of
    its digits; otherwise each word is a term, and a number word loses its hyphens.
    """
    query = query.strip()
    if _NUMBER_QUERY.fullmatch(query):
        return [re.sub(r"[ -]", "", query)]
    terms: list[str] = []
    for word in fold(query).split():
        if _NUMBER_WORD.fullmatch(word):
            word = word.replace("-", "")
        if word not in terms:
            terms.append(word)
    return terms
