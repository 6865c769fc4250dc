"""Damaged input files: each is refused with a MrioFileError naming the file, never a traceback.

Binary files, folders where a file is expected, files one may not read, empty files, invalid
JSON, damaged or truncated .zip archives, and CSV MRIOs with only header rows.
"""

import errno
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from footprint_plugin.engine import files
from footprint_plugin.engine.csv_tables import read_csv_rows
from footprint_plugin.engine.errors import MrioFileError
from footprint_plugin.engine.mapping.bands import read_consumer_groups
from footprint_plugin.engine.mapping.concordance import read_concordance
from footprint_plugin.engine.mrio.csv_format import read_emissions_csv
from footprint_plugin.engine.mrio.pymrio_format import read_pymrio
from footprint_plugin.engine.mrio.readers import read_mrio
from footprint_plugin.engine.mrio.text_tables import RowCountError

TEST_MRIO = Path(__file__).resolve().parents[2] / "tests" / "data" / "test_mrio"
BINARY = bytes(range(128, 256)) * 8
"""Bytes that are not UTF-8 (a continuation byte first)."""
CSV_MRIO = {
    "producers.csv": "region,sector\nA,farm\nB,farm\n",
    "flows.csv": "from_region,from_sector,to_region,to_sector,value\nA,farm,B,farm,1\n",
    "final_demand.csv": "from_region,from_sector,to_region,category,value\n"
    "A,farm,A,households,3\nB,farm,B,households,4\n",
}
PRODUCERS = pd.MultiIndex.from_tuples([("A", "farm"), ("B", "farm")], names=["region", "sector"])


def refused(call, message, kind=MrioFileError):
    """Run ``call``; it must raise exactly ``kind`` (a MrioFileError) matching ``message``."""
    with pytest.raises(MrioFileError, match=message) as raised:
        call()
    assert raised.type is kind
    return str(raised.value)


def pymrio_folder(tmp_path):
    return Path(shutil.copytree(TEST_MRIO, tmp_path / "mrio"))


def zipped(folder, compression=zipfile.ZIP_DEFLATED):
    """A .zip of ``folder`` next to it, its files under ``mrio/`` as pymrio.archive writes."""
    archive = folder.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w", compression) as zipped_mrio:
        for file in sorted(folder.rglob("*")):
            zipped_mrio.write(file, Path("mrio") / file.relative_to(folder))
    return archive


def as_given(folder, layout):
    """The MRIO to read (the folder or a .zip of it), and the name messages give ``member``."""
    if layout == "folder":
        return folder, lambda member: re.escape(str(folder / member))
    archive = zipped(folder)
    return archive, lambda member: re.escape(f"mrio/{member} in {archive}")


@pytest.mark.parametrize("layout", ["folder", "zip"])
def test_a_binary_table_is_named_as_not_utf8(tmp_path, layout):
    folder = pymrio_folder(tmp_path)
    (folder / "Z.txt").write_bytes(BINARY)
    path, named = as_given(folder, layout)
    refused(lambda: read_mrio(path), named("Z.txt") + r" is not UTF-8 text .* Save it as UTF-8")


@pytest.mark.parametrize(
    ("compression", "damage"),
    [(zipfile.ZIP_STORED, "Bad CRC-32"), (zipfile.ZIP_DEFLATED, "while decompressing data")],
)
def test_a_damaged_zip_member_names_the_zip_and_the_member(tmp_path, compression, damage):
    archive = zipped(pymrio_folder(tmp_path), compression)
    with zipfile.ZipFile(archive) as zipped_mrio:
        member = zipped_mrio.getinfo("mrio/Z.txt")
        start = member.header_offset + 30 + len(member.filename) + len(member.extra)
    data = bytearray(archive.read_bytes())
    data[start + member.compress_size // 10] ^= 0x01 if compression == zipfile.ZIP_STORED else 0xFF
    archive.write_bytes(bytes(data))
    refused(
        lambda: read_mrio(archive),
        re.escape(f"mrio/Z.txt in {archive} is damaged (")
        + f".*{damage}.*Download or copy it again",
    )


def test_a_damaged_member_that_fails_to_parse_is_damaged_not_malformed(tmp_path):
    archive = zipped(pymrio_folder(tmp_path), zipfile.ZIP_STORED)
    with zipfile.ZipFile(archive) as zipped_mrio:
        member = zipped_mrio.getinfo("mrio/Z.txt")
        start = member.header_offset + 30 + len(member.filename) + len(member.extra)
    data = bytearray(archive.read_bytes())
    joined = data.index(b"\n", start + member.compress_size // 2)
    data[joined] = ord("\t")  # two rows become one too long: the parse fails before the CRC
    archive.write_bytes(bytes(data))
    refused(
        lambda: read_mrio(archive),
        re.escape(f"mrio/Z.txt in {archive} is damaged (") + ".*Bad CRC-32",
    )


@pytest.mark.parametrize("layout", ["folder", "zip"])
@pytest.mark.parametrize("member", ["file_parameters.json", "emissions/file_parameters.json"])
def test_invalid_json_is_named_alike_in_a_folder_and_a_zip(tmp_path, layout, member):
    folder = pymrio_folder(tmp_path)
    (folder / member).write_text('{"files": ')
    path, named = as_given(folder, layout)
    refused(
        lambda: read_mrio(path),
        named(member) + r" is not valid JSON \(Expecting value.*\)\. Re-save the MRIO",
    )


@pytest.mark.parametrize(
    ("header_only", "message"),
    [
        (["producers.csv", "flows.csv", "final_demand.csv"], "producers.csv lists no producers"),
        (["final_demand.csv"], "final_demand.csv holds no final demand"),
    ],
)
def test_a_csv_mrio_with_only_header_rows_is_refused(tmp_path, header_only, message):
    for name, text in CSV_MRIO.items():
        (tmp_path / name).write_text(text.splitlines()[0] + "\n" if name in header_only else text)
    refused(lambda: read_mrio(tmp_path), re.escape(str(tmp_path / message)) + ".*Add one row")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("Z.txt", r" ends after 0 rows of numbers, but 48 rows x 48 columns .* truncated"),
        ("Y.txt", " holds column labels but no rows"),
    ],
)
def test_a_pymrio_table_with_only_header_rows_is_refused(tmp_path, table, message):
    """Z is square: its header says how many rows it lacks; Y's rows are counted."""
    folder = pymrio_folder(tmp_path)
    lines = (folder / table).read_text().splitlines(keepends=True)
    (folder / table).write_text("".join(lines[:3]))
    refused(lambda: read_mrio(folder), re.escape(str(folder / table)) + message, RowCountError)


@pytest.mark.parametrize("reader", [read_mrio, read_pymrio])
def test_a_truncated_zip_is_damaged_not_a_folder(tmp_path, reader):
    archive = zipped(pymrio_folder(tmp_path))
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    message = refused(
        lambda: reader(archive),
        re.escape(str(archive)) + r" is damaged .* corrupt or incomplete\. Download or copy it",
    )
    assert "is not an MRIO" not in message


def pymrio_table(tmp_path):
    folder = pymrio_folder(tmp_path)
    return folder / "Z.txt", lambda: read_mrio(folder)


def csv_mrio_table(tmp_path):
    for name, text in CSV_MRIO.items():
        (tmp_path / name).write_text(text)
    return tmp_path / "flows.csv", lambda: read_mrio(tmp_path)


def side_table(text, read):
    def setup(tmp_path):
        path = tmp_path / "table.csv"
        path.write_text(text)
        return path, lambda: read(path)

    return setup


READERS = {
    "pymrio Z.txt": pymrio_table,
    "CSV MRIO flows.csv": csv_mrio_table,
    "emissions": side_table(
        "region,sector,emissions\nA,farm,1\n", lambda path: read_emissions_csv(path, PRODUCERS)
    ),
    "concordance": side_table(
        "inventory_sector,mrio_sector,weight\n1A,farm,1\n",
        lambda path: read_concordance(path, ["farm"]),
    ),
    "consumer groups": side_table("mrio_region,group\nA,G\n", read_consumer_groups),
    "csv rows": side_table("band,sector\n1,farm\n", lambda path: read_csv_rows(path, "TABLE")),
}


@pytest.mark.parametrize("reader", READERS)
def test_a_binary_file_is_named_as_not_utf8(tmp_path, reader):
    path, read = READERS[reader](tmp_path)
    path.write_bytes(BINARY)
    refused(read, re.escape(str(path)) + r" is not UTF-8 text \(byte 0 cannot be decoded")


@pytest.mark.parametrize("reader", READERS)
def test_a_folder_where_a_file_is_expected_is_named(tmp_path, reader):
    path, read = READERS[reader](tmp_path)
    path.unlink()
    path.mkdir()
    refused(read, re.escape(str(path)) + " is a folder, not a file")


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("error", "message"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "cannot be read: permission denied"),
        (OSError(errno.EIO, "Input/output error"), r"cannot be read \(Input/output error\)"),
    ],
)
def test_an_unreadable_file_is_named(tmp_path, monkeypatch, reader, error, message):
    path, read = READERS[reader](tmp_path)

    def unreadable(file, *args, **kwargs):
        if Path(file) == path:
            raise error
        return open(file, *args, **kwargs)

    monkeypatch.setattr(files, "open", unreadable, raising=False)
    refused(read, re.escape(str(path)) + " " + message)


EMPTY = {
    "pymrio Z.txt": "Z.txt has empty or missing column labels",
    "CSV MRIO flows.csv": "flows.csv is empty. Give it a header row",
    "emissions": "table.csv is empty. Give it a header row",
    "concordance": "table.csv must be a CSV with a header row .* missing: inventory_sector",
    "consumer groups": "table.csv must be a CSV with a header row .* missing: mrio_region",
}


@pytest.mark.parametrize("reader", READERS)
def test_an_empty_file_is_named(tmp_path, reader):
    path, read = READERS[reader](tmp_path)
    path.write_bytes(b"")
    if reader == "csv rows":
        assert read() == ([], [])  # no rows and no header: each caller says what it lacks
    else:
        refused(read, re.escape(str(path.parent)) + ".*" + EMPTY[reader])


def test_an_intact_but_malformed_zip_member_is_malformed(tmp_path):
    """A zip member that is intact but not a table (a row with a cell too many) is reported as
    such, naming the member in the zip."""
    folder = pymrio_folder(tmp_path)
    lines = (folder / "Z.txt").read_text().splitlines(keepends=True)
    lines[5] = lines[5].rstrip("\n") + "\t1\n"
    (folder / "Z.txt").write_text("".join(lines))
    archive = zipped(folder)
    refused(
        lambda: read_mrio(archive),
        re.escape(f"mrio/Z.txt in {archive} cannot be read as a table"),
    )
