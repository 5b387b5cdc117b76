# Sourced by scripts/fuzz.sh, fuzz-campaign.sh and fuzz-corpus.sh (not run on its own): the
# per-target libFuzzer settings and the target list, kept in one place. Expects ROOT (the
# repository) to be set; defines TARGETS from the arguments given to the sourcing script.

# The targets named on the command line, or every target in fuzz/fuzz_targets.
fuzz_targets() {
    TARGETS=()
    if [ "$#" -gt 0 ]; then
        TARGETS=("$@")
    else
        for f in "$ROOT"/fuzz/fuzz_targets/*.rs; do
            TARGETS+=("$(basename "$f" .rs)")
        done
    fi
}

# The largest input libFuzzer makes for a target.
max_len() {
    case "$1" in
        evtx) echo 200000 ;;
        analyze) echo 140000 ;;
        archive | pml) echo 65536 ;;
        folder) echo 1024 ;;
        *) echo 16384 ;;
    esac
}

# The dictionary of MSI-log tokens for the targets that read text logs.
dict() {
    case "$1" in
        msilog | analyze | sniff) echo "-dict=$ROOT/fuzz/dict/msilog.dict" ;;
    esac
}

# `analyze` builds a rayon pool per run, and dropping a rayon pool does not join its worker
# threads: LeakSanitizer then reports the exiting workers' queues (1.6 KB, not input-driven),
# which stopped a campaign run. Leak checking is off for that target only.
leaks() {
    case "$1" in
        analyze) echo "-detect_leaks=0" ;;
    esac
}

# The executions of each target's short run in scripts/fuzz.sh (with its time budget, whichever
# comes first): about half of what CI's machine reached in 40 s, so that with the commit's seed
# the run is the same sequence of inputs wherever it runs, and a crash CI would find is found
# by the same run on a clone first.
ci_runs() {
    case "$1" in
        analyze) echo 800 ;;
        archive) echo 100000 ;;
        evtx) echo 5000 ;;
        folder) echo 17000 ;;
        msilog) echo 10000 ;;
        pml) echo 2300 ;;
        procmon_csv) echo 3700 ;;
        rules) echo 24000 ;;
        sniff) echo 7000 ;;
        *) echo 5000 ;;
    esac
}
