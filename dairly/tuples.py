"""Named-tuple records declared like typing.NamedTuple, without importing typing.

`dairly check` runs on every commit, and importing typing (with contextlib and its own
machinery) is ~2.5 ms of a ~20 ms check. `@record` turns a class with annotated fields into
a collections.namedtuple subclass with the same fields, defaults, methods and docstring:

    @record
    class Problem:
        path: str
        line: int | None = None

        def __str__(self) -> str: ...

Records are tuples: cheap to make by the ten thousand, immutable, unpackable.
"""

from __future__ import annotations

from collections import namedtuple

_NOT_COPIED = {"__dict__", "__weakref__", "__module__", "__qualname__"}


def record(cls: type) -> type:
    """The namedtuple version of `cls`: its annotated names are the fields, in order; class
    attributes with those names are their defaults (trailing ones only, as in a signature);
    everything else (methods, properties, the docstring) is copied over, as typing does."""
    fields = list(cls.__annotations__)  # the class's own: records derive from object only
    defaults = [cls.__dict__[name] for name in fields if name in cls.__dict__]
    if any(name in cls.__dict__ for name in fields[: len(fields) - len(defaults)]):
        raise TypeError(f"{cls.__name__}: fields with defaults must come after those without")
    made = namedtuple(cls.__name__, fields, defaults=defaults, module=cls.__module__)
    for name, value in cls.__dict__.items():
        if name not in _NOT_COPIED and name not in fields:
            setattr(made, name, value)
    made.__qualname__ = cls.__qualname__
    return made
