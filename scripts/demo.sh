#!/usr/bin/env bash
# The whole footprint study on the embedded demo data (SYNTHETIC inventory and MRIO, real
# geography of China), run headless through qgis_process as a user would: the same chain as
# the shipped graphical model footprint:footprint_study. Outputs go to $DEMO_OUT (default
# output/demo), printed at the end with the headline numbers.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
demo=$here/footprint_plugin/data/demo
gpkg=$demo/china_demo.gpkg
out=${DEMO_OUT:-$here/output/demo}
rm -rf "$out" && mkdir -p "$out"

# run NAME ALGORITHM PARAMETERS...: run one step, keep its log, fail loudly with it
run() {
  local name=$1; shift
  echo "== $name"
  "$here/scripts/qgis_process.sh" run "$@" >"$out/$name.log" 2>&1 \
    || { cat "$out/$name.log" >&2; echo "Step $name failed; its log is $out/$name.log" >&2; exit 1; }
}
# value NAME KEY: a result of a step, from its log
value() { sed -n "s/^$2:\t//p" "$out/$1.log" | tail -1; }

run map footprint:mapfootprint -- \
  INPUT="$gpkg|layername=facilities" EMISSION_FIELD=co2_t SECTOR_FIELD=sector_code \
  REGIONS="$gpkg|layername=provinces" REGION_CODE_FIELD=code \
  MRIO="$demo/mrio" CONCORDANCE="$demo/concordance.csv" DOMESTIC_REGIONS='CN-*' BREAKDOWN=1 \
  CELL_SIZE=10000 OUTPUT="$out/footprint.tif" OUTPUT_SOURCES="$out/sources.gpkg" \
  BALANCE="$out/balance.csv" CONSUMERS="$out/consumers.csv"
run hotspots footprint:hotspots -- \
  INPUT="$out/footprint.tif" LEVEL=75 OUTPUT="$out/hotspots.tif" CURVE="$out/curve.csv"
run cities footprint:citytable -- \
  INPUT="$out/footprint.tif" CITIES="$gpkg|layername=cities" NAME_FIELD=name \
  OUTPUT="$out/cities.gpkg" OUTPUT_TABLE="$out/city_table.csv"
run ports footprint:nearfeatures -- \
  INPUT="$out/footprint.tif" FEATURES="$gpkg|layername=ports" DISTANCE=50000 \
  OUTPUT="$out/ports.gpkg" UNION_TABLE="$out/near_ports.csv"
run report footprint:report -- \
  FOOTPRINT="$out/footprint.tif" BALANCE="$out/balance.csv" CONSUMERS="$out/consumers.csv" \
  SOURCES="$out/sources.gpkg" SECTOR_FIELD=sector_code CURVE="$out/curve.csv" \
  AREA_SHARE="$(value hotspots AREA_SHARE)" GINI="$(value hotspots GINI)" LEVEL=75 \
  CITIES="$out/city_table.csv" NEAR="$out/near_ports.csv" \
  BOUNDARIES="$gpkg|layername=provinces" POINTS="$gpkg|layername=ports" \
  NOTE="Demo: the facility inventory and the MRIO are SYNTHETIC; the geography is real." \
  OUTPUT_HTML="$out/report.html" OUTPUT_MAP="$out/map.png"

share() { awk -v v="$1" 'BEGIN { printf "%.1f%%", 100 * v }'; }
tonnes() { awk -v v="$1" 'BEGIN { printf "%.3f Gt", v / 1e9 }'; }
cat <<SUMMARY

Headline numbers (SYNTHETIC demo inventory and MRIO):
  footprint mapped:          $(tonnes "$(value report TOTAL)") CO2
  driven by foreign demand:  $(tonnes "$(value report FOREIGN)") ($(share "$(value report FOREIGN_SHARE)") of the total)
  75% of the foreign-driven footprint lies on $(printf '%.2f' "$(value hotspots AREA_SHARE)")% of the land (Gini $(printf '%.3f' "$(value hotspots GINI)"))
  within 50 km of a port:    $(printf '%.1f' "$(value ports UNION_SHARE)")% of the foreign-driven footprint
  top 5 cities:              $(value report TOP_CITIES)
  top 3 foreign consumers:   $(value report TOP_CONSUMERS)

Report: $out/report.html
Map:    $out/map.png
All outputs are in $out
SUMMARY
