"""Store URLs that never carry or show credentials.

A Neo4j URI with user-info (``scheme://user:password@host``) is refused, whatever characters the
password holds: a ``/``, ``?``, ``#`` or ``%`` in it moves the ``@`` out of what a URL parser calls the
authority, so the check does not rely on parsing alone. A store URI holds no ``@`` otherwise, so any
``@`` after the scheme counts as user-info. The refusal never repeats the URI, and :func:`shown`
gives the form of a URL that messages may print.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from valuenet.errors import StoreConnectionError

CREDENTIALS_MESSAGE = (
    "the Neo4j URI holds credentials. Remove them from the URI and set NEO4J_USERNAME and NEO4J_PASSWORD instead."
)

#: A URL's scheme and its slashes; one slash too (``bolt:/u:p@h`` is a mistyped URI, not a file), but not a
#: one-letter drive (``C:/data``).
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]+):/+")


def has_user_info(url: str) -> bool:
    """True when ``url`` (``scheme://...``) holds user-info, or anything that may be part of it.

    >>> [has_user_info(u) for u in ["bolt://h:7687", "bolt://u:p/w@h:7687", "neo4j://u:p%40x@h", "bolt:/u:p@h"]]
    [False, True, True, True]
    """
    scheme = _SCHEME.match(url)
    if scheme is None:
        return False
    rest = url[scheme.end() :]
    if "@" in rest:  # anywhere: a password with '/', '?' or '#' pushes its '@' past the authority
        return True
    try:
        parts = urlsplit(url)
        return parts.username is not None or parts.password is not None or "@" in parts.netloc
    except ValueError:  # not parseable as a URL: nothing to show of it either way
        return True


def refuse_credentials(url: str) -> None:
    """Raise :class:`StoreConnectionError` (without repeating ``url``) when it holds user-info."""
    if has_user_info(url):
        raise StoreConnectionError(CREDENTIALS_MESSAGE)


def shown(url: str) -> str:
    """``url`` as a message may print it: without user-info (everything up to the last ``@`` after the scheme).

    >>> shown("bolt://u:p/w@h:7687"), shown("neo4j://h"), shown("valuenet.db")
    ('bolt://h:7687', 'neo4j://h', 'valuenet.db')
    """
    scheme = _SCHEME.match(url)
    if scheme is None or "@" not in url[scheme.end() :]:
        return url
    return url[: scheme.end()] + url.rpartition("@")[2]


__all__ = ["CREDENTIALS_MESSAGE", "has_user_info", "refuse_credentials", "shown"]
