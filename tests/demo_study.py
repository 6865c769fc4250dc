"""The demo study's inputs as the tests give them to footprint:mapfootprint."""

from tests.conftest import ROOT

DEMO = ROOT / "footprint_plugin" / "data" / "demo"
GPKG = DEMO / "china_demo.gpkg"


def demo_layer(name: str, demo=DEMO) -> str:
    """A layer of the demo GeoPackage in the folder ``demo``."""
    return f"{demo / 'china_demo.gpkg'}|layername={name}"


def demo_map_parameters(demo=DEMO, **parameters) -> dict:
    """mapfootprint's parameters for the demo facilities in their provinces, the inputs read
    from the folder ``demo``; ``parameters`` add to or replace them."""
    return {
        "INPUT": demo_layer("facilities", demo),
        "EMISSION_FIELD": "co2_t",
        "SECTOR_FIELD": "sector_code",
        "REGIONS": demo_layer("provinces", demo),
        "REGION_CODE_FIELD": "code",
        "MRIO": str(demo / "mrio"),
        "CONCORDANCE": str(demo / "concordance.csv"),
        **parameters,
    }
