"""Finding items across all notes: case-insensitive substring search (casefold works for
Chinese and English alike), narrowed by field, dates and tags. Pure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dairly.records import Item, NoteRecord


@dataclass(frozen=True)
class Match:
    record: NoteRecord
    item: Item
    where: tuple[str, ...]  # what matched: "title", "url" or field names

    def to_json(self) -> dict:
        return {
            "date": self.record.date.isoformat(),
            "note": self.record.path,
            "number": self.item.number,
            "title": self.item.title,
            "url": self.item.url,
            "stars": self.item.stars,
            "matched": list(self.where),
            "fields": {f.name or "text": f.value for f in self.item.fields},
        }


def _haystacks(item: Item) -> list[tuple[str, str]]:
    found = [("title", item.title)]
    if item.url:
        found.append(("url", item.url))
    found.extend((f.name or "text", f.value) for f in item.fields)
    return found


def search(
    records: list[NoteRecord],
    query: str,
    *,
    field: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    tag: str | None = None,
) -> list[Match]:
    needle = query.casefold()
    want_field = field.casefold() if field else None
    want_tag = tag.casefold() if tag else None
    matches = []
    for record in records:
        if record.draft or (since and record.date < since) or (until and record.date > until):
            continue
        if want_tag is not None and want_tag not in (t.casefold() for t in record.tags):
            continue
        for item in record.items:
            where = tuple(
                name
                for name, text in _haystacks(item)
                if (want_field is None or name.casefold() == want_field) and needle in text.casefold()
            )
            if where:
                matches.append(Match(record, item, where))
    return matches
