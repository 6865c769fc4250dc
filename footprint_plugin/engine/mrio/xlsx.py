"""The cell values of sheets of an .xlsx workbook, read with the standard library alone.

Debian's QGIS Python has no openpyxl, and GLORIA publishes its labels only in an .xlsx ReadMe.
An .xlsx is a zip of XML parts (ECMA-376 SpreadsheetML), read here through
:class:`~.archive.MrioSource`, so its member names and sizes are checked as any archive's::

    _rels/.rels                   the officeDocument relationship: xl/workbook.xml
    xl/workbook.xml               <sheet name="Regions" r:id="rId1"/> per sheet
    xl/_rels/workbook.xml.rels    <Relationship Id="rId1" Target="worksheets/sheet1.xml"/>,
                                  and the sharedStrings part
    xl/sharedStrings.xml          <si> per string: <t>, or rich-text runs <r><t>
    xl/worksheets/sheet1.xml      <row r="1"><c r="A1" t="s"><v>0</v></c> ...

Only values are read: shared, inline and formula-result text; numbers (int when written
without a point or exponent, as openpyxl gives them); booleans. Styles, dates and formulas are
not interpreted. Rows without any value are left out, as pandas' ``read_excel`` leaves them
out. A part with a DTD (the way to an XML entity bomb) is refused, and parts are bounded in
size.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..errors import MrioFileError
from ..files import reading
from .archive import MrioSource

Cell = str | int | float | bool | None

MAX_PART_BYTES = 256 << 20
"""Largest XML part read: a labels workbook's sheets are a few MB."""

MAX_COLUMNS = 16_384
"""Excel's last column, XFD."""

_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]+)$")


@dataclass(frozen=True)
class Sheet:
    """The rows of a sheet that hold any value, as {column number (0 = A): value}."""

    where: str
    """The sheet as messages name it: sheet 'Regions' of GLORIA_ReadMe_059.xlsx in ..."""
    rows: tuple[dict[int, Cell], ...]

    def column(self, header: str) -> list[Cell]:
        """The values below ``header`` in the first row (None where a cell is empty).

        Raises
        ------
        MrioFileError
            No cell of the first row holds ``header``.
        """
        headers = self.rows[0] if self.rows else {}
        found = [number for number, value in headers.items() if value == header]
        if not found:
            names = ", ".join(repr(value) for value in headers.values()) or "none"
            raise MrioFileError(
                f"The {self.where} has no column {header!r} (its first row holds {names}). "
                "Use the workbook as published."
            )
        return [row.get(found[0]) for row in self.rows[1:]]


def read_sheets(
    source: MrioSource, relative: PurePosixPath, names: Iterable[str]
) -> dict[str, Sheet]:
    """Read the sheets called ``names`` of the .xlsx workbook ``relative`` of ``source``.

    Raises
    ------
    MrioFileError
        The workbook is not an .xlsx (zip) or is damaged, lacks one of the sheets, or holds
        malformed, oversized or DTD-carrying XML; the message names the workbook.
    """
    workbook_name = source.describe(relative)
    with source.open_archive(relative, "an .xlsx workbook") as book:
        workbook = next(
            (
                target
                for _, kind, target in _relationships(book, PurePosixPath(""))
                if kind == "officeDocument"
            ),
            PurePosixPath("xl/workbook.xml"),
        )
        relations = _relationships(book, workbook)
        targets = {identifier: target for identifier, _, target in relations}
        sheets = {
            sheet.get("name"): targets.get(_attribute(sheet, "id"))
            for sheet in _xml(book, workbook).iterfind("{*}sheets/{*}sheet")
        }
        strings = [
            _text(item)
            for _, kind, target in relations
            if kind == "sharedStrings"
            for item in _xml(book, target).iterfind("{*}si")
        ]
        read = {}
        for name in names:
            if sheets.get(name) is None:
                raise MrioFileError(
                    f"{workbook_name} has no sheet {name!r} (its sheets: "
                    f"{', '.join(map(repr, sheets)) or 'none'}). Use the workbook as published."
                )
            where = f"sheet {name!r} of {workbook_name}"
            read[name] = Sheet(where, _rows(_xml(book, sheets[name]), strings, where))
    return read


def _relationships(book: MrioSource, part: PurePosixPath) -> list[tuple[str, str, PurePosixPath]]:
    """(id, type, target part) of each relationship of ``part`` (the package's for ""), from
    its .rels file; the type is the last word of its URI, e.g. "worksheet"."""
    rels = part.parent / "_rels" / f"{part.name}.rels"
    if not book.exists(rels):
        return []
    return [
        (
            relation.get("Id", ""),
            relation.get("Type", "").rpartition("/")[2],
            _target(part.parent, relation.get("Target", "")),
        )
        for relation in _xml(book, rels).iterfind("{*}Relationship")
    ]


def _target(base: PurePosixPath, target: str) -> PurePosixPath:
    """A relationship's target part: absolute from the package root, else relative to base."""
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(str(base), target)
    return PurePosixPath(posixpath.normpath(joined))


def _attribute(element: ElementTree.Element, local_name: str) -> str | None:
    """An attribute by local name whatever its namespace (r:id is namespaced)."""
    for key, value in element.attrib.items():
        if key.rpartition("}")[2] == local_name and key.startswith("{"):
            return value
    return None


def _xml(book: MrioSource, part: PurePosixPath) -> ElementTree.Element:
    name = book.describe(part)
    if not book.exists(part):
        raise MrioFileError(
            f"{name} is missing: the workbook is incomplete or not an .xlsx. Download it again."
        )
    with reading(name), book.open_binary(part) as data:
        content = data.read(MAX_PART_BYTES + 1)
    if len(content) > MAX_PART_BYTES:
        raise MrioFileError(
            f"{name} is larger than {MAX_PART_BYTES >> 20} MB, more than a labels workbook "
            "holds. Use the workbook as published."
        )
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise MrioFileError(
            f"{name} declares a DTD, which no .xlsx part has (it is how XML entity bombs are "
            "made). It is refused; use the workbook as published."
        )
    try:
        return ElementTree.fromstring(content)
    except ElementTree.ParseError as error:
        raise MrioFileError(
            f"{name} is not well-formed XML ({error}): the workbook is damaged. Download it again."
        ) from error


def _rows(
    sheet: ElementTree.Element, strings: list[str], where: str
) -> tuple[dict[int, Cell], ...]:
    rows = []
    for row in sheet.iterfind("{*}sheetData/{*}row"):
        values = {}
        column = -1
        for cell in row.iterfind("{*}c"):
            column = _column(cell.get("r"), column + 1, where)
            value = _value(cell, strings, where)
            if value is not None and value != "":
                values[column] = value
        if values:
            rows.append(values)
    return tuple(rows)


def _column(reference: str | None, following: int, where: str) -> int:
    """The 0-based column of a cell reference such as AB12 (the next column if none)."""
    if reference is None:
        return following
    match = _REFERENCE.match(reference)
    number = 0
    for letter in match.group(1) if match else "":
        number = number * 26 + ord(letter) - ord("A") + 1
    if not 1 <= number <= MAX_COLUMNS:
        raise MrioFileError(
            f"The {where} has a cell at {reference!r}, not a cell reference of a sheet. The "
            "workbook is damaged; use it as published."
        )
    return number - 1


def _value(cell: ElementTree.Element, strings: list[str], where: str) -> Cell:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find("{*}is")
        return None if inline is None else _text(inline)
    raw = cell.find("{*}v")
    if raw is None or raw.text is None:
        return None
    text = raw.text
    try:
        if kind == "s":
            return strings[int(text)]
        if kind == "b":
            return text.strip() == "1"
        if kind in ("str", "e", "d"):
            return text
        return float(text) if any(mark in text for mark in ".eE") else int(text)
    except (ValueError, IndexError) as error:
        raise MrioFileError(
            f"The {where} has a cell {cell.get('r', '')} of type {kind!r} holding {text!r}, "
            f"which is not valid there ({error}). The workbook is damaged; use it as published."
        ) from error


def _text(item: ElementTree.Element) -> str:
    """The text of a string item: its <t>, or its rich-text runs' <t> (phonetic runs left out)."""
    parts = []
    for child in item:
        name = child.tag.rpartition("}")[2]
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(run.text or "" for run in child.iterfind("{*}t"))
    return "".join(parts)
