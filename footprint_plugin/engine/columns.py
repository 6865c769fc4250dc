"""Names of the columns and bands that one output writes and another step reads, defined once.

The report reads the tables of the mapping, hotspot and city algorithms by these names; the
hotspot and city tools find the foreign-driven band by its name.
"""

TOTAL = "total"
DOMESTIC = "domestic"
FOREIGN = "foreign"
"""The summary bands of a footprint map (and the source accounts' columns of the same name)."""

CONSUMER_REGION = "consumer_region"
CATEGORY = "category"
FOOTPRINT = "footprint"
SHARE = "share"
"""Columns of the tables by consumer (mapfootprint's CONSUMERS, mrioaccounts' tables)."""

BAND = "band"
CITY = "city"
RANK = "rank"
"""Columns of citytable's long table (city, band, footprint, share, rank)."""

ACCOUNT = "account"
ITEM = "item"
AMOUNT = "amount"
"""Columns of the balance (mapfootprint's BALANCE): where every tonne went."""

AREA_SHARE = "area_share"
FOOTPRINT_SHARE = "footprint_share"
"""Columns of the concentration curve (hotspots' CURVE)."""
