#!/usr/bin/env bash
# The footprint study on the embedded demo data (SYNTHETIC inventory and MRIO, real geography),
# run headless through qgis_process as a user would. Outputs go to $DEMO_OUT (default
# output/demo), which is printed at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
demo=$here/footprint_plugin/data/demo
out=${DEMO_OUT:-$here/output/demo}
mkdir -p "$out"
run() { "$here/scripts/qgis_process.sh" run "$@" 2>"$out/qgis_process.log"; }

echo "== MRIO footprint accounts of the demo MRIO (CO2, consumers grouped domestic/foreign)"
run footprint:mrioaccounts -- \
  MRIO="$demo/mrio" STRESSOR=emissions/CO2 DOMESTIC_REGIONS='CN-*' BREAKDOWN=0 \
  OUTPUT="$out/mrio_accounts.csv" SUMMARY="$out/mrio_summary.csv" \
  OUTPUT_HTML="$out/mrio_accounts.html" | grep -E '^(TOTAL|UNATTRIBUTED|DOMESTIC|FOREIGN):' \
  || { cat "$out/qgis_process.log" >&2; exit 1; }

echo
echo "Demo outputs are in $out"
ls -1 "$out"
