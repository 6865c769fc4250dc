"""The cache of parsed MRIOs: a cached read equals a parse bit for bit, and a cache entry is
never trusted when its MRIO's files changed, when it is incomplete or damaged."""

import mmap
import os
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse

from footprint_plugin.engine.errors import MrioWarning
from footprint_plugin.engine.mrio import cache
from footprint_plugin.engine.mrio.attribution import driven_shares
from footprint_plugin.engine.mrio.cache import clear_cache, read_mrio_cached
from footprint_plugin.engine.mrio.model import build_mrio
from footprint_plugin.engine.mrio.readers import read_mrio

ROOT = Path(__file__).resolve().parents[2]
TEST_MRIO = ROOT / "tests" / "data" / "test_mrio"
CSV_MRIO = {
    # total_output of (A, ELEC) disagrees with Z·1 + Y·1 = 7.5: the read keeps a warning
    "producers.csv": "region,sector,total_output,unit\n"
    "A,ELEC,10,M EUR\nA,STEEL,7,M EUR\nB,ELEC,4,M EUR\nB,STEEL,6.125,M EUR\n",
    "flows.csv": "from_region,from_sector,to_region,to_sector,value\n"
    "A,ELEC,A,STEEL,1.5\nB,STEEL,A,ELEC,0.25\nA,STEEL,B,STEEL,0.125\n",
    "final_demand.csv": "from_region,from_sector,to_region,category,value\n"
    "A,ELEC,A,households,6\nA,STEEL,A,households,2\nA,STEEL,B,government,3\n"
    "B,ELEC,B,households,4\nB,STEEL,B,households,2.5\nB,STEEL,A,government,0.3\n",
    "stressors.csv": "extension,stressor,unit,region,sector,value\n"
    "emissions,CO2,kt,A,ELEC,5\nemissions,CO2,kt,B,STEEL,2\nemissions,CH4,t,A,STEEL,0.5\n"
    "water,blue,m3,B,ELEC,9\n",
    "final_demand_stressors.csv": "extension,stressor,unit,region,category,value\n"
    "emissions,CO2,kt,A,households,1.25\n",
}


def write_csv_mrio(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in CSV_MRIO.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def copy_test_mrio(folder: Path) -> Path:
    shutil.copytree(TEST_MRIO, folder)
    return folder


def zip_test_mrio(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zipped:
        for file in sorted(TEST_MRIO.rglob("*")):
            zipped.write(file, file.relative_to(TEST_MRIO))
    return path


def read(path, folder, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MrioWarning)
        return read_mrio_cached(path, folder=folder, **options)


def parsed(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MrioWarning)
        return read_mrio(path)


def same_bits(first, second) -> bool:
    if scipy.sparse.issparse(first) or scipy.sparse.issparse(second):
        return (
            type(first) is type(second)
            and first.shape == second.shape
            and all(
                same_bits(getattr(first, part), getattr(second, part))
                for part in ("data", "indices", "indptr")
            )
        )
    first, second = np.asarray(first), np.asarray(second)
    return (
        first.dtype == second.dtype
        and first.shape == second.shape
        and (first.tobytes() == second.tobytes())
    )


def assert_same_mrio(first, second):
    """Every array bit for bit, every label (with level names), unit, name and warning."""
    for labels in ("producers", "final_demand_labels"):
        assert getattr(first, labels).equals(getattr(second, labels))
        assert list(getattr(first, labels).names) == list(getattr(second, labels).names)
    for array in ("intermediate_flows", "final_demand", "total_output"):
        assert same_bits(getattr(first, array), getattr(second, array)), array
    assert (first.unit, first.name, first.warnings) == (second.unit, second.name, second.warnings)
    assert list(first.extensions) == list(second.extensions)
    for name, extension in first.extensions.items():
        other = second.extensions[name]
        assert extension.name == other.name
        assert extension.stressors.equals(other.stressors)
        assert list(extension.stressors.names) == list(other.stressors.names)
        assert extension.stressors.dtype == other.stressors.dtype
        assert extension.units == other.units
        assert same_bits(extension.from_producers, other.from_producers)
        assert (extension.from_final_demand is None) == (other.from_final_demand is None)
        if extension.from_final_demand is not None:
            assert same_bits(extension.from_final_demand, other.from_final_demand)


def mapped(array) -> bool:
    """Whether an array's memory is a file mapped by np.load(mmap_mode=...)."""
    base = array
    while base is not None:
        if isinstance(base, (np.memmap, mmap.mmap)):
            return True
        base = getattr(base, "base", None)
    return False


def entries(folder: Path) -> list[str]:
    return sorted(child.name for child in folder.iterdir() if not child.name.startswith("."))


def listing(folder: Path) -> list[tuple]:
    """Every file and folder under ``folder`` with its size, modification time and bytes."""
    return [
        (
            path.relative_to(folder).as_posix(),
            path.is_dir(),
            path.stat().st_mtime_ns,
            None if path.is_dir() else path.read_bytes(),
        )
        for path in sorted(folder.rglob("*"))
    ]


@pytest.mark.parametrize("make", [copy_test_mrio, write_csv_mrio, zip_test_mrio])
def test_a_cached_read_equals_the_parse_bit_for_bit(tmp_path, make):
    mrio_path = make(tmp_path / ("mrio.zip" if make is zip_test_mrio else "mrio"))
    cache_folder = tmp_path / "cache"
    first = read(mrio_path, cache_folder)
    assert not first.from_cache and first.entry is not None and first.note == ""
    second = read(mrio_path, cache_folder)
    assert second.from_cache and second.entry == first.entry
    assert_same_mrio(first.mrio, parsed(mrio_path))
    assert_same_mrio(second.mrio, parsed(mrio_path))
    assert mapped(second.mrio.intermediate_flows) and mapped(second.mrio.final_demand)
    assert entries(cache_folder) == [first.entry.name]


def test_the_warnings_of_the_parse_are_kept(tmp_path):
    mrio_path = write_csv_mrio(tmp_path / "mrio")
    read(mrio_path, tmp_path / "cache")
    cached = read(mrio_path, tmp_path / "cache")
    assert cached.from_cache
    assert len(cached.mrio.warnings) == 1 and "disagrees" in cached.mrio.warnings[0]
    assert cached.mrio.extensions["water"].from_final_demand is None


def test_a_sparse_z_is_cached_sparse(tmp_path, monkeypatch):
    dense = parsed(write_csv_mrio(tmp_path / "mrio"))
    sparse = build_mrio(
        dense.producers,
        dense.final_demand_labels,
        dense.final_demand,
        intermediate_flows=scipy.sparse.csr_matrix(dense.intermediate_flows),
        extensions=dense.extensions.values(),
        name="sparse",
    )
    monkeypatch.setattr(cache, "read_mrio", lambda path, layout: sparse)
    read(tmp_path / "mrio", tmp_path / "cache")
    cached = read(tmp_path / "mrio", tmp_path / "cache")
    assert cached.from_cache and scipy.sparse.issparse(cached.mrio.intermediate_flows)
    assert_same_mrio(cached.mrio, sparse)


def test_a_touched_or_changed_file_is_parsed_again(tmp_path):
    mrio_path = copy_test_mrio(tmp_path / "mrio")
    cache_folder = tmp_path / "cache"
    first = read(mrio_path, cache_folder)
    unit = mrio_path / "emissions" / "unit.txt"
    status = unit.stat()
    os.utime(unit, ns=(status.st_atime_ns, status.st_mtime_ns + 10**9))
    touched = read(mrio_path, cache_folder)
    assert not touched.from_cache and touched.entry != first.entry

    demand = mrio_path / "Y.txt"
    text = demand.read_text(encoding="utf-8")
    row = text.splitlines()[3]
    label_cells, value = row.rsplit("\t", 1)
    changed_value = value[:-1] + ("1" if value[-1] != "1" else "2")  # same length, new value
    demand.write_text(text.replace(row, f"{label_cells}\t{changed_value}", 1), encoding="utf-8")
    assert demand.stat().st_size == (TEST_MRIO / "Y.txt").stat().st_size  # only mtime tells
    changed = read(mrio_path, cache_folder)
    assert not changed.from_cache
    assert changed.mrio.final_demand[0, -1] == float(changed_value) != float(value)
    assert read(mrio_path, cache_folder).from_cache


def test_a_touched_zip_is_parsed_again(tmp_path):
    archive = zip_test_mrio(tmp_path / "mrio.zip")
    read(archive, tmp_path / "cache")
    status = archive.stat()
    os.utime(archive, ns=(status.st_atime_ns, status.st_mtime_ns + 10**9))
    assert not read(archive, tmp_path / "cache").from_cache


def test_a_new_reader_never_serves_arrays_of_the_old(tmp_path, monkeypatch):
    mrio_path = copy_test_mrio(tmp_path / "mrio")
    read(mrio_path, tmp_path / "cache")
    monkeypatch.setattr(cache, "reader_fingerprint", lambda: "a plugin update")
    assert not read(mrio_path, tmp_path / "cache").from_cache


KILL_AFTER_FIRST_ARRAY = """
import os, signal, sys
import numpy as np
sys.path.insert(0, {root!r})
from footprint_plugin.engine.mrio import cache
from footprint_plugin.engine.mrio.attribution import driven_shares
saved = np.save
def save_then_die(*args, **kwargs):
    saved(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
cache.np.save = save_then_die
cache.read_mrio_cached({mrio!r}, folder={folder!r})
"""


def test_a_run_killed_while_caching_leaves_no_entry_that_is_read(tmp_path):
    mrio_path = copy_test_mrio(tmp_path / "mrio")
    cache_folder = tmp_path / "cache"
    script = KILL_AFTER_FIRST_ARRAY.format(
        root=str(ROOT), mrio=str(mrio_path), folder=str(cache_folder)
    )
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert killed.returncode == -9, killed.stderr
    (partial,) = cache_folder.iterdir()  # one array written, no manifest, not renamed
    assert partial.name.startswith(cache.PARTIAL_PREFIX)
    assert sorted(path.name for path in partial.iterdir()) == ["Z.npy"]

    after = read(mrio_path, cache_folder)
    assert not after.from_cache and after.entry is not None
    assert_same_mrio(after.mrio, parsed(mrio_path))
    assert read(mrio_path, cache_folder).from_cache


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-8])


def replace_array(path: Path, values) -> None:
    path.unlink()
    np.save(path, values)


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: truncate(entry / "Y.npy"),
        lambda entry: (entry / "F0.npy").unlink(),
        lambda entry: replace_array(entry / "F0.npy", np.ones((3, 48))),
        lambda entry: replace_array(entry / "Y.npy", np.full((48, 42), np.nan)),
        lambda entry: replace_array(entry / "Z.npy", np.ones((48, 48), dtype=np.float32)),
        lambda entry: (entry / cache.MANIFEST).unlink(),
        lambda entry: (entry / cache.MANIFEST).write_text("{", encoding="utf-8"),
        lambda entry: (entry / cache.MANIFEST).write_text('{"name": ""}', encoding="utf-8"),
    ],
    ids=[
        "truncated array",
        "missing array",
        "array of another shape",
        "NaN values",
        "float32 values",
        "no manifest",
        "broken manifest",
        "manifest without labels",
    ],
)
def test_a_damaged_entry_is_never_trusted_but_rebuilt(tmp_path, damage):
    mrio_path = copy_test_mrio(tmp_path / "mrio")
    cache_folder = tmp_path / "cache"
    entry = read(mrio_path, cache_folder).entry
    damage(entry)
    rebuilt = read(mrio_path, cache_folder)
    assert not rebuilt.from_cache and "damaged" in rebuilt.note
    assert_same_mrio(rebuilt.mrio, parsed(mrio_path))
    again = read(mrio_path, cache_folder)
    assert again.from_cache and again.entry == entry
    assert entries(cache_folder) == [entry.name]


def test_the_mrio_folder_is_untouched(tmp_path):
    mrio_path = copy_test_mrio(tmp_path / "mrio")
    before = listing(mrio_path)
    read(mrio_path, tmp_path / "cache")
    read(mrio_path, tmp_path / "cache")
    assert listing(mrio_path) == before


def test_a_cache_folder_inside_the_mrio_folder_is_not_written(tmp_path):
    mrio_path = copy_test_mrio(tmp_path / "mrio")
    before = listing(mrio_path)
    result = read(mrio_path, mrio_path / "cache")
    assert result.entry is None and "inside the MRIO's folder" in result.note
    assert listing(mrio_path) == before


def test_the_bound_removes_the_entries_used_least_recently(tmp_path):
    paths = {name: copy_test_mrio(tmp_path / name) for name in ("a", "b", "c")}
    cache_folder = tmp_path / "cache"
    entry_a = read(paths["a"], cache_folder).entry
    entry_size = sum(path.stat().st_size for path in entry_a.iterdir())
    bound = 2 * entry_size + entry_size // 2  # room for two entries, not three
    entry_b = read(paths["b"], cache_folder, max_bytes=bound).entry
    assert read(paths["a"], cache_folder, max_bytes=bound).from_cache  # a used after b
    entry_c = read(paths["c"], cache_folder, max_bytes=bound).entry
    assert entries(cache_folder) == sorted([entry_a.name, entry_c.name])
    assert not entry_b.exists()
    assert read(paths["a"], cache_folder, max_bytes=bound).from_cache


def test_an_mrio_larger_than_the_bound_is_not_cached(tmp_path):
    result = read(copy_test_mrio(tmp_path / "mrio"), tmp_path / "cache", max_bytes=1000)
    assert result.entry is None and "more than the cache's bound" in result.note
    assert not (tmp_path / "cache").exists() or entries(tmp_path / "cache") == []


def test_clear_removes_entries_and_leftovers_and_nothing_else(tmp_path):
    cache_folder = tmp_path / "cache"
    for name in ("a", "b"):
        read(write_csv_mrio(tmp_path / name), cache_folder)
    leftover = cache_folder / f"{cache.PARTIAL_PREFIX}killed"
    leftover.mkdir()
    (leftover / "Z.npy").write_bytes(b"12345")
    (cache_folder / "notes.txt").write_text("the user's own file", encoding="utf-8")
    (cache_folder / "my folder").mkdir()
    expected_bytes = sum(
        path.stat().st_size
        for path in cache_folder.rglob("*")
        if path.is_file() and path.parent != cache_folder and path.parent.name != "my folder"
    )
    assert clear_cache(cache_folder) == (2, expected_bytes)
    assert sorted(child.name for child in cache_folder.iterdir()) == ["my folder", "notes.txt"]
    assert clear_cache(cache_folder) == (0, 0)
    assert clear_cache(tmp_path / "never made") == (0, 0)


def test_no_folder_means_no_cache(tmp_path):
    result = read(copy_test_mrio(tmp_path / "mrio"), None)
    assert (result.from_cache, result.entry) == (False, None)
    assert sorted(child.name for child in tmp_path.iterdir()) == ["mrio"]


def test_a_file_changed_beside_a_downloaded_zip_is_parsed_again(tmp_path):
    """Eora26's labels (and GLORIA's ReadMe) may sit beside the year's zip, outside it."""
    published = TEST_MRIO.parent / "eora26" / "Eora26_2015_bp"
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    year_zip = downloads / "Eora26_2015_bp.zip"
    with zipfile.ZipFile(year_zip, "w") as archive:
        for table in sorted(published.glob("Eora26_*.txt")):
            archive.write(table, table.name)
    for labels in sorted(published.glob("labels_*.txt")):
        shutil.copy(labels, downloads / labels.name)
    cache_folder = tmp_path / "cache"
    first = read(year_zip, cache_folder)
    assert read(year_zip, cache_folder).from_cache
    labels = downloads / "labels_Q.txt"
    labels.write_text(labels.read_text(encoding="utf-8").replace("(Gg)", "(kt)", 1), "utf-8")
    again = read(year_zip, cache_folder)
    assert not again.from_cache and again.entry != first.entry
    assert "kt" in again.mrio.extensions["Q"].units and "kt" not in first.mrio.extensions["Q"].units


def test_driven_shares_are_solved_once_then_read_from_the_entry(tmp_path):
    mrio_path = copy_test_mrio(tmp_path / "mrio")
    cache_folder = tmp_path / "cache"
    first = read(mrio_path, cache_folder)
    solved, from_entry = cache.driven_shares_cached(first.mrio)
    assert not from_entry
    expected = driven_shares(parsed(mrio_path))
    np.testing.assert_array_equal(solved.share, expected.share)
    again = read(mrio_path, cache_folder)
    assert again.from_cache
    stored, from_entry = cache.driven_shares_cached(again.mrio)
    assert from_entry and mapped(stored.share)
    assert stored.share.flags.f_contiguous == expected.share.flags.f_contiguous  # same sums
    np.testing.assert_array_equal(stored.share, expected.share)
    assert stored.method == expected.method
    np.testing.assert_array_equal(stored.zero_output, expected.zero_output)
    assert stored.producers.equals(expected.producers)


def test_damaged_or_missing_shares_are_solved_again_and_uncached_mrios_just_solved(tmp_path):
    mrio_path = copy_test_mrio(tmp_path / "mrio")
    cache_folder = tmp_path / "cache"
    cache.driven_shares_cached(read(mrio_path, cache_folder).mrio)
    (stored,) = (cache_folder / entries(cache_folder)[0]).glob("driven_shares_*.npy")
    stored.write_bytes(stored.read_bytes()[:200])  # truncated
    again, from_entry = cache.driven_shares_cached(read(mrio_path, cache_folder).mrio)
    assert not from_entry
    np.testing.assert_array_equal(again.share, driven_shares(parsed(mrio_path)).share)
    assert cache.driven_shares_cached(read(mrio_path, cache_folder).mrio)[1]
    uncached = read(mrio_path, None).mrio
    assert not cache.driven_shares_cached(uncached)[1]
    assert not cache.driven_shares_cached(uncached)[1]
