"""Input URLs marked undownloadable (`POST /__mock/undownloadable`): a task that uses one fails to download it."""

from __future__ import annotations

import threading


class DownloadMarks:
    """The set of http(s) URLs whose download the twin makes fail."""

    def __init__(self) -> None:
        self._urls: set[str] = set()
        self._lock = threading.Lock()

    def add(self, url: str) -> None:
        """Make downloads of `url` fail from now on."""
        with self._lock:
            self._urls.add(url)

    def clear(self) -> None:
        """Forget every mark."""
        with self._lock:
            self._urls.clear()

    def __contains__(self, url: object) -> bool:
        return url in self._urls

    def listed(self) -> list[str]:
        """Every marked URL, sorted."""
        return sorted(self._urls)
