"""Task and request ids: UUID-shaped, reproducible under `--seed`."""

from __future__ import annotations

import itertools
import os
import random
import threading

_V4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))  # version nibble and variant bits
_V4_SET = (0x4000 << 64) | (0x8000 << 48)  # version 4, RFC 4122 variant


class Ids:
    """Fresh ids and reproducible random factors (one seeded sequence per twin under `--seed`)."""

    def __init__(self, seed: int | None, epoch: int = 0) -> None:
        """`epoch` counts the starts of a persistent store: each restart draws a new seeded sequence."""
        if seed is None:
            self._rng: random.Random | None = None
            # ids need to be unique, not secret (a task is only ever shown to its own account): a generator
            # seeded from the OS once costs a tenth of an os.urandom call on every request
            self._fast = random.Random(os.urandom(32))
        else:
            self._rng = random.Random(seed if epoch == 0 else f"{seed}/{epoch}")
        self._lock = threading.Lock()
        first = self.uuid()
        self._prefix = first[:24]  # 8-4-4-4- with the version and variant of a UUID 4
        self._serial = itertools.count(int(first[24:], 16))

    def request_id(self) -> str:
        """A request id: UUID 4-shaped and unique per twin, made for every request, so cheaper than `uuid`: a
        random prefix drawn at start (each process and restart draws its own) and a serial in the last group."""
        return f"{self._prefix}{next(self._serial) & 0xFFFFFFFFFFFF:012x}"

    def uuid(self, fresh: bool = False) -> str:
        """A fresh lowercase 8-4-4-4-12 id, UUID version 4 (formatted by hand: it is on every request).

        `fresh` draws from the OS even under a seed (the last resort when seeded ids keep colliding).
        """
        if fresh:
            bits = int.from_bytes(os.urandom(16))
        elif self._rng is None:
            bits = self._fast.getrandbits(128)  # one C call under the GIL: no lock needed
        else:
            with self._lock:
                bits = self._rng.getrandbits(128)
        h = ((bits & _V4_CLEAR) | _V4_SET).to_bytes(16).hex()  # twice as fast as a :032x format
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def jitter(self, low: float, high: float) -> float:
        """A reproducible random factor in [low, high]."""
        if self._rng is None:
            return random.uniform(low, high)
        with self._lock:
            return self._rng.uniform(low, high)
