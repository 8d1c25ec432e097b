"""The static files' storage of a release: WhiteNoise's hashed, compressed
files, with each file's URL worked out once per process.

``{% static %}`` asks the storage for a URL on every page; the manifest
storage cleans the name, looks its hashed name up in the manifest, splits,
quotes and joins the URL each time, 1.4 % of a cold page's request thread
(docs/performance.md). The manifest is read when the process starts and
never changes after, so neither does a URL.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Names come from the templates, a few dozen; the bound only keeps a
# mistake from growing the memo without end.
URLS_KEPT = 512


# WhiteNoise ships no types.
class ConsoleStaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    """CompressedManifestStaticFilesStorage whose ``url()`` is memoised."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: Any, force: bool = False) -> str:
        # ``force``, and DEBUG (where Django gives the unhashed name), are
        # answered as Django answers them; a missing file raises each time.
        if force or settings.DEBUG:
            return str(super().url(name, force))
        url = self._urls.get(name)
        if url is None:
            url = str(super().url(name))
            if len(self._urls) < URLS_KEPT:
                self._urls[name] = url
        return url
