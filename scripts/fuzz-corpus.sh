#!/usr/bin/env bash
# Minimizes the campaign's corpora into the committed ones (fuzz/corpus/<target>):
#
#   scripts/fuzz-corpus.sh [TARGET...]     (default: every target in fuzz/fuzz_targets)
#
# For each target, libFuzzer's merge (-merge=1, what `cargo fuzz cmin` runs) keeps the
# smallest set of inputs of the committed corpus and of $CAMPAIGN_WORK/corpus/<target> (see
# scripts/fuzz-campaign.sh) that covers every feature they cover together; inputs larger than
# CORPUS_MAX_BYTES (default 64 KiB) are left out so the committed corpora stay a few MB in
# total. scripts/fuzz.sh replays these corpora in CI. Writes only fuzz/corpus and a temporary
# folder under $CAMPAIGN_WORK.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
WORK="${CAMPAIGN_WORK:-$ROOT/fuzz/target/campaign}"
MAX="${CORPUS_MAX_BYTES:-65536}"
HOST="$(rustc -vV | sed -n 's/^host: //p')"
if [ "$#" -gt 0 ]; then
    TARGETS=("$@")
else
    TARGETS=()
    for f in fuzz/fuzz_targets/*.rs; do
        TARGETS+=("$(basename "$f" .rs)")
    done
fi
for t in "${TARGETS[@]}"; do
    [ -d "$WORK/corpus/$t" ] || continue
    merged="$WORK/merged/$t"
    small="$WORK/small/$t"
    rm -rf "$merged" "$small"
    mkdir -p "$merged" "$small" "fuzz/corpus/$t"
    find "$WORK/corpus/$t" "fuzz/corpus/$t" -type f -size -"$((MAX + 1))"c -exec cp -t "$small" {} +
    nice -n 19 "fuzz/target/$HOST/release/$t" -merge=1 -timeout=10 -rss_limit_mb=2048 \
        "$merged" "$small" >"$WORK/$t.merge.log" 2>&1
    rm -rf "fuzz/corpus/$t"
    mv "$merged" "fuzz/corpus/$t"
    echo "fuzz-corpus.sh: $t: $(find "fuzz/corpus/$t" -type f | wc -l) inputs, $(du -sh "fuzz/corpus/$t" | cut -f1)"
done
du -sh fuzz/corpus
