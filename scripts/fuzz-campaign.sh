#!/usr/bin/env bash
# The long fuzzing campaign (issue 18): every target to an execution budget (or, for `analyze`,
# a time budget), then fuzz/RESULTS.md with what each target reached and found.
#
#   scripts/fuzz-campaign.sh [TARGET...]      (default: every target in fuzz/fuzz_targets)
#   scripts/fuzz-campaign.sh --results        (only rewrite fuzz/RESULTS.md from the logs)
#
# Environment:
#   CAMPAIGN_WORK   seeds, growing corpora, logs and artifacts (default fuzz/target/campaign,
#                   ignored by git); run several instances on different targets with the same
#                   folder and each one rewrites fuzz/RESULTS.md from every log present
#   CAMPAIGN_RUNS   executions per target (default 1000000)
#   CAMPAIGN_SECS   time cap per target in seconds (default 3600)
#   ANALYZE_SECS    time budget of the `analyze` target, run without an execution cap
#                   (default 3600: the issue asks for at least 60 minutes)
#   CAMPAIGN_NICE   niceness of the fuzzers (default 19: they use idle cycles only)
#   CAMPAIGN_TIMEOUT  seconds one input may take (default 10; on a loaded machine a niced
#                   fuzzer can be starved that long: re-time every timeout at normal priority)
#   CAMPAIGN_SANITIZER  `address` (default: AddressSanitizer) or `none` (libFuzzer alone,
#                   several times faster: msidiag has no `unsafe` code, and a panic, a hang or
#                   the memory limit is caught either way; each target's row names its build)
#   CAMPAIGN_MAX_LOAD  when set, each target waits until the 1-minute load average is below
#                   it before it starts (a second instance beside a running one on a shared
#                   machine: two fuzzers only while the machine is otherwise idle)
#
# Budgets: libFuzzer's -runs (executions) and -max_total_time (seconds), whichever comes
# first; -timeout=10 (a hang is > 10 s per input), -rss_limit_mb=2048 (AddressSanitizer's
# shadow and quarantine count in the RSS, so the 1 GiB limit of the issue is checked again
# without the sanitizer on whatever this limit catches), each target's -max_len of
# scripts/fuzz.sh. The corpus of every target starts from the committed minimized corpus
# (fuzz/corpus/<target>) and the seeds of scripts/fuzz-seeds.sh; it grows under
# $CAMPAIGN_WORK/corpus/<target>. The committed corpus is refreshed with
# scripts/fuzz-corpus.sh, not here. This script writes only under $CAMPAIGN_WORK and
# fuzz/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
# shellcheck source=scripts/fuzz-common.sh
. "$ROOT/scripts/fuzz-common.sh"
WORK="${CAMPAIGN_WORK:-$ROOT/fuzz/target/campaign}"
RUNS="${CAMPAIGN_RUNS:-1000000}"
SECS="${CAMPAIGN_SECS:-3600}"
ANALYZE_SECS="${ANALYZE_SECS:-3600}"
NICE="${CAMPAIGN_NICE:-19}"
SANITIZER="${CAMPAIGN_SANITIZER:-address}"
export CARGO_TERM_COLOR=never
fuzz() { RUSTC_BOOTSTRAP=1 cargo fuzz "$@"; }


# fuzz/RESULTS.md from the per-target logs ($WORK/<target>.log, $WORK/<target>.time).
write_results() {
    local out="$ROOT/fuzz/RESULTS.md" t log execs cov ft secs found n
    {
        echo "# Fuzzing campaign results"
        echo
        echo "Written by \`scripts/fuzz-campaign.sh\` from its logs (do not edit the table by hand;"
        echo "the notes below it are kept in \`fuzz/RESULTS-notes.md\`). Coverage is libFuzzer's"
        echo "\`cov:\` (edges) and \`ft:\` (features) of each target's last status line. Budgets: at"
        echo "least ${RUNS} executions per target, \`analyze\` at least $((ANALYZE_SECS / 60)) minutes;"
        echo "\`cargo fuzz build --release --debug-assertions\` with the sanitizer named in the build"
        echo "column (\`address\`: AddressSanitizer; \`none\`: libFuzzer alone), one process per target"
        echo "at nice ${NICE} on a shared 2-core machine."
        echo
        echo "| target | build | executions | cov | ft | time | exec/s | found |"
        echo "|---|---|---:|---:|---:|---:|---:|---|"
        for log in "$WORK"/*.log; do
            [ -f "$log" ] || continue
            # <target>.log, or <target>.run<N>.log for an earlier run of a target.
            t="$(basename "$log" .log)"
            [ -f "$ROOT/fuzz/fuzz_targets/${t%%.run*}.rs" ] || continue
            execs="$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -n1 || true)"
            cov="$(grep -oE 'cov: [0-9]+' "$log" | tail -n1 | awk '{print $2}' || true)"
            ft="$(grep -oE 'ft: [0-9]+' "$log" | tail -n1 | awk '{print $2}' || true)"
            secs="$(cat "$WORK/$t.time" 2>/dev/null || echo '?')"
            # This run's artifacts: written after the previous run of the target ended.
            local since="$WORK/seeds" o
            for o in "$WORK/${t%%.run*}".log "$WORK/${t%%.run*}".run*.log; do
                if [ -f "$o" ] && [ "$o" != "$log" ] && [ "$o" -ot "$log" ] && [ "$o" -nt "$since" ]; then
                    since="$o"
                fi
            done
            n="$(find "$WORK/artifacts/${t%%.run*}" -type f -newer "$since" ! -newer "$log" 2>/dev/null | wc -l)"
            if [ -z "$execs" ]; then
                found="(running or stopped early: see the log)"
                execs="$(grep -oE '^#[0-9]+' "$log" | tail -n1 | tr -d '#' || true)"
                execs="${execs:-?}"
            elif [ "$n" -eq 0 ]; then
                found="nothing"
            else
                found="$n artifact(s): $(cd "$WORK/artifacts/${t%%.run*}" && find . -type f -newer "$since" ! -newer "$log" -printf '%f\n' | sed -E 's/-[0-9a-f]+$//' | sort | uniq -c | awk '{printf "%s %s ", $1, $2}')"
            fi
            local rate='?'
            if [[ "$execs" =~ ^[0-9]+$ && "$secs" =~ ^[0-9]+$ && "$secs" -gt 0 ]]; then
                rate=$((execs / secs))
            fi
            local build
            build="$(cat "$WORK/$t.sanitizer" 2>/dev/null || echo address)"
            echo "| $t | $build | $execs | ${cov:-?} | ${ft:-?} | ${secs}s | $rate | $found |"
        done
        for f in "$ROOT"/fuzz/fuzz_targets/*.rs; do
            t="$(basename "$f" .rs)"
            [ -f "$WORK/$t.log" ] || echo "| $t | - | 0 | - | - | - | - | not run in this campaign yet |"
        done
        echo
        if [ -f "$ROOT/fuzz/RESULTS-notes.md" ]; then
            cat "$ROOT/fuzz/RESULTS-notes.md"
        fi
    } >"$out.tmp"
    mv "$out.tmp" "$out"
    echo "fuzz-campaign.sh: wrote fuzz/RESULTS.md"
}

if [ "${1:-}" = "--results" ]; then
    write_results
    exit 0
fi

fuzz_targets "$@"

mkdir -p "$WORK"
SEEDS="$WORK/seeds"
if [ ! -d "$SEEDS" ]; then
    scripts/fuzz-seeds.sh "$SEEDS"
fi
if ! fuzz build --release --debug-assertions --sanitizer "$SANITIZER" >"$WORK/build.log" 2>&1; then
    tail -n 40 "$WORK/build.log"
    echo "fuzz-campaign.sh: the fuzz targets do not build"
    exit 1
fi

for t in "${TARGETS[@]}"; do
    mkdir -p "$WORK/corpus/$t" "$WORK/artifacts/$t" "$SEEDS/$t" "fuzz/corpus/$t"
    if [ "$t" = analyze ]; then
        budget=(-runs=-1 -max_total_time="$ANALYZE_SECS")
    else
        budget=(-runs="$RUNS" -max_total_time="$SECS")
    fi
    if [ -n "${CAMPAIGN_MAX_LOAD:-}" ]; then
        while awk -v max="$CAMPAIGN_MAX_LOAD" '{exit !($1 >= max)}' /proc/loadavg; do
            sleep 20
        done
    fi
    echo "fuzz-campaign.sh: $t (${budget[*]}) at $(date -u +%H:%M:%S)"
    start=$(date +%s)
    set +e
    # The fuzzer binary itself, not `cargo fuzz run`: no rebuild, and nice applies to it.
    nice -n "$NICE" "fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release/$t" \
        "$WORK/corpus/$t" "fuzz/corpus/$t" "$SEEDS/$t" \
        "${budget[@]}" -timeout="${CAMPAIGN_TIMEOUT:-10}" -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
        -print_final_stats=1 -artifact_prefix="$WORK/artifacts/$t/" $(dict "$t") $(leaks "$t") \
        >"$WORK/$t.log" 2>&1
    code=$?
    set -e
    echo $(($(date +%s) - start)) >"$WORK/$t.time"
    echo "$SANITIZER" >"$WORK/$t.sanitizer"
    echo "fuzz-campaign.sh: $t exit $code, $(grep -E '^stat::number_of_executed_units' "$WORK/$t.log" | awk '{print $2}') executions"
    write_results
done
