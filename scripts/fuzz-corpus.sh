#!/usr/bin/env bash
# Minimizes the campaign's corpora into the committed ones (fuzz/corpus/<target>):
#
#   scripts/fuzz-corpus.sh [TARGET...]     (default: every target in fuzz/fuzz_targets)
#
# For each target, libFuzzer's merge (-merge=1, what `cargo fuzz cmin` runs) keeps the
# smallest set of inputs of the committed corpus, of the project's own seeds and of
# $CAMPAIGN_WORK/corpus/<target> (see scripts/fuzz-campaign.sh) that covers every feature they
# cover together, after scripts/fuzz-corpus-filter.py dropped every input that carries text of
# the third-party corpus (../shared/corpus is never copied into the repository); inputs larger than
# CORPUS_MAX_BYTES (default 64 KiB; 200,000 bytes for `evtx`, whose smallest file is a header
# and one 64 KiB chunk; 4,096 bytes for `analyze`, whose corpus grows large) are left out so
# the committed corpora stay a few MB in total. scripts/fuzz.sh replays these corpora in CI.
# Writes only fuzz/corpus and a temporary folder under $CAMPAIGN_WORK.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
# shellcheck source=scripts/fuzz-common.sh
. "$ROOT/scripts/fuzz-common.sh"
WORK="${CAMPAIGN_WORK:-$ROOT/fuzz/target/campaign}"
MAX="${CORPUS_MAX_BYTES:-65536}"
HOST="$(rustc -vV | sed -n 's/^host: //p')"
fuzz_targets "$@"
for t in "${TARGETS[@]}"; do
    [ -d "$WORK/corpus/$t" ] || [ -d "$WORK/seeds/$t" ] || continue
    merged="$WORK/merged/$t"
    small="$WORK/small/$t"
    rm -rf "$merged" "$small"
    mkdir -p "$merged" "$small" "fuzz/corpus/$t"
    max="$MAX"
    [ "$t" = evtx ] && max="${CORPUS_MAX_BYTES:-200000}"
    [ "$t" = analyze ] && max="${CORPUS_MAX_BYTES:-4096}"
    # Candidates: the project's own seeds, the campaign's corpus and the committed corpus;
    # whatever carries text of the third-party corpus (seeds named *shared_corpus*, and the
    # inputs the fuzzer grew from them) is dropped: the repository holds no copy of it.
    third="$WORK/third-party/$t"
    rm -rf "$third"
    mkdir -p "$third"
    find "$WORK/seeds/$t" -type f -name '*shared_corpus*' -exec cp -t "$third" {} + 2>/dev/null || true
    find "$WORK/corpus/$t" "$WORK/seeds/$t" "fuzz/corpus/$t" -type f ! -name '*shared_corpus*' \
        -size -"$((max + 1))"c -exec cp -t "$small" {} + 2>/dev/null || true
    own="$WORK/own/$t"
    rm -rf "$own"
    mkdir -p "$own"
    find "$WORK/seeds/$t" -type f ! -name '*shared_corpus*' -exec cp -t "$own" {} + 2>/dev/null || true
    python3 scripts/fuzz-corpus-filter.py "$third" "$own" "$small"
    nice -n 19 "fuzz/target/$HOST/release/$t" -merge=1 -timeout=10 -rss_limit_mb=2048 \
        "$merged" "$small" >"$WORK/$t.merge.log" 2>&1
    rm -rf "fuzz/corpus/$t"
    mv "$merged" "fuzz/corpus/$t"
    echo "fuzz-corpus.sh: $t: $(find "fuzz/corpus/$t" -type f | wc -l) inputs, $(du -sh "fuzz/corpus/$t" | cut -f1)"
done
du -sh fuzz/corpus
