#!/usr/bin/env bash
# Speed of parse_log against `grep -c ORA-` on the same large log, side by side in one run.
#
# Usage: benches/parse_log.sh [SIZE_MIB]   (default 256)
#
# Builds the bench program `parse_log_bench` (the parser alone: no CLI, no Rhai), generates a
# log with ../shared/bench/gen_big_log.py SIZE --logtime into a temp dir, checks the parser's
# figures against the generator's expected JSON, then times both programs on the warm file
# (best of 5 wall-clock runs each) and prints throughput, peak RSS and the ratio.
set -euo pipefail

size=${1:-256}
root=$(cd "$(dirname "$0")/.." && pwd)
gen="$root/../shared/bench/gen_big_log.py"
[ -f "$gen" ] || { echo "skipped: $gen is absent"; exit 0; }

target=${CARGO_TARGET_DIR:-$root/target}
# `cargo bench` builds with the bench profile (release settings) into a hashed file name: ask
# cargo where it put it.
bench=$(cargo bench --no-run --bench parse_log_bench --message-format=json \
  --manifest-path "$root/Cargo.toml" | python3 -c '
import json, sys
exes = [m["executable"] for m in map(json.loads, sys.stdin)
        if m.get("reason") == "compiler-artifact" and m.get("executable")
        and m["target"]["name"] == "parse_log_bench"]
print(exes[-1] if exes else "")')
[ -x "$bench" ] || { echo "cargo did not report the parse_log_bench executable" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log="$tmp/big.log"
python3 "$gen" "$log" "$size" --logtime >/dev/null
bytes=$(stat -c %s "$log")

# Correctness first: a fast wrong answer is worth nothing.
"$bench" "$log" >"$tmp/got.json" || true
python3 - "$log.expected.json" "$tmp/got.json" <<'PY'
import json, sys
want = json.load(open(sys.argv[1])); got = json.load(open(sys.argv[2]))
for k in ("outcome", "reported_errors", "codes", "tables", "rows"):
    if want[k] != got[k]:
        sys.exit(f"MISMATCH {k}: parser {got[k]!r}, expected {want[k]!r}")
print(f"figures match the generator: {got['tables']} tables, {got['rows']} rows, "
      f"{got['reported_errors']} errors, codes {','.join(got['codes'])}, verdict {got['verdict']}")
PY

cat "$log" >/dev/null   # warm the page cache for both

# best_of CMD...: prints "seconds peak_rss_kib" of the fastest of 5 runs.
best_of() {
  local best="" rss=0
  for _ in 1 2 3 4 5; do
    # Not >/dev/null: GNU grep notices it and stops at the first match.
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >"$tmp/out" 2>/dev/null || true
    read -r s m < <(tail -n 1 "$tmp/time")
    if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best $rss"
}

read -r t_parse rss_parse < <(best_of "$bench" "$log")
read -r t_grep rss_grep < <(best_of grep -c ORA- "$log")

# The command DBAs run, when a release binary is there (not built here: it takes minutes).
if [ -x "$target/release/bizscript" ]; then
  read -r t_cli rss_cli < <(best_of "$target/release/bizscript" log "$log")
  read -r t_json rss_json < <(best_of "$target/release/bizscript" log "$log" --json)
  cli="bizscript log FILE: ${t_cli}s (peak RSS $((rss_cli / 1024)) MiB); with --json: ${t_json}s (peak RSS $((rss_json / 1024)) MiB)"
fi

rc=0
python3 - "$bytes" "$t_parse" "$rss_parse" "$t_grep" "$rss_grep" <<'PY' || rc=$?
import sys
size, tp, rp, tg, rg = int(sys.argv[1]), *map(float, sys.argv[2:])
mb = size / 1e6
def mbps(t): return mb / t if t > 0 else float("inf")
print(f"log: {size / 2**20:.0f} MiB ({size} bytes)")
print(f"{'':14}{'seconds':>9}{'MB/s':>10}{'peak RSS':>12}")
print(f"{'parse_log':14}{tp:9.3f}{mbps(tp):10.0f}{rp/1024:9.1f} MiB")
print(f"{'grep -c ORA-':14}{tg:9.3f}{mbps(tg):10.0f}{rg/1024:9.1f} MiB")
ratio = (tg / tp) if tp > 0 else float("inf")
print(f"speed ratio parse_log/grep: {ratio:.2f} (requirement: >= 0.50)")
sys.exit(0 if ratio >= 0.5 else 1)
PY
[ -z "${cli:-}" ] || echo "$cli"
exit "$rc"
