#!/usr/bin/env bash
# Speed of `bizscript log` against `grep -c ORA-` on the same large log, side by side in one run.
#
# Usage: benches/parse_log.sh [SIZE_MIB]   (default 256)
#
# Builds the release `bizscript` binary and the bench program `parse_log_bench` (the parser alone: no
# CLI, no Rhai), generates a log with ../shared/bench/gen_big_log.py SIZE --logtime into a temp
# dir, checks the parser's figures against the generator's expected JSON, then times grep, the
# parser, `bizscript log FILE` and `bizscript log FILE --json` on the warm file (best of 5 runs
# each: wall seconds, CPU seconds user+system, peak RSS) and checks the requirements:
#   parse_log at least half grep's speed; `bizscript log --json` at most 2x grep's wall time.
# The machine may be shared: CPU seconds say what the programs cost when wall time is noisy.
set -euo pipefail

size=${1:-256}
root=$(cd "$(dirname "$0")/.." && pwd)
gen=""
for dir in "$root/.." "$root/../.." "$root/../../.."; do
  [ -f "$dir/shared/bench/gen_big_log.py" ] && { gen="$dir/shared/bench/gen_big_log.py"; break; }
done
[ -n "$gen" ] || { echo "skipped: shared/bench/gen_big_log.py is absent"; exit 0; }

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
cargo build --release -p bizscript --bin bizscript --manifest-path "$root/Cargo.toml" >&2
cli="$target/release/bizscript"

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
"$cli" log "$log" --json >"$tmp/cli.json" || true
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/cli.json" \
  || { echo "MISMATCH: bizscript log --json is not JSON"; exit 1; }

cat "$log" >/dev/null   # warm the page cache for all

# best_of CMD...: prints "wall_seconds cpu_seconds peak_rss_kib" of the fastest of 5 runs.
best_of() {
  local best="" cpu="" rss=0
  for _ in 1 2 3 4 5; do
    # Not >/dev/null: GNU grep notices it and stops at the first match.
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@" >"$tmp/out" 2>/dev/null || true
    read -r s u y m < <(tail -n 1 "$tmp/time")
    if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then
      best=$s; cpu=$(awk "BEGIN{print $u + $y}")
    fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best $cpu $rss"
}

read -r t_grep c_grep r_grep < <(best_of grep -c ORA- "$log")
read -r t_parse c_parse r_parse < <(best_of "$bench" "$log")
read -r t_cli c_cli r_cli < <(best_of "$cli" log "$log")
read -r t_json c_json r_json < <(best_of "$cli" log "$log" --json)

python3 - "$bytes" "$t_grep" "$c_grep" "$r_grep" "$t_parse" "$c_parse" "$r_parse" \
  "$t_cli" "$c_cli" "$r_cli" "$t_json" "$c_json" "$r_json" <<'PY'
import sys
size = int(sys.argv[1]); v = list(map(float, sys.argv[2:]))
rows = [("grep -c ORA-", *v[0:3]), ("parse_log", *v[3:6]),
        ("bizscript log", *v[6:9]), ("log --json", *v[9:12])]
mb = size / 1e6
print(f"log: {size / 2**20:.0f} MiB ({size} bytes)")
print(f"{'':15}{'wall s':>8}{'cpu s':>8}{'MB/s':>8}{'peak RSS':>12}")
for name, t, c, r in rows:
    print(f"{name:15}{t:8.3f}{c:8.3f}{(mb / t if t else 0):8.0f}{r / 1024:9.1f} MiB")
tg, cg = v[0], v[1]
speed = tg / v[3] if v[3] else float("inf")
json_wall = v[9] / tg if tg else float("inf")
json_cpu = v[10] / cg if cg else float("inf")
print(f"parse_log speed / grep speed: {speed:.2f} (requirement: >= 0.50)")
print(f"bizscript log --json / grep -c ORA-: wall {json_wall:.2f}x, cpu {json_cpu:.2f}x (requirement: wall <= 2.00)")
sys.exit(0 if speed >= 0.5 and json_wall <= 2.0 else 1)
PY
