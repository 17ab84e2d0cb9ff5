#!/usr/bin/env bash
# Times the goals in BENCHMARKS.md end to end, as the release binary runs them: the median
# wall time of RUNS runs (default 3) and the peak resident memory, with GNU time.
#   benches/measure.sh                 # everything (about an hour on 2 cores)
#   benches/measure.sh son-la mc       # only these: son-la mc n100 n1000 n5000
# Criterion benches of each stage: cargo bench --bench engine
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
what=${*:-son-la mc n100 n1000 n5000}
cargo build --release --quiet
bin=target/release/bienche
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

# time_it LABEL COMMAND…: RUNS runs; prints the median wall time, every run's time, the
# peak RSS, and the last run's summary lines.
time_it() {
  local label=$1; shift
  : > "$tmp/$label.times"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" > "$tmp/$label.out" 2> "$tmp/$label.err"
    cat "$tmp/time" >> "$tmp/$label.times"
  done
  printf '%s: median %s s (runs: %s), peak RSS %s MB\n' "$label" \
    "$(cut -d' ' -f1 "$tmp/$label.times" | median)" \
    "$(cut -d' ' -f1 "$tmp/$label.times" | paste -sd' ')" \
    "$(cut -d' ' -f2 "$tmp/$label.times" | sort -g | tail -1 | awk '{printf "%.0f", $1/1024}')"
  grep -E '^(solver|time|planned|objective|targets|cost|simulated|[0-9]+ draws)' "$tmp/$label.out" "$tmp/$label.err" 2>/dev/null \
    | sed 's/^[^:]*://; s/^/    /' || true
}

national() { # UNITS PROVINCES
  "$bin" generate --units "$1" --provinces "$2" --seed 1 --out "$tmp/n$1" --force 2>/dev/null
  time_it "n$1 ($1 units, $2 provinces, gap ${3})" "$bin" plan "$tmp/n$1" --out "$tmp/n$1-out" --gap "$3" --threads 2
}

for w in $what; do
  case $w in
    son-la) time_it "son-la plan" "$bin" plan scenarios/son-la --out "$tmp/son-la" ;;
    mc)
      "$bin" plan scenarios/son-la --out "$tmp/son-la-mc" -q
      time_it "son-la monte carlo 1000 draws" "$bin" simulate "$tmp/son-la-mc" --draws 1000 --seed 1 --threads 2 ;;
    n100) national 100 1 0.001 ;;
    n1000) national 1000 7 0.005 ;;
    n5000) national 5000 34 0.005 ;;
    *) echo "unknown: $w (son-la mc n100 n1000 n5000)" >&2; exit 2 ;;
  esac
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GB; $("$bin" --version)"
