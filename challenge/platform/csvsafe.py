"""CSV that spreadsheets open safely: the one writer every download uses.

A cell that starts like a formula (`=HYPERLINK(...)`, `+`, `-`, `@`, a tab or a line break) is run by
Excel, LibreOffice and Google Sheets when the file is opened. Names, titles and reasons come from
users, and so do some headers (a judge's name heads a column of the panel CSV), so every row, the
header included, goes through `cell`.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


def cell(value) -> str:
    """The value as text a spreadsheet shows rather than runs: a formula gets a leading apostrophe.

    Plain numbers (`-12.50`) stay numbers, so amounts and refunds still add up in the sheet.
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


class SafeWriter:
    """A csv.writer whose every row goes through `cell`."""

    def __init__(self, stream: TextIO):
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: TextIO) -> SafeWriter:
    return SafeWriter(stream)
