"""Records: the named tuples dairly's values are made of, declared like typing.NamedTuple
(which `Record` is):

    class Problem(Record):
        path: str
        line: int | None = None

        def __str__(self) -> str: ...

Records are tuples: cheap to make by the ten thousand, immutable, unpackable.
"""

from __future__ import annotations

from typing import NamedTuple as Record

__all__ = ["Record"]
