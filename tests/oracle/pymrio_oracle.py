"""Reference results from pymrio, run in its own modern venv (.venv-oracle).

pymrio needs pandas >= 2.1, which the QGIS venv cannot have, so the engine tests run this
script in a subprocess with ``$FOOTPRINT_ORACLE_PYTHON`` (default ``.venv-oracle/bin/python``)
and compare its output with the engine's.

Commands::

    pymrio_oracle.py compute MRIO_PATH OUT.npz
        Load an MRIO saved by pymrio (folder or zip) with pymrio.load_all, run calc_all and
        write, per extension: stressors, D_cba_reg (footprint per consumer region, F_Y
        included), F_Y_reg (F_Y summed per consumer region), D_pba (per producer, F_Y not
        included) and the producer-by-final-demand-column matrix diag(S_k)·L·Y per stressor
        (from pymrio's own S and L).
    pymrio_oracle.py parse LAYOUT PATH OUT.npz [--year Y] [--price P] [--version V]
        Read an MRIO as published with pymrio's own parser (parse_exiobase3, parse_eora26,
        parse_oecd or parse_gloria: LAYOUT is exiobase3, eora26, oecd or gloria), then as
        compute.
    pymrio_oracle.py random OUT_DIR --seed S --regions R --sectors N --categories K [--zip]
        Draw a random MRIO with the engine's generator, save it with pymrio's save_all to
        OUT_DIR/mrio (and OUT_DIR/mrio.zip with pymrio.archive if --zip), then run compute on
        it into OUT_DIR/pymrio.npz.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pymrio

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.synthetic import random_mrio  # noqa: E402


def compute(mrio_path: Path, out: Path) -> None:
    """Run pymrio's calc_all on a saved MRIO and store its accounts in an .npz."""
    store_accounts(pymrio.load_all(mrio_path), out)


def parse(layout: str, path: Path, out: Path, year, price, version) -> None:
    """Read a published MRIO with pymrio's parser for its layout, then store its accounts."""
    options = {"year": year, "price": price, "version": version}
    accepted = {
        "exiobase3": (),
        "eora26": ("year", "price"),
        "oecd": ("year",),
        "gloria": ("year", "price", "version"),
    }[layout]
    given = {key: options[key] for key in accepted if options[key] is not None}
    store_accounts(getattr(pymrio, f"parse_{layout}")(path, **given), out)


def store_accounts(io, out: Path) -> None:
    """Run pymrio's calc_all and store its accounts in an .npz."""
    io.calc_all()
    results = {
        "producers": _text(io.Z.index),
        "final_demand_labels": _text(io.Y.columns),
        "pymrio_version": np.array(pymrio.__version__),
    }
    leontief_demand = io.L.to_numpy() @ io.Y.to_numpy()
    for key in io.get_extensions(instance_names=True):
        extension = getattr(io, key)
        regions = extension.D_cba_reg.columns
        direct = extension.F_Y
        direct_reg = (
            np.zeros(extension.D_cba_reg.shape)
            if direct is None
            else direct.T.groupby(level="region", sort=False).sum().T[regions].to_numpy()
        )
        results[f"{key}__stressors"] = _text(extension.F.index)
        results[f"{key}__regions"] = _text(regions)
        results[f"{key}__D_cba_reg"] = extension.D_cba_reg.to_numpy()
        results[f"{key}__F_Y_reg"] = direct_reg
        results[f"{key}__D_pba"] = extension.D_pba.to_numpy()
        intensity = extension.S.to_numpy()
        results[f"{key}__producer_by_consumer"] = (
            intensity[:, :, None] * leontief_demand[None, :, :]
        )
    np.savez(out, **results)


def _text(labels: pd.Index) -> np.ndarray:
    """Labels as a plain unicode array (slash-joined levels), loadable without pickle."""
    return np.array(
        ["/".join(map(str, label)) if isinstance(label, tuple) else str(label) for label in labels],
        dtype=str,
    )


def save_random(
    out_dir: Path, seed: int, regions: int, sectors: int, categories: int, archive: bool
) -> Path:
    """Save a random MRIO (the engine's generator) with pymrio's save_all; return its path."""
    mrio = random_mrio(regions, sectors, categories, seed=seed, zero_output_producers=2)
    producers = pd.MultiIndex.from_tuples(mrio.producers, names=["region", "sector"])
    columns = pd.MultiIndex.from_tuples(mrio.final_demand_labels, names=["region", "category"])
    emissions = mrio.extensions["emissions"]
    stressors = pd.Index(emissions.stressors, name="stressor")
    io = pymrio.IOSystem(
        Z=pd.DataFrame(mrio.intermediate_flows, index=producers, columns=producers),
        Y=pd.DataFrame(mrio.final_demand, index=producers, columns=columns),
        unit=pd.DataFrame({"unit": mrio.unit}, index=producers),
        name=mrio.name,
        emissions={
            "name": "emissions",
            "F": pd.DataFrame(emissions.from_producers, index=stressors, columns=producers),
            "F_Y": pd.DataFrame(emissions.from_final_demand, index=stressors, columns=columns),
            "unit": pd.DataFrame({"unit": list(emissions.units)}, index=stressors),
        },
    )
    folder = out_dir / "mrio"
    io.save_all(folder)
    if not archive:
        return folder
    zipped = out_dir / "mrio.zip"
    pymrio.archive(source=folder, archive=zipped, path_in_arc="mrio/")
    return zipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    compute_parser = commands.add_parser("compute")
    compute_parser.add_argument("mrio", type=Path)
    compute_parser.add_argument("out", type=Path)
    parse_parser = commands.add_parser("parse")
    parse_parser.add_argument("layout", choices=["exiobase3", "eora26", "oecd", "gloria"])
    parse_parser.add_argument("path", type=Path)
    parse_parser.add_argument("out", type=Path)
    parse_parser.add_argument("--year", type=int)
    parse_parser.add_argument("--price")
    parse_parser.add_argument("--version", type=int)
    random_parser = commands.add_parser("random")
    random_parser.add_argument("out_dir", type=Path)
    random_parser.add_argument("--seed", type=int, default=0)
    random_parser.add_argument("--regions", type=int, default=5)
    random_parser.add_argument("--sectors", type=int, default=60)
    random_parser.add_argument("--categories", type=int, default=4)
    random_parser.add_argument("--zip", action="store_true")
    args = parser.parse_args()
    if args.command == "compute":
        compute(args.mrio, args.out)
    elif args.command == "parse":
        parse(args.layout, args.path, args.out, args.year, args.price, args.version)
    else:
        path = save_random(
            args.out_dir, args.seed, args.regions, args.sectors, args.categories, args.zip
        )
        compute(path, args.out_dir / "pymrio.npz")


if __name__ == "__main__":
    main()
