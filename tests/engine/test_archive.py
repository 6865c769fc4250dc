"""Zips of MRIOs are read in place, and hostile archives are refused before any member is read."""

import zipfile
from pathlib import PurePosixPath

import numpy as np
import pytest

from footprint_plugin.engine.errors import MrioFileError
from footprint_plugin.engine.mrio import archive as archive_module
from footprint_plugin.engine.mrio.archive import MrioSource
from footprint_plugin.engine.mrio.readers import read_mrio


def zip_with(path, members, declared_size=None):
    """A zip of ``members`` (name -> bytes); the last member's central size set if given."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
        if declared_size is not None:
            archive.filelist[-1].file_size = declared_size
    return path


@pytest.mark.parametrize("name", ["../evil.txt", "mrio/../../evil.txt", "/etc/evil.txt", "C:/evil"])
def test_a_member_pointing_outside_the_archive_is_refused(tmp_path, name):
    archive = zip_with(tmp_path / "mrio.zip", {"mrio/Z.txt": b"1", name: b"x"})
    with pytest.raises(MrioFileError, match="points outside the archive"):
        read_mrio(archive)
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["mrio.zip"]


def test_a_member_claiming_an_impossible_size_is_refused(tmp_path):
    archive = zip_with(tmp_path / "bomb.zip", {"Z.txt": b"0\t" * 1000}, declared_size=10**9)
    with pytest.raises(
        MrioFileError, match=r"claims to inflate to 1,000,000,000 bytes .* zip bomb"
    ):
        MrioSource(archive)


def test_a_member_past_the_size_bound_is_refused(tmp_path, monkeypatch):
    """An honest member (random bytes, at deflate's ratio of about 1) larger than the bound."""
    monkeypatch.setattr(archive_module, "MAX_MEMBER_BYTES", 4000)
    data = np.random.default_rng(0).bytes(5000)
    archive = zip_with(tmp_path / "big.zip", {"Z.txt": data})
    with pytest.raises(MrioFileError, match=r"claims to inflate to 5,000 bytes .* zip bomb"):
        MrioSource(archive)
    monkeypatch.setattr(archive_module, "MAX_MEMBER_BYTES", 5000)
    with MrioSource(archive) as source:
        assert list(source.files()) == [PurePosixPath("Z.txt")]


def test_highly_compressible_honest_members_are_read_in_place(tmp_path):
    zeros = b"0\t" * (4 << 20)
    archive = zip_with(tmp_path / "mrio.zip", {"mrio/A.txt": zeros, "mrio/sub/F.txt": b"1"})
    with MrioSource(archive) as source:
        assert sorted(source.files()) == [
            PurePosixPath("mrio/A.txt"),
            PurePosixPath("mrio/sub/F.txt"),
        ]
        with source.open_binary(PurePosixPath("mrio/A.txt")) as member:
            assert member.read() == zeros
        assert source.describe(PurePosixPath("mrio/A.txt")) == f"mrio/A.txt in {archive}"
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["mrio.zip"]


def test_a_folder_is_listed_to_the_depth_asked(tmp_path):
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    for name in ["top.txt", "a/one.txt", "a/b/two.txt", "a/b/c/three.txt"]:
        (tmp_path / name).write_text("1")
    with MrioSource(tmp_path) as source:
        assert [path.as_posix() for path in sorted(source.files(2))] == ["a/one.txt", "top.txt"]
        assert len(list(source.files())) == 3
        assert [entry[0] for entry in source.stamp()] == ["a/b/two.txt", "a/one.txt", "top.txt"]


def test_a_missing_path_and_a_plain_file_are_explained(tmp_path):
    with pytest.raises(MrioFileError, match="does not exist"):
        MrioSource(tmp_path / "missing")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(MrioFileError, match="neither a folder nor a zip archive"):
        MrioSource(tmp_path / "notes.txt")


def test_members_named_with_backslashes_are_read_as_text_and_bytes(tmp_path):
    """Zips made on Windows may name members dir\\file; they are listed and read as dir/file."""
    archive = zip_with(tmp_path / "mrio.zip", {"mrio\\Z.txt": b"1\t2\n"})
    with MrioSource(archive) as source:
        (name,) = source.files()
        assert name == PurePosixPath("mrio/Z.txt")
        with source.open_text(name) as text:
            assert text.read() == "1\t2\n"
        with source.open_binary(name) as data:
            assert data.read() == b"1\t2\n"
