#!/usr/bin/env bash
# Runs every subcommand on the sample data with two wfm binaries and compares what they
# write, byte for byte (stderr and stdout with timings and paths masked). For refactors
# that must not change results:
#   git worktree add /tmp/before <REV> && (cd /tmp/before && CARGO_TARGET_DIR=/tmp/before-target cargo build --bin wfm)
#   cargo build --bin wfm
#   scripts/same-outputs.sh /tmp/before-target/debug/wfm "$CARGO_TARGET_DIR/debug/wfm"
# Exit code 0 when every output is identical, 1 otherwise (the differing files listed).
set -u
cd "$(dirname "$0")/.."
sample=$PWD/data/sample
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_all() {
    local wfm=$1 out=$2
    mkdir -p "$out"
    run() {
        local name=$1
        shift
        "$@" >"$out/$name.stdout" 2>"$out/$name.stderr"
        echo "$name exit $?" >>"$out/exits.txt"
    }
    run plan "$wfm" plan --config "$sample/plan.toml" --out "$out/plan"
    run forecast "$wfm" forecast --history "$sample/history.csv" --start 2026-12-01 --days 14 \
        --calendar "$sample/calendar.csv" --open "Mon-Fri 08:00-20:00, Sat-Sun 09:00-17:00" \
        --tz Europe/London -o "$out/forecast.csv"
    run staff "$wfm" staff --forecast "$out/forecast.csv" --targets "$sample/targets.toml" -o "$out/req.csv"
    run schedule "$wfm" schedule --requirements "$out/req.csv" --shifts "$sample/shifts.toml" \
        --start 2026-12-01 --days 7 --tz Europe/London -o "$out/shifts.csv" --coverage "$out/cov.csv"
    run roster "$wfm" roster --requirements "$out/req.csv" --agents "$sample/agents.csv" \
        --contracts "$sample/contracts.toml" --availability "$sample/availability.csv" \
        --shifts "$sample/shifts.toml" --start 2026-12-07 --days 7 --tz Europe/London \
        -o "$out/roster.csv" --coverage "$out/rcov.csv" --summary "$out/rsum.csv" --time-limit 20s
    run check "$wfm" roster check --roster "$out/roster.csv" --agents "$sample/agents.csv" \
        --contracts "$sample/contracts.toml" --shifts "$sample/shifts.toml"
    run backtest "$wfm" backtest --history "$sample/history.csv" --horizon 7 --origins 2 \
        --tz Europe/London -o "$out/backtest.csv"
    run ingest "$wfm" ingest "$sample/history.csv" --tz Europe/London -o "$out/history.csv"
    run erlang "$wfm" erlang --calls 100 --interval 30m --aht 180s --sl 80/20
    run erlang-json "$wfm" erlang --calls 100 --interval 30m --aht 180s --sl 80/20 --json
}

masked() {
    sed -E 's/[0-9]+(\.[0-9]+)? ?(s|ms)\b/T/g' "$1" | sed "s#$2#OUT#g"
}

run_all "$1" "$work/a"
run_all "$2" "$work/b"
status=0
while IFS= read -r file; do
    case "$file" in
    *.stdout | *.stderr)
        cmp -s <(masked "$work/a/$file" "$work/a") <(masked "$work/b/$file" "$work/b") ;;
    *) cmp -s "$work/a/$file" "$work/b/$file" ;;
    esac || { echo "differs: $file"; status=1; }
done < <(cd "$work/a" && find . -type f | sort)
[ "$status" = 0 ] && echo "all outputs identical"
exit "$status"
