#!/usr/bin/env bash
# Regenerates the GRIB2 decoder fixtures in test/fixtures/grib2/ and their expected values.
#
# Needs: ecCodes tools (Debian libeccodes-tools: grib_filter, grib_set, grib_get_data), /usr/bin/python3 with
# numpy and Pillow, and the repo's node_modules (tsx). Run from the repository root:
#   scripts/make-grib2-fixtures.sh
#
# Every field is written by ecCodes with simple packing from a formula, then converted to the other packings:
# by ecCodes itself (grid_complex, grid_jpeg, grid_ccsds; also its grid_complex_spatial_differencing, which in
# 2.28 is template 5.3 with order 0 and correct only up to 14 bits per value, hence 14 bits), by the test encoder for what ecCodes 2.28 cannot
# write (5.3 with real spatial differencing: ecCodes always writes order 0; missing-value management;
# several fields in one message), and by Pillow for PNG (ecCodes 2.28 aborts when writing grid_png).
# The expected values are `grib_get_data` dumps; this script checks that ecCodes decodes every converted file
# to exactly the same dump as its simple-packed source, so one dump serves a whole group.
set -euo pipefail

OUT=test/fixtures/grib2
SAMPLES=$(codes_info -s 2>/dev/null || echo /usr/share/eccodes/samples)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
rm -f "$OUT"/*.grib2 "$OUT"/*.expected.txt.gz

# Values of a field in the storage order of its scanning mode, as a grib_filter "set values" statement.
# vars: ni nj lat1 lon1 dlat dlon (signed steps along j and i) cols (0x20) comp (u|v|noise) step miss
values() {
  awk "$@" '
    function f(lat, lon,   x) {
      if (comp == "u") x = 6.25 * sin(0.21 * lon + 0.05 * step) * cos(0.33 * lat) + 0.0185 * lon - 2.5;
      else if (comp == "v") x = -4.5 * cos(0.17 * lon - 0.03 * step) * sin(0.29 * lat) + 0.0213 * lat + 1.75;
      else {
        # CCSDS exercise: a constant patch (zero blocks), a smooth ramp, and noise (uncompressed blocks).
        if (lon < 12) x = 5;
        else if (lon < 26) x = 5 + 0.37 * (lon - 12) + 0.11 * lat;
        else x = 5 + 20 * rand();
      }
      return x;
    }
    BEGIN {
      srand(7);
      printf "set values={"; n = 0;
      no = cols ? ni : nj; nin = cols ? nj : ni;
      for (o = 0; o < no; o++) for (q = 0; q < nin; q++) {
        if (cols) { i = o; j = q } else { j = o; i = q }
        lat = lat1 + j * dlat; lon = lon1 + i * dlon;
        x = f(lat, lon);
        if (miss && ((i * 7 + j * 3) % 11 == 0 || (i < 4 && j > 8))) x = 9999;
        printf "%s%.6f", (n++ ? "," : ""), x;
      }
      print "};";
    }'
}

# filter RULES OUTPUT: runs one grib_filter rules text on the regular lat/lon sample.
filter() {
  printf '%s\n' "$1" >"$TMP/rules"
  grib_filter -o "$2" "$TMP/rules" "$SAMPLES/regular_ll_sfc_grib2.tmpl"
}

dump() { grib_get_data -m nan "$1"; }

# same SOURCE FILE...: ecCodes must decode each FILE exactly like SOURCE.
same() {
  local src=$1
  shift
  dump "$src" >"$TMP/a.txt"
  for f in "$@"; do
    dump "$f" >"$TMP/b.txt"
    cmp -s "$TMP/a.txt" "$TMP/b.txt" || { echo "ecCodes decodes $f differently from $src" >&2; exit 1; }
  done
}

repack() { npx tsx test/forcing/grib2/repack-cli.ts "$@"; }
png() { /usr/bin/python3 test/forcing/grib2/png_repack.py "$@"; }

# --- 10 m wind: 24x13 points, 10W..13E x 70N..58N, reference 2024-01-15 06 UTC, steps 6 h and 12 h ----------
GRID='set Ni=24; set Nj=13; set latitudeOfFirstGridPointInDegrees=70; set longitudeOfFirstGridPointInDegrees=-10;
set latitudeOfLastGridPointInDegrees=58; set longitudeOfLastGridPointInDegrees=13;
set iDirectionIncrementInDegrees=1; set jDirectionIncrementInDegrees=1;'
for miss in 0 1; do
  : >"$TMP/wind$miss.grib2"
  for step in 6 12; do
    for c in u v; do
      bitmap=""
      [ "$miss" = 1 ] && bitmap="set bitmapPresent=1; set missingValue=9999;"
      filter "set shortName=\"10$c\"; $GRID set dataDate=20240115; set dataTime=600; set forecastTime=$step;
        set bitsPerValue=14; $bitmap
        $(values -v ni=24 -v nj=13 -v lat1=70 -v lon1=-10 -v dlat=-1 -v dlon=1 -v comp=$c -v step=$step -v miss=$miss)
        write;" "$TMP/m.grib2"
      cat "$TMP/m.grib2" >>"$TMP/wind$miss.grib2"
    done
  done
done

for group in wind wind_bitmap; do
  src="$TMP/wind0.grib2"
  [ $group = wind_bitmap ] && src="$TMP/wind1.grib2"
  cp "$src" "$OUT/${group}_simple.grib2"
  grib_set -r -s packingType=grid_complex "$src" "$OUT/${group}_complex.grib2"
  grib_set -r -s packingType=grid_jpeg "$src" "$OUT/${group}_jpeg.grib2"
  grib_set -r -s packingType=grid_ccsds "$src" "$OUT/${group}_ccsds.grib2"
  repack sd2 "$src" "$OUT/${group}_sd2.grib2"
  png gray16 "$src" "$OUT/${group}_png.grib2"
  dump "$src" | gzip -9n >"$OUT/$group.expected.txt.gz"
  same "$src" "$OUT/${group}"_{complex,jpeg,ccsds,sd2,png}.grib2
done
# ecCodes' own grid_complex_spatial_differencing: template 5.3 with order 0 (no differencing at all).
grib_set -r -s packingType=grid_complex_spatial_differencing "$TMP/wind0.grib2" "$OUT/wind_sd0_ecc.grib2"
same "$TMP/wind0.grib2" "$OUT/wind_sd0_ecc.grib2"
repack sd1 "$TMP/wind0.grib2" "$OUT/wind_sd1.grib2"
repack complex "$TMP/wind0.grib2" "$OUT/wind_complex_own.grib2"
png rgb24 "$TMP/wind0.grib2" "$OUT/wind_png_rgb.grib2"
same "$TMP/wind0.grib2" "$OUT"/wind_{sd1,complex_own,png_rgb}.grib2
# 8-bit PNG: X >> 6 with E + 6, so coarser values with their own dump.
png gray8 "$TMP/wind0.grib2" "$OUT/wind_png_gray8.grib2"
dump "$OUT/wind_png_gray8.grib2" | gzip -9n >"$OUT/wind_png_gray8.expected.txt.gz"
# Two fields per message (10u and 10v share sections 1 and 3); the second bitmap is "254: as before".
repack multi "$TMP/wind1.grib2" "$OUT/wind_bitmap_multi.grib2"
same "$TMP/wind1.grib2" "$OUT/wind_bitmap_multi.grib2"
# Missing values coded inside the data (5.5 = 1 primary, 2 primary + secondary) instead of a bitmap.
repack mvm1-sd2 "$TMP/wind1.grib2" "$OUT/wind_mvm1_sd2.grib2"
repack mvm2-complex "$TMP/wind1.grib2" "$OUT/wind_mvm2_complex.grib2"
same "$TMP/wind1.grib2" "$OUT"/wind_mvm{1_sd2,2_complex}.grib2

# --- scanning modes: 6x4 points, first point 70N 10W; 0x40 starts south, 0x80 starts east, 0x20 by columns -----
: >"$OUT/scan_modes.grib2"
scan() { # mode lat1 lat2 lon1 lon2 dlat dlon cols
  filter "set shortName=\"10u\"; set Ni=6; set Nj=4; set latitudeOfFirstGridPointInDegrees=$2;
    set latitudeOfLastGridPointInDegrees=$3; set longitudeOfFirstGridPointInDegrees=$4;
    set longitudeOfLastGridPointInDegrees=$5; set iDirectionIncrementInDegrees=1; set jDirectionIncrementInDegrees=1;
    set scanningMode=$1; set bitsPerValue=14;
    $(values -v ni=6 -v nj=4 -v lat1="$2" -v lon1="$4" -v dlat="$6" -v dlon="$7" -v cols="$8" -v comp=u -v step=0)
    write;" "$TMP/m.grib2"
  cat "$TMP/m.grib2" >>"$OUT/scan_modes.grib2"
}
scan 0 70 67 -10 -5 -1 1 0
scan 64 67 70 -10 -5 1 1 0
scan 128 70 67 -5 -10 -1 -1 0
scan 192 67 70 -5 -10 1 -1 0
scan 32 70 67 -10 -5 -1 1 1
dump "$OUT/scan_modes.grib2" | gzip -9n >"$OUT/scan_modes.expected.txt.gz"

# --- Gaussian grid (3.40): N=32, a 20x10 sub-area starting at the 4th latitude --------------------------------
printf '%s\n' 'set shortName="10v"; set Ni=20; set Nj=10;
  set latitudeOfFirstGridPointInDegrees=79.525607; set latitudeOfLastGridPointInDegrees=54.4162;
  set longitudeOfFirstGridPointInDegrees=0; set longitudeOfLastGridPointInDegrees=53.4375;
  set iDirectionIncrementInDegrees=2.8125; set numberOfDataPoints=200; set numberOfValues=200; set bitsPerValue=12;' \
  "$(values -v ni=20 -v nj=10 -v lat1=79.5256 -v lon1=0 -v dlat=-2.78 -v dlon=2.8125 -v comp=v -v step=0)" \
  'write;' >"$TMP/rules"
grib_filter -o "$OUT/gaussian.grib2" "$TMP/rules" "$SAMPLES/regular_gg_sfc_grib2.tmpl"
dump "$OUT/gaussian.grib2" | gzip -9n >"$OUT/gaussian.expected.txt.gz"

# --- CCSDS variety: 40x20 points with constant, smooth and noisy parts; block sizes, RSIs, bit widths -------------
filter "set shortName=\"10u\"; set Ni=40; set Nj=20; set latitudeOfFirstGridPointInDegrees=70;
  set longitudeOfFirstGridPointInDegrees=0; set latitudeOfLastGridPointInDegrees=51;
  set longitudeOfLastGridPointInDegrees=39; set iDirectionIncrementInDegrees=1; set jDirectionIncrementInDegrees=1;
  set bitsPerValue=16;
  $(values -v ni=40 -v nj=20 -v lat1=70 -v lon1=0 -v dlat=-1 -v dlon=1 -v comp=noise)
  write;" "$TMP/noise.grib2"
: >"$OUT/ccsds_variety.grib2"
# (ecCodes 2.28 cannot read back what it writes with the AEC_PAD_RSI flag, so that flag is not exercised.)
for setting in "8 8 4 14" "12 16 3 14" "24 32 2 14" "5 8 2 14" "16 64 1 14"; do
  set -- $setting # bitsPerValue blockSize rsi flags
  grib_set -r -s bitsPerValue="$1" "$TMP/noise.grib2" "$TMP/n.grib2"
  grib_set -r -s ccsdsFlags="$4",ccsdsBlockSize="$2",ccsdsRsi="$3",packingType=grid_ccsds "$TMP/n.grib2" "$TMP/c.grib2"
  same "$TMP/n.grib2" "$TMP/c.grib2"
  cat "$TMP/c.grib2" >>"$OUT/ccsds_variety.grib2"
done
dump "$OUT/ccsds_variety.grib2" | gzip -9n >"$OUT/ccsds_variety.expected.txt.gz"

# --- product templates: 4.8 (10 m gust maximum over 6-12 h) and 4.1 (ensemble member 10u) ---------------------
grib_copy -w count=1 "$TMP/wind0.grib2" "$TMP/one.grib2"
grib_set -s productDefinitionTemplateNumber=8,typeOfStatisticalProcessing=2,parameterNumber=22,stepRange=6-12 \
  "$TMP/one.grib2" "$TMP/p8.grib2"
grib_set -s productDefinitionTemplateNumber=1,perturbationNumber=3,numberOfForecastsInEnsemble=51 \
  "$TMP/one.grib2" "$TMP/p1.grib2"
cat "$TMP/p8.grib2" "$TMP/p1.grib2" >"$OUT/products.grib2"

# --- constant field (bitsPerValue 0): the ecCodes sample itself -------------------------------------------------
cp "$SAMPLES/regular_ll_sfc_grib2.tmpl" "$OUT/constant.grib2"
dump "$OUT/constant.grib2" | gzip -9n >"$OUT/constant.expected.txt.gz"

ls -l "$OUT"
