"""A model of Python's `re` engine that counts its steps, so a test can tell how the work of
a regular expression grows with its input without a clock.

`re` is a backtracking engine: it tries a pattern's alternatives and repetitions in order
and goes back on failure, with no memory of what failed, and `search` (as `finditer`,
`sub`, `findall`, `split`) starts again at every position. The model does the same on the
parse tree `re` itself makes, one step per node tried and per character tested (a run of
one character class at a time, as `re` runs it), so its count grows as `re`'s work does:
linearly for a linear pattern, with the square or the cube for one that backtracks or
that scans to the end from every start. Every answer it gives is compared with `re`'s
(`Counted`), so the model is held to the engine it stands for on every input it measures.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

try:  # Python 3.11 and later
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover (3.10)
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

Cont = Callable[[int], "int | None"]
Node = Callable[[int, Cont], "int | None"]

_SINGLE = {sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)} - {None}


class TooMuchWork(Exception):
    """The count passed the model's budget: the pattern is far from linear here."""


def _one(ch: str, *, upper: bool) -> str:
    other = ch.upper() if upper else ch.lower()
    return other if len(other) == 1 else ch


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _category(code: Any) -> Callable[[str], bool]:
    tests: dict[Any, Callable[[str], bool]] = {
        sre.CATEGORY_DIGIT: str.isdecimal,
        sre.CATEGORY_NOT_DIGIT: lambda c: not c.isdecimal(),
        sre.CATEGORY_SPACE: str.isspace,
        sre.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
        sre.CATEGORY_WORD: _is_word,
        sre.CATEGORY_NOT_WORD: lambda c: not _is_word(c),
    }
    return tests[code]


class Model:
    """One compiled pattern, run as `re` runs it, counting steps in `self.steps`."""

    def __init__(self, pattern: re.Pattern[str], budget: int = 20_000_000) -> None:
        self.pattern = pattern
        self.budget = budget
        self.steps = 0
        self.text = ""
        self.marks: list[int] = []
        self.root = self._sequence(list(sre_parse.parse(pattern.pattern, pattern.flags)), pattern.flags)

    # -- compiling the parse tree to matchers: node(pos, k) -> end of the whole match or None

    def _step(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > self.budget:
            raise TooMuchWork(self.pattern.pattern)

    def _predicate(self, op: Any, av: Any, flags: int) -> Callable[[str], bool]:
        fold = bool(flags & re.IGNORECASE)
        if op is sre.ANY:
            return (lambda c: True) if flags & re.DOTALL else (lambda c: c != "\n")
        if op in (sre.LITERAL, sre.NOT_LITERAL):
            want = chr(av)
            same = (lambda c: _one(c, upper=False) == _one(want, upper=False)) if fold else (lambda c: c == want)
            return same if op is sre.LITERAL else (lambda c: not same(c))
        tests: list[Callable[[str], bool]] = []
        negate = False
        for item, value in av:
            if item is sre.NEGATE:
                negate = True
            elif item is sre.LITERAL:
                tests.append(lambda c, v=value: ord(c) == v)
            elif item is sre.RANGE:
                tests.append(lambda c, lo=value[0], hi=value[1]: lo <= ord(c) <= hi)
            elif item is sre.CATEGORY:
                tests.append(_category(value))
            else:  # pragma: no cover
                raise NotImplementedError(item)

        def member(c: str) -> bool:
            forms = {c, _one(c, upper=False), _one(c, upper=True)} if fold else (c,)
            return any(t(f) for f in forms for t in tests)

        return (lambda c: not member(c)) if negate else member

    def _simple(self, items: list[Any]) -> Callable[[str], bool] | None:
        """The one-character test of a repeated item `re` runs as a run (its REPEAT_ONE)."""
        if len(items) != 1:
            return None
        op, av = items[0]
        if op is sre.SUBPATTERN and av[0] is None:
            return self._simple(list(av[-1]))
        return self._predicate(op, av, self.pattern.flags) if op in _SINGLE else None

    def _sequence(self, items: list[Any], flags: int) -> Node:
        nodes = [self._node(op, av, flags) for op, av in items]

        def run(pos: int, k: Cont, i: int = 0) -> int | None:
            if i == len(nodes):
                return k(pos)
            return nodes[i](pos, lambda p: run(p, k, i + 1))

        return run

    def _node(self, op: Any, av: Any, flags: int) -> Node:
        if op in _SINGLE:
            test = self._predicate(op, av, flags)

            def single(pos: int, k: Cont) -> int | None:
                self._step()
                return k(pos + 1) if pos < len(self.text) and test(self.text[pos]) else None

            return single
        if op is sre.SUBPATTERN:
            group, add, remove, items = av
            body = self._sequence(list(items), (flags | add) & ~remove)
            if group is None:
                return body
            return self._group(group, body)
        if op is sre.BRANCH:
            alternatives = [self._sequence(list(alt), flags) for alt in av[1]]

            def branch(pos: int, k: Cont) -> int | None:
                for alt in alternatives:
                    self._step()
                    if (end := alt(pos, k)) is not None:
                        return end
                return None

            return branch
        if op in _REPEATS:
            return self._repeat(op, av, flags)
        if op is sre.AT:
            return self._at(av, flags)
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            return self._assert(op is sre.ASSERT, av, flags)
        if op is getattr(sre, "ATOMIC_GROUP", None):
            inner = self._sequence(list(av), flags)

            def atomic(pos: int, k: Cont) -> int | None:
                self._step()
                end = inner(pos, lambda p: p)
                return None if end is None else k(end)

            return atomic
        if op is sre.GROUPREF:

            def groupref(pos: int, k: Cont) -> int | None:
                start, end = self.marks[2 * av], self.marks[2 * av + 1]
                if start < 0 or end < 0:
                    return None
                self._step(end - start + 1)
                held = self.text[start:end]
                return k(pos + len(held)) if self.text.startswith(held, pos) else None

            return groupref
        if op is sre.GROUPREF_EXISTS:
            group, yes, no = av
            then, otherwise = self._sequence(list(yes), flags), self._sequence(list(no or []), flags)

            def exists(pos: int, k: Cont) -> int | None:
                self._step()
                return (then if self.marks[2 * group + 1] >= 0 else otherwise)(pos, k)

            return exists
        raise NotImplementedError(op)  # pragma: no cover

    def _group(self, group: int, body: Node) -> Node:
        def capture(pos: int, k: Cont) -> int | None:
            old_start, old_end = self.marks[2 * group], self.marks[2 * group + 1]

            def close(p: int) -> int | None:
                was = self.marks[2 * group], self.marks[2 * group + 1]
                self.marks[2 * group], self.marks[2 * group + 1] = pos, p
                if (end := k(p)) is None:
                    self.marks[2 * group], self.marks[2 * group + 1] = was
                return end

            end = body(pos, close)
            if end is None:
                self.marks[2 * group], self.marks[2 * group + 1] = old_start, old_end
            return end

        return capture

    def _repeat(self, op: Any, av: Any, flags: int) -> Node:
        low, high, items = av
        greedy, possessive = op is sre.MAX_REPEAT, op is not sre.MAX_REPEAT and op is not sre.MIN_REPEAT
        test = self._simple(list(items))
        if test is not None:  # a run of one character class: counted out, then given back one at a time

            def run(pos: int, k: Cont) -> int | None:
                text, end = self.text, len(self.text)
                limit = min(end, pos + high)
                if greedy or possessive:
                    at = pos
                    while at < limit and test(text[at]):
                        at += 1
                    self._step(at - pos + 1)
                    if at - pos < low:
                        return None
                    if possessive:
                        return k(at)
                    while at >= pos + low:
                        self._step()
                        if (found := k(at)) is not None:
                            return found
                        at -= 1
                    return None
                at = pos
                while at < pos + low:
                    self._step()
                    if at >= end or not test(text[at]):
                        return None
                    at += 1
                while True:
                    self._step()
                    if (found := k(at)) is not None:
                        return found
                    if at >= limit or not test(text[at]):
                        return None
                    at += 1

            return run
        body = self._sequence(list(items), flags)

        def again(count: int, pos: int, k: Cont) -> int | None:
            self._step()
            if possessive:
                while count < high:
                    end = body(pos, lambda p, start=pos, n=count: p if p != start or n < low else None)
                    if end is None:
                        break
                    count, pos = count + 1, end
                return k(pos) if count >= low else None
            more: Callable[[], int | None] = lambda: (  # noqa: E731
                body(pos, lambda p: None if p == pos and count >= low else again(count + 1, p, k))
                if count < high
                else None
            )
            if not greedy and count >= low:
                return found if (found := k(pos)) is not None else more()
            if (found := more()) is not None:
                return found
            return k(pos) if greedy and count >= low else None

        return lambda pos, k: again(0, pos, k)

    def _at(self, code: Any, flags: int) -> Node:
        lines = bool(flags & re.MULTILINE)

        def at(pos: int, k: Cont) -> int | None:
            self._step()
            text, end = self.text, len(self.text)
            if code is sre.AT_BEGINNING:
                ok = pos == 0 or (lines and text[pos - 1] == "\n")
            elif code is sre.AT_BEGINNING_STRING:
                ok = pos == 0
            elif code is sre.AT_END:
                ok = pos == end or (text[pos] == "\n" and (lines or pos == end - 1))
            elif code is sre.AT_END_STRING:
                ok = pos == end
            elif code in (sre.AT_BOUNDARY, sre.AT_NON_BOUNDARY):
                before = pos > 0 and _is_word(text[pos - 1])
                after = pos < end and _is_word(text[pos])
                ok = (before != after) == (code is sre.AT_BOUNDARY)
            else:  # pragma: no cover
                raise NotImplementedError(code)
            return k(pos) if ok else None

        return at

    def _assert(self, positive: bool, av: Any, flags: int) -> Node:
        direction, items = av
        inner = self._sequence(list(items), flags)
        width = items.getwidth()[0]

        def look(pos: int, k: Cont) -> int | None:
            self._step()
            if direction < 0:
                start = pos - width
                found = start >= 0 and inner(start, lambda p: p if p == pos else None) is not None
            else:
                found = inner(pos, lambda p: p) is not None
            return k(pos) if found == positive else None

        return look

    # -- the Pattern methods -------------------------------------------------------------

    def _at_start(self, start: int, *, full: bool, nonempty_at: int) -> tuple[int, ...] | None:
        self.marks = [-1] * (2 * (self.pattern.groups + 1))
        kept: list[tuple[int, ...]] = []

        def done(p: int) -> int | None:
            if (full and p != len(self.text)) or (p == start == nonempty_at):
                return None
            kept.append((start, p, *self.marks[2:]))
            return p

        self.root(start, done)
        return kept[0] if kept else None

    def _read(self, text: str | bytes, endpos: int | None) -> None:
        """The text as characters (a bytes pattern's bytes one character each), to `endpos`."""
        text = text.decode("latin-1") if isinstance(text, bytes) else text
        self.text = text if endpos is None else text[:endpos]

    def _searches(self, text: str | bytes, pos: int, endpos: int | None) -> Iterator[tuple[int, ...]]:
        self._read(text, endpos)
        at, nonempty_at = pos, -1
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 100_000))
        try:
            while at <= len(self.text):
                self._step()
                found = self._at_start(at, full=False, nonempty_at=nonempty_at)
                if found is None:
                    at += 1
                    continue
                yield found
                at, nonempty_at = found[1], found[1]
        finally:
            sys.setrecursionlimit(limit)

    def match(
        self, text: str | bytes, pos: int = 0, endpos: int | None = None, *, full: bool = False
    ) -> tuple[int, ...] | None:
        self._read(text, endpos)
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 100_000))
        try:
            return self._at_start(pos, full=full, nonempty_at=-1)
        finally:
            sys.setrecursionlimit(limit)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> tuple[int, ...] | None:
        return next(self._searches(text, pos, endpos), None)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, ...]]:
        return list(self._searches(text, pos, endpos))


def _spans(m: re.Match[str] | None) -> tuple[int, ...] | None:
    return None if m is None else tuple(x for span in m.regs for x in span)


class Counted:
    """A stand-in for a compiled pattern: each call answers as `re` does (its own answer,
    checked against the model's) and adds the model's steps to `steps`."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.counted = 0
        self.rebind(pattern)

    def rebind(self, pattern: re.Pattern[str]) -> Counted:
        """Stand in for another pattern from now on, the steps counted so far kept (for one
        that a function compiles as it runs)."""
        self.counted += getattr(self, "model", Model(pattern)).steps
        self.compiled = pattern
        self.model = Model(pattern)
        self.pattern, self.flags, self.groups = pattern.pattern, pattern.flags, pattern.groups
        return self

    @property
    def steps(self) -> int:
        return self.counted + self.model.steps

    def _check(self, got: Any, modelled: Any, call: str, text: str) -> None:
        assert got == modelled, f"the model of {self.pattern!r} answers {call} otherwise on {text[:80]!r}"

    def match(self, text: str, *args: int) -> re.Match[str] | None:
        m = self.compiled.match(text, *args)
        self._check(_spans(m), self.model.match(text, *args), "match", text)
        return m

    def fullmatch(self, text: str, *args: int) -> re.Match[str] | None:
        m = self.compiled.fullmatch(text, *args)
        self._check(_spans(m), self.model.match(text, *args, full=True), "fullmatch", text)
        return m

    def search(self, text: str, *args: int) -> re.Match[str] | None:
        m = self.compiled.search(text, *args)
        self._check(_spans(m), self.model.search(text, *args), "search", text)
        return m

    def finditer(self, text: str, *args: int) -> Iterator[re.Match[str]]:
        found = list(self.compiled.finditer(text, *args))
        self._check([_spans(m) for m in found], self.model.finditer(text, *args), "finditer", text)
        return iter(found)

    def findall(self, text: str, *args: int) -> list[Any]:
        self.finditer(text, *args)
        return self.compiled.findall(text, *args)

    def sub(self, replacement: Any, text: str, count: int = 0) -> str:
        assert count == 0
        self.finditer(text)
        return self.compiled.sub(replacement, text)

    def split(self, text: str, maxsplit: int = 0) -> list[str]:
        assert maxsplit == 0
        self.finditer(text)
        return self.compiled.split(text)
