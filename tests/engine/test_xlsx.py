"""The standard-library .xlsx reader: values of shared, inline and rich text, numbers, empty
cells, sheets found through workbook.xml and its relationships, and hostile workbooks refused."""

import re
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from footprint_plugin.engine.errors import MrioFileError
from footprint_plugin.engine.mrio.archive import MrioSource
from footprint_plugin.engine.mrio.xlsx import read_sheets

ROOT = Path(__file__).resolve().parents[2]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"


def workbook_parts(sheets, strings=(), targets=None):
    """The XML parts of a minimal .xlsx: ``sheets`` maps a sheet name to its <sheetData> XML."""
    targets = targets or {name: f"worksheets/sheet{i + 1}.xml" for i, name in enumerate(sheets)}
    entries = "".join(
        f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
        for i, name in enumerate(sheets)
    )
    relations = "".join(
        f'<Relationship Id="rId{i + 1}" Type="{RELATIONS}/worksheet" Target="{targets[name]}"/>'
        for i, name in enumerate(sheets)
    )
    relations += f'<Relationship Id="rIdS" Type="{RELATIONS}/sharedStrings" Target="strings.xml"/>'
    parts = {
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
        f'Type="{RELATIONS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONS}"><sheets>{entries}'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE}">{relations}'
        "</Relationships>",
        "xl/strings.xml": f'<sst xmlns="{MAIN}">{"".join(strings)}</sst>',
    }
    for name, data in sheets.items():
        part = "xl/" + targets[name].lstrip("/").removeprefix("xl/")
        parts[part] = f'<worksheet xmlns="{MAIN}"><sheetData>{data}</sheetData></worksheet>'
    return parts


def write_zip(path, parts):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def read(path, *names):
    with MrioSource(path.parent) as source:
        return read_sheets(source, PurePosixPath(path.name), names)


def test_shared_inline_and_rich_strings_numbers_and_empty_cells(tmp_path):
    strings = [
        "<si><t>label</t></si>",
        "<si><r><t>rich </t></r><r><rPr/><t>text</t></r><rPh><t>phonetic</t></rPh></si>",
        '<si><t xml:space="preserve"> spaced </t></si>',
    ]
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c>'
        '<c r="C1" t="inlineStr"><is><t>inline</t></is></c></row>'
        '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"/><c r="C2"><v>7</v></c></row>'
        '<row r="3"><c r="A3"></c><c r="B3" t="s"/></row>'  # no value anywhere: left out
        '<row r="5"><c r="A5" t="s"><v>2</v></c><c r="C5"><v>1.5E-3</v></c>'
        '<c r="D5" t="b"><v>1</v></c><c r="E5" t="str"><v>from a formula</v></c></row>'
        '<row><c t="inlineStr"><is><r><t>no </t></r><r><t>reference</t></r></is></c>'
        "<c><v>-2.25</v></c></row>"
    )
    path = write_zip(tmp_path / "book.xlsx", workbook_parts({"Data": rows}, strings))
    sheet = read(path, "Data")["Data"]
    assert sheet.rows == (
        {0: "label", 2: "inline"},
        {0: "rich text", 2: 7},
        {0: " spaced ", 2: 0.0015, 3: True, 4: "from a formula"},
        {0: "no reference", 1: -2.25},
    )
    assert sheet.column("label") == ["rich text", " spaced ", "no reference"]
    assert sheet.column("inline") == [7, 0.0015, None]
    assert isinstance(sheet.column("inline")[0], int)


def test_sheets_are_found_by_name_through_the_relationships(tmp_path):
    parts = workbook_parts(
        {
            "Read me": '<row r="1"><c r="A1"><v>1</v></c></row>',
            "Regions": '<row r="1"><c r="B1"><v>2</v></c></row>',
        },
        targets={"Read me": "/xl/worksheets/z.xml", "Regions": "worksheets/a.xml"},
    )
    sheets = read(write_zip(tmp_path / "book.xlsx", parts), "Regions", "Read me")
    assert sheets["Regions"].rows == ({1: 2},) and sheets["Read me"].rows == ({0: 1},)


def test_the_fixture_readme_written_by_openpyxl():
    readme = ROOT / "tests" / "data" / "gloria" / "GLORIA_ReadMe_059.xlsx"
    sheets = read(readme, "Regions", "Satellites")
    assert sheets["Regions"].column("Region_acronyms") == ["AUS", "CHN", "DYE", "USA"]
    assert sheets["Regions"].column("Lfd_Nr") == [1, 2, 3, 4]
    assert sheets["Satellites"].column("Sat_unit") == ["kt", "kt", "kt", "TJ", "1000 ha", "TJ"]


def test_a_workbook_inside_a_zip_is_read_in_place(tmp_path):
    book = write_zip(tmp_path / "book.xlsx", workbook_parts({"S": "<row><c><v>3</v></c></row>"}))
    with zipfile.ZipFile(tmp_path / "outer.zip", "w") as outer:
        outer.write(book, "release/book.xlsx")
    with MrioSource(tmp_path / "outer.zip") as source:
        sheets = read_sheets(source, PurePosixPath("release/book.xlsx"), ["S"])
    assert sheets["S"].rows == ({0: 3},)


def test_a_missing_sheet_or_column_is_named(tmp_path):
    path = write_zip(
        tmp_path / "book.xlsx", workbook_parts({"Regions": "<row><c><v>1</v></c></row>"})
    )
    with pytest.raises(MrioFileError, match=r"book\.xlsx has no sheet 'Satellites'.*'Regions'"):
        read(path, "Satellites")
    with pytest.raises(MrioFileError, match=r"sheet 'Regions' of .*book\.xlsx has no column 'Sat'"):
        read(path, "Regions")["Regions"].column("Sat")


def test_a_member_named_outside_the_workbook_is_refused(tmp_path):
    parts = workbook_parts({"S": "<row/>"})
    parts["../../evil.xml"] = "<x/>"
    path = write_zip(tmp_path / "book.xlsx", parts)
    with pytest.raises(MrioFileError, match="points outside the archive"):
        read(path, "S")


def test_a_part_with_a_dtd_is_refused(tmp_path):
    parts = workbook_parts({"S": "<row/>"})
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    parts["xl/strings.xml"] = bomb + f'<sst xmlns="{MAIN}"><si><t>&b;</t></si></sst>'
    with pytest.raises(MrioFileError, match=r"strings\.xml in .*book\.xlsx declares a DTD"):
        read(write_zip(tmp_path / "book.xlsx", parts), "S")


@pytest.mark.parametrize(
    "cell, problem",
    [
        ('<c r="A1" t="s"><v>9</v></c>', "cell A1 of type 's' holding '9'"),
        ('<c r="A1"><v>seven</v></c>', "cell A1 of type 'n' holding 'seven'"),
        ('<c r="A0x"><v>1</v></c>', "cell at 'A0x'"),
    ],
)
def test_damaged_cells_are_refused(tmp_path, cell, problem):
    path = write_zip(tmp_path / "book.xlsx", workbook_parts({"S": f"<row>{cell}</row>"}))
    with pytest.raises(
        MrioFileError, match=rf"sheet 'S' of .*book\.xlsx has a {re.escape(problem)}"
    ):
        read(path, "S")


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    (tmp_path / "book.xlsx").write_text("Region_acronyms\nAUS\n")
    with pytest.raises(MrioFileError, match=r"book\.xlsx is neither a folder nor a zip archive"):
        read(tmp_path / "book.xlsx", "S")
