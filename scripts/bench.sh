#!/usr/bin/env bash
# Runs the benchmarks and writes their figures, with the command, date, machine
# and git revision, to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
cargo bench -p openadr --bench codec -- --warm-up-time 1 --measurement-time 5 >/dev/null

{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (scripts/bench.sh); do not edit by hand."
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- revision: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "- rustc: $(rustc --version)"
  echo
  echo "## openadr codec (criterion, \`cargo bench -p openadr --bench codec\`)"
  echo
  echo "| benchmark | median | 95% interval | target |"
  echo "|---|---|---|---|"
  for dir in "$target"/criterion/*/new; do
    name=$(basename "$(dirname "$dir")" | sed 's/_/\//')
    python3 - "$dir/estimates.json" "$name" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["median"]
targets = {"oadrPoll/parse": "< 3 µs", "oadrDistributeEvent-24h/write": "< 30 µs", "oadrUpdateReport-96x2/parse": "< 150 µs"}
def fmt(ns):
    return f"{ns/1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"
ci = e["confidence_interval"]
print(f"| {sys.argv[2]} | {fmt(e['point_estimate'])} | {fmt(ci['lower_bound'])} – {fmt(ci['upper_bound'])} | {targets.get(sys.argv[2], '')} |")
PY
  done
} > BENCHMARKS.md
cat BENCHMARKS.md
