#!/usr/bin/env bash
# Compression benchmark: bizscript's compress against Info-ZIP zip and pigz, in one run.
#
#   benches/compress.sh            # 1 GiB inputs in a temporary folder
#   BENCH_SIZE=256M BENCH_DIR=/var/tmp/bzbench benches/compress.sh
#
# Installs zip, unzip, pigz, p7zip-full and GNU time with apt-get when missing (here, not in CI).
# Generates two inputs with ../shared/bench/gen_dump_like.py: a dump-like file and a file that
# is 95% incompressible LOB data. Compresses each with bizscript (default level 6 and fastest
# level 1, end to end including the read-back verification), `zip -6`, `zip -1` and
# `pigz -6 -p 2` (which verifies nothing), then prints throughput, size, ratio and peak RSS side
# by side, and checks the targets of issue 7. "CPU s" (user + system) is printed too: on a shared
# machine the wall-clock figures depend on what else runs, the CPU cost does much less.
#
# bizscript runs as a user runs it: `bizscript run` on a two-line Rhai script calling `compress`.
# (`benches/compress_bench.rs` drives the library directly and prints phase timings.)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GEN="$ROOT/../shared/bench/gen_dump_like.py"
SIZE="${BENCH_SIZE:-1G}"
WORK="${BENCH_DIR:-$(mktemp -d /tmp/bizscript-bench.XXXXXX)}"
mkdir -p "$WORK"

need() { command -v "$1" >/dev/null 2>&1; }
missing=()
need zip || missing+=(zip)
need unzip || missing+=(unzip)
need pigz || missing+=(pigz)
need 7z || missing+=(p7zip-full)
[ -x /usr/bin/time ] || missing+=(time)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi

if [ ! -f "$GEN" ]; then
    echo "cannot find the generator $GEN" >&2
    exit 2
fi
[ -f "$WORK/dump.dmp" ] || python3 "$GEN" "$SIZE" "$WORK/dump.dmp"
[ -f "$WORK/lob.dmp" ] || python3 "$GEN" "$SIZE" "$WORK/lob.dmp" --lob-pct 95

echo "building bizscript (release)..." >&2
(cd "$ROOT" && cargo build --release --quiet --bin bizscript)
BIZSCRIPT="$ROOT/target/release/bizscript"
# The tiny script the benchmark runs: the `compress` primitive, exactly as a site script calls it.
cat > "$WORK/compress_bench.rhai" <<'RHAI'
let r = compress([params.input], #{ archive: params.archive, level: params.level, overwrite: true });
print(`${r.bytes_in} ${r.bytes_out} ${r.duration} ${r.verified}`);
RHAI

# run NAME INPUT OUTPUT COMMAND...: times COMMAND, records "name input seconds bytes rss_kib".
RESULTS="$WORK/results.tsv"
: > "$RESULTS"
run() {
    local name="$1" input="$2" output="$3"
    shift 3
    rm -f "$output"
    cat "$input" > /dev/null # same warm page cache for every tool
    /usr/bin/time -v -o "$WORK/time.txt" "$@" > /dev/null
    local wall rss cpu
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt" |
        awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$WORK/time.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$(basename "$input")" "$wall" "$(stat -c %s "$output")" "$rss" "$cpu" >> "$RESULTS"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
for input in "$WORK/dump.dmp" "$WORK/lob.dmp"; do
    echo "benchmarking $(basename "$input")..." >&2
    run "bizscript -6" "$input" "$WORK/bz6.zip" "$BIZSCRIPT" run "$WORK/compress_bench.rhai" --set "archive=$WORK/bz6.zip" --set level=6 --set "input=$input"
    run "bizscript -1" "$input" "$WORK/bz1.zip" "$BIZSCRIPT" run "$WORK/compress_bench.rhai" --set "archive=$WORK/bz1.zip" --set level=1 --set "input=$input"
    run "zip -6" "$input" "$WORK/zip6.zip" zip -q -6 "$WORK/zip6.zip" "$input"
    run "zip -1" "$input" "$WORK/zip1.zip" zip -q -1 "$WORK/zip1.zip" "$input"
    run "pigz -6 -p 2" "$input" "$WORK/pigz6.gz" sh -c 'pigz -6 -p 2 -c "$1" > "$2"' sh "$input" "$WORK/pigz6.gz"
    # Independent readers must accept bizscript's archives.
    unzip -tqq "$WORK/bz6.zip" >&2
    7z t "$WORK/bz6.zip" > /dev/null
    python3 -m zipfile -t "$WORK/bz1.zip" > /dev/null
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

INPUT_BYTES=$(stat -c %s "$WORK/dump.dmp")
LOB_BYTES=$(stat -c %s "$WORK/lob.dmp")
echo "inputs and archives are in $WORK" >&2
awk -F'\t' -v dump="$INPUT_BYTES" -v lob="$LOB_BYTES" '
BEGIN {
    printf "| %-13s | %-8s | %8s | %8s | %8s | %13s | %7s | %9s |\n", "tool", "input", "seconds", "MB/s", "CPU s", "bytes out", "ratio", "RSS MiB"
    printf "|---------------|----------|---------:|---------:|---------:|--------------:|--------:|----------:|\n"
}
{
    size = ($2 == "lob.dmp") ? lob : dump
    t[$1, $2] = $3; b[$1, $2] = $4; r[$1, $2] = $5
    printf "| %-13s | %-8s | %8.2f | %8.1f | %8.2f | %13d | %6.2f%% | %9.1f |\n", $1, $2, $3, size / 1e6 / $3, $6, $4, 100 * $4 / size, $5 / 1024
}
END {
    print ""
    check("default level >= 3x zip -6 throughput (dump)", t["bizscript -6", "dump.dmp"] * 3 <= t["zip -6", "dump.dmp"])
    check("default level >= 1.5x pigz -6 -p 2 throughput (dump)", t["bizscript -6", "dump.dmp"] * 1.5 <= t["pigz -6 -p 2", "dump.dmp"])
    check("default level archive <= zip -6 + 1% (dump)", b["bizscript -6", "dump.dmp"] <= b["zip -6", "dump.dmp"] * 1.01)
    check("fastest level >= 3x zip -1 throughput (dump)", t["bizscript -1", "dump.dmp"] * 3 <= t["zip -1", "dump.dmp"])
    check("peak RSS < 64 MiB (all bizscript runs)", max_rss() < 64 * 1024)
    check("LOB: default level no slower than zip -6", t["bizscript -6", "lob.dmp"] <= t["zip -6", "lob.dmp"])
    check("LOB: archive <= input + 0.1%", b["bizscript -6", "lob.dmp"] <= lob * 1.001)
    exit failed
}
function max_rss(   k, m, parts) {
    m = 0
    for (k in r) { split(k, parts, SUBSEP); if (parts[1] ~ /^bizscript/ && r[k] > m) m = r[k] }
    return m
}
function check(what, ok) { printf "%s  %s\n", ok ? "PASS" : "FAIL", what; if (!ok) failed = 1 }
' "$RESULTS"
