"""Named-tuple records declared like typing.NamedTuple, without importing typing at run time.

`dairly check` runs on every commit, and importing typing is a tenth of a `check` on a
small repository (bench/README.md). A class deriving from Record becomes a
collections.namedtuple subclass with the same fields, defaults, methods and docstring:

    class Problem(Record):
        path: str
        line: int | None = None

        def __str__(self) -> str: ...

Type checkers see typing.NamedTuple itself, so they check records as named tuples.
Records are tuples: cheap to make by the ten thousand, immutable, unpackable.
"""

from __future__ import annotations

from collections import namedtuple

__all__ = ["Record"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:
    _NOT_COPIED = {"__dict__", "__weakref__", "__module__", "__qualname__", "__annotations__"}

    class _RecordType(type):
        def __new__(mcls, name, bases, namespace):
            cls = super().__new__(mcls, name, (), namespace)
            if not bases:  # Record itself
                return cls
            fields = list(cls.__annotations__)
            defaults = [namespace[field] for field in fields if field in namespace]
            if any(field in namespace for field in fields[: len(fields) - len(defaults)]):
                raise TypeError(f"{name}: fields with defaults must come after those without")
            made = namedtuple(name, fields, defaults=defaults, module=namespace.get("__module__"))
            for key, value in namespace.items():
                if key not in _NOT_COPIED and key not in fields:
                    setattr(made, key, value)
            made.__qualname__ = namespace.get("__qualname__", name)
            return made

    class Record(metaclass=_RecordType):
        """Derive from this to declare a record (see the module docstring)."""
