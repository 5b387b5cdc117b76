#!/usr/bin/env bash
# Whole-run benchmark of `msidiag analyze` on large generated inputs, against reference tools run
# alternately on the same files, in the same run:
#
#   Procmon CSV  vs  examples/csv_iter_ref (the `csv` crate iterating ByteRecords, one thread)
#   PML          vs  Python procmon-parser (PyPI) iterating the capture
#   EVTX         vs  evtx_dump -o jsonl (the `evtx` crate's own binary), same thread count
#   MSI log      vs  rg -c 'Return value 3' (UTF-16LE log)
#   peak RSS on the 1 GB inputs, a 4 GB CSV, a 4 GB PML, a 4 GB MSI log and a folder of 50 EVTX
#   files of 20 MB
#   scaling: --threads 2 vs --threads 1 on every input
#   user rules: the MSI log and the Procmon CSV with 100 generated user rules (docs/rules.md)
#   against the same run without them (target: at most 1.5x)
#
# Two sets of inputs: generated ones (examples/gen_bench_inputs.rs) and real-content ones built
# at bench time from the third-party files of ../shared/corpus (when present; never copied into
# the repository): the corpus' UTF-16LE MSI logs concatenated and repeated to MSILOG_BYTES (and
# BIG_MSILOG_BYTES for peak memory), and the chunks of
# corpus/evtx/anotherc0ne-EventLog/Application.evtx repeated to EVTX_BYTES (renumbered, CRCs
# fixed up: `gen_bench_inputs corpus-msilog|corpus-evtx`).
#
# Prints a table of medians and ratios and writes it to bench/RESULTS.md (with the machine's CPU,
# core count and load). Inputs are generated into $BENCH_DIR (default target/bench-inputs),
# never into the repository, and deleted at the end unless KEEP_INPUTS=1.
#
#   scripts/bench.sh            full mode: 1 GB inputs, 4 GB RSS inputs (~15 GB of disk)
#   scripts/bench.sh --quick    ~100 MB inputs, 400 MB RSS inputs, fewer runs
#   scripts/bench.sh [--quick] --user-rules-only
#                               only the user-rules runs; replaces the "User rules" section of
#                               bench/RESULTS.md and keeps the rest of it
#
# Environment (sizes in bytes): CSV_BYTES PML_BYTES EVTX_BYTES MSILOG_BYTES BIG_CSV_BYTES
# BIG_PML_BYTES BIG_MSILOG_BYTES CORPUS (default ../shared/corpus) EVTX_FOLDER_COUNT
# EVTX_FOLDER_EACH RUNS PY_RUNS SHORT_RUNS THREADS BENCH_DIR BENCH_TOOLS (SHORT_RUNS: runs of the
# 100 MB event logs, which take tens of milliseconds: more runs for a steady median)
# RESULTS (output file), MSIDIAG_BASELINE (a second msidiag binary timed alongside, e.g. the
# build before a change: adds a "before" column), KEEP_INPUTS=1.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
MODE=full
RULES_ONLY=0
BENCH_ARGS="$*"
for arg in "$@"; do
  case $arg in
    --quick) MODE=quick ;;
    --user-rules-only) RULES_ONLY=1 ;;
    *) echo "usage: scripts/bench.sh [--quick] [--user-rules-only]" >&2; exit 2 ;;
  esac
done

if [[ $MODE == quick ]]; then
  : "${CSV_BYTES:=100000000}" "${PML_BYTES:=100000000}" "${EVTX_BYTES:=100000000}"
  : "${MSILOG_BYTES:=100000000}" "${BIG_CSV_BYTES:=400000000}" "${BIG_PML_BYTES:=400000000}"
  : "${EVTX_FOLDER_COUNT:=10}" "${EVTX_FOLDER_EACH:=20000000}" "${RUNS:=3}" "${PY_RUNS:=1}" "${SHORT_RUNS:=9}"
  : "${BIG_MSILOG_BYTES:=400000000}"
else
  : "${CSV_BYTES:=1000000000}" "${PML_BYTES:=1000000000}" "${EVTX_BYTES:=100000000}"
  : "${MSILOG_BYTES:=1000000000}" "${BIG_CSV_BYTES:=4000000000}" "${BIG_PML_BYTES:=4000000000}"
  : "${EVTX_FOLDER_COUNT:=50}" "${EVTX_FOLDER_EACH:=20000000}" "${RUNS:=5}" "${PY_RUNS:=2}" "${SHORT_RUNS:=21}"
  : "${BIG_MSILOG_BYTES:=4000000000}"
fi
: "${CORPUS:=$ROOT/../shared/corpus}"
: "${THREADS:=$(nproc)}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
: "${BENCH_DIR:=$TARGET/bench-inputs}"
: "${BENCH_TOOLS:=$TARGET/bench-tools}"
: "${RESULTS:=$ROOT/bench/RESULTS.md}"
mkdir -p "$BENCH_DIR" "$BENCH_TOOLS" "$(dirname "$RESULTS")"

log() { printf '[bench] %s\n' "$*" >&2; }

# ------------------------------------------------------------------ build and references
log "building msidiag and the benchmark helpers (release)"
cargo build --release --quiet --bin msidiag --example gen_bench_inputs --example csv_iter_ref
MSIDIAG="$TARGET/release/msidiag"
GEN="$TARGET/release/examples/gen_bench_inputs"
CSVREF="$TARGET/release/examples/csv_iter_ref"
BASELINE="${MSIDIAG_BASELINE:-}"

# ------------------------------------------------------------------ user rules
# 100 rules a support team could write: vendor custom-action messages and error numbers,
# agents denied or holding files in Procmon, event-log records; none matches the generated
# inputs' lines, so the cost measured is the matching itself (every line and row is tested).
gen_user_rules() { # file
  local n
  {
    for ((n = 0; n < 50; n++)); do
      printf '[[rule]]\nid = "vendor-ca-%d"\ntitle = "Vendor%d custom action failed: {code}"\nsummary = "The Vendor%d licence action returned {code}."\n' "$n" "$n" "$n"
      printf '  [[rule.match]]\n  source = "msilog"\n  line = %s\n\n' "'Vendor${n}Licen[cs]e: (?:check|activation) failed with (?P<code>0x[0-9A-Fa-f]{8})'"
    done
    for ((n = 0; n < 20; n++)); do
      printf '[[rule]]\nid = "vendor-error-%d"\ntitle = "Vendor error %d"\nsummary = "The package shows its own error %d."\n' "$n" "$((25000 + n))" "$((25000 + n))"
      printf '  [[rule.match]]\n  source = "msilog"\n  error = %d\n  line = %s\n\n' "$((25000 + n))" "'(?i)contoso|fabrikam|northwind'"
    done
    for ((n = 0; n < 20; n++)); do
      printf '[[rule]]\nid = "agent-denied-%d"\ntitle = "Agent%d was denied {path}"\nsummary = "Agent%d was denied {path} during the install."\n' "$n" "$n" "$n"
      printf '  [[rule.match]]\n  source = "procmon"\n  process = %s\n  path = %s\n  result = %s\n\n' \
        "'(?i)^agent${n}svc\.exe\$'" "'(?i)^(?P<path>C:\\\\Program Files\\\\Agent${n}\\\\.*)'" "'^(?:ACCESS DENIED|SHARING VIOLATION)\$'"
    done
    for ((n = 0; n < 10; n++)); do
      printf '[[rule]]\nid = "agent-event-%d"\ntitle = "Agent%d logged a failure"\nsummary = "The Application log has Agent%d event %d."\n' "$n" "$n" "$n" "$((4000 + n))"
      printf '  [[rule.match]]\n  source = "evtx"\n  provider = "Agent%dService"\n  event_id = %d\n\n' "$n" "$((4000 + n))"
    done
  } > "$1"
}

if [[ $RULES_ONLY == 0 ]] && ! command -v rg >/dev/null; then
  log "installing ripgrep"
  (apt-get update -qq && apt-get install -y -qq ripgrep) >&2 || { log "cannot install ripgrep"; exit 1; }
fi
RG="$(command -v rg || true)"

user_rules_section() { # -> USER_RULES rows
  local rules="$BENCH_DIR/user-rules.toml" name file i a=() b=() ca=() cb=() ma mb mca mcb t
  gen_user_rules "$rules"
  "$MSIDIAG" rules check "$rules" >&2 || { log "generated rules do not check"; exit 1; }
  USER_RULES=()
  for name in "MSI log UTF-16LE $(numfmt --to=si "$MSILOG_BYTES")B" "Procmon CSV $(numfmt --to=si "$CSV_BYTES")B"; do
    case $name in MSI*) file=$MSILOG ;; *) file=$CSV ;; esac
    a=(); b=(); ca=(); cb=()
    log "user rules on $name: $RUNS alternating runs"
    for ((i = 0; i < RUNS; i++)); do
      t=$(wall_cpu "$MSIDIAG" analyze --threads "$THREADS" --no-user-rules "$file")
      a+=("${t% *}"); ca+=("${t#* }")
      t=$(wall_cpu "$MSIDIAG" analyze --threads "$THREADS" --no-user-rules --rules "$rules" "$file")
      b+=("${t% *}"); cb+=("${t#* }")
    done
    ma=$(printf '%s\n' "${a[@]}" | median)
    mb=$(printf '%s\n' "${b[@]}" | median)
    mca=$(printf '%s\n' "${ca[@]}" | median)
    mcb=$(printf '%s\n' "${cb[@]}" | median)
    USER_RULES+=("| $name | $ma | $mb | $(ratio "$mb" "$ma")× | $mca | $mcb | $(ratio "$mcb" "$mca")× |")
    log "$name: without ${ma}s (CPU ${mca}s), with 100 user rules ${mb}s (CPU ${mcb}s)"
  done
}
user_rules_report() {
  echo "<!-- user-rules -->"
  echo "## User rules (100 generated rules: 70 MSI log, 20 Procmon, 10 event log)"
  echo
  echo "Measured by \`scripts/bench.sh${BENCH_ARGS:+ $BENCH_ARGS}\` ($MODE mode: these input sizes) on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git rev-parse --short HEAD 2>/dev/null || echo '?')\`, load average $(cut -d' ' -f1-3 /proc/loadavg), \`--threads $THREADS\`, $RUNS alternating runs, medians in seconds of wall time and of CPU time (user + system, steadier on a shared machine). Every MSI log line the reader drops is searched for the line patterns that can match it by text (one multi-pattern search per window) and every Procmon row it drops is tested field by field (one RegexSet per field); the kept events are matched through one pattern index per session (docs/rules.md). None of the rules matches the generated inputs. Target: at most 1.5×."
  echo
  echo "| input | without user rules s | with 100 user rules s | cost | CPU without s | CPU with s | CPU cost |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${USER_RULES[@]}"
  echo "<!-- /user-rules -->"
}
if [[ $RULES_ONLY == 0 ]]; then
EVTX_VERSION="$(awk '/^name = "evtx"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
EVTX_DUMP="$BENCH_TOOLS/bin/evtx_dump"
if [[ ! -x "$EVTX_DUMP" ]] || ! "$EVTX_DUMP" --version 2>/dev/null | grep -q "$EVTX_VERSION"; then
  PREBUILT=/work/evtx-dump-bin/bin/evtx_dump
  if [[ -x $PREBUILT ]] && "$PREBUILT" --version 2>/dev/null | grep -q "$EVTX_VERSION"; then
    EVTX_DUMP=$PREBUILT
  else
    log "installing evtx_dump $EVTX_VERSION (cargo install evtx)"
    cargo install evtx --version "$EVTX_VERSION" --locked --root "$BENCH_TOOLS" --quiet >&2
  fi
fi

VENV="$BENCH_DIR/venv"
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import procmon_parser' 2>/dev/null; then
  log "installing procmon-parser into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet procmon-parser >&2
fi
PML_REF="$BENCH_DIR/pml_iter.py"
cat > "$PML_REF" <<'PY'
import sys
from procmon_parser import ProcmonLogsReader
with open(sys.argv[1], "rb") as f:
    n = sum(1 for _ in ProcmonLogsReader(f))
print(n)
PY

fi

# ------------------------------------------------------------------ inputs
gen() { # kind file bytes
  if [[ ! -s "$2" ]] || [[ "$(cat "$2.size" 2>/dev/null)" != "$3" ]]; then
    log "generating $2 ($3 bytes)"
    "$GEN" "$1" "$2" "$3"
    echo "$3" > "$2.size"
  fi
}
CSV="$BENCH_DIR/procmon.csv";   gen procmon-csv "$CSV" "$CSV_BYTES"
MSILOG="$BENCH_DIR/install.log"; gen msilog "$MSILOG" "$MSILOG_BYTES"
PML="$BENCH_DIR/capture.pml"
EVTX="$BENCH_DIR/system.evtx"
if [[ $RULES_ONLY == 0 ]]; then
  gen pml "$PML" "$PML_BYTES"
  gen evtx "$EVTX" "$EVTX_BYTES"
fi
# Real content from the corpus (skipped when the corpus is not there).
gen_corpus() { # kind corpus-source file bytes
  if [[ ! -s "$3" ]] || [[ "$(cat "$3.size" 2>/dev/null)" != "$4" ]]; then
    log "building $3 from $2 ($4 bytes)"
    "$GEN" "$1" "$2" "$3" "$4"
    echo "$4" > "$3.size"
  fi
}
CORPUS_MSILOG=""; CORPUS_EVTX=""
if [[ $RULES_ONLY == 1 ]]; then
  :
elif [[ -d "$CORPUS/msilog" && -f "$CORPUS/evtx/anotherc0ne-EventLog/Application.evtx" ]]; then
  CORPUS_MSILOG="$BENCH_DIR/corpus-install.log"
  gen_corpus corpus-msilog "$CORPUS/msilog" "$CORPUS_MSILOG" "$MSILOG_BYTES"
  CORPUS_EVTX="$BENCH_DIR/corpus-application.evtx"
  gen_corpus corpus-evtx "$CORPUS/evtx/anotherc0ne-EventLog/Application.evtx" "$CORPUS_EVTX" "$EVTX_BYTES"
else
  log "no corpus at $CORPUS: real-content inputs skipped"
fi

# ------------------------------------------------------------------ measuring
# Wall seconds of one run (output discarded); a failing command aborts the benchmark.
wall() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { log "failed: $*"; exit 1; }
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'
}
# Wall and CPU (user + system) seconds of one run, "wall cpu".
wall_cpu() {
  local out="$BENCH_DIR/time.out"
  /usr/bin/time -f '%e %U %S' -o "$out" "$@" >/dev/null 2>&1 || { log "failed: $*"; exit 1; }
  awk '{ w = $1; c = $2 + $3 } END { printf "%.3f %.3f\n", w, c }' "$out"
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "n/a"; else if (a / b < 0.1) printf "%.4f", a / b; else printf "%.2f", a / b }'; }
peak_rss_mb() { # command... -> MB
  local kb
  kb=$(/usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }')
  awk -v k="$kb" 'BEGIN { printf "%.0f", k / 1024 }'
}

if [[ $RULES_ONLY == 1 ]]; then
  user_rules_section
  SECTION="$(user_rules_report)"
  if [[ -f $RESULTS ]] && grep -q '<!-- user-rules -->' "$RESULTS"; then
    awk -v section="$SECTION" '
      /<!-- user-rules -->/ { print section; skip = 1; next }
      /<!-- \/user-rules -->/ { skip = 0; next }
      !skip { print }' "$RESULTS" > "$RESULTS.tmp"
  else
    { [[ -f $RESULTS ]] && cat "$RESULTS" && echo; echo "$SECTION"; } > "$RESULTS.tmp"
  fi
  mv "$RESULTS.tmp" "$RESULTS"
  echo "$SECTION"
  [[ ${KEEP_INPUTS:-0} == 1 ]] || rm -f "$CSV" "$MSILOG" "$CSV.size" "$MSILOG.size"
  exit 0
fi


ROWS=()
# name, reference label, runs, then: ours command ||| reference command [||| baseline command]
compare() {
  local name=$1 refname=$2 runs=$3; shift 3
  local ours=() ref=() base=() part=0
  for a in "$@"; do
    if [[ $a == "|||" ]]; then part=$((part + 1)); continue; fi
    case $part in 0) ours+=("$a") ;; 1) ref+=("$a") ;; 2) base+=("$a") ;; esac
  done
  local to=() tr=() tb=()
  log "$name: $runs alternating runs"
  for ((i = 0; i < runs; i++)); do
    to+=("$(wall "${ours[@]}")")
    tr+=("$(wall "${ref[@]}")")
    if ((${#base[@]})); then tb+=("$(wall "${base[@]}")"); fi
  done
  local mo mr mb="" rb=""
  mo=$(printf '%s\n' "${to[@]}" | median)
  mr=$(printf '%s\n' "${tr[@]}" | median)
  if ((${#tb[@]})); then mb=$(printf '%s\n' "${tb[@]}" | median); rb=$(ratio "$mb" "$mr"); fi
  ROWS+=("| $name | $refname | $mr | $mo | $(ratio "$mo" "$mr") | $(ratio "$mr" "$mo")× | ${mb:-} | ${rb:-} |")
  log "$name: ours ${mo}s, reference ${mr}s${mb:+, before ${mb}s}"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# As the issue measures it: the JSON report is written (to /dev/null) besides the summary.
ANALYZE=("$MSIDIAG" analyze --threads "$THREADS" --json /dev/null)
BASE_ANALYZE=()
[[ -n $BASELINE ]] && BASE_ANALYZE=("$BASELINE" analyze --threads "$THREADS" --json /dev/null)
with_base() { if [[ -n $BASELINE ]]; then echo "|||"; printf '%s\n' "${BASE_ANALYZE[@]}" "$1"; fi; }

mapfile -t B < <(with_base "$CSV")
compare "Procmon CSV $(numfmt --to=si "$CSV_BYTES")B" "csv crate ByteRecord loop, 1 thread" "$RUNS" \
  "${ANALYZE[@]}" "$CSV" "|||" "$CSVREF" "$CSV" "${B[@]}"
mapfile -t B < <(with_base "$PML")
compare "PML $(numfmt --to=si "$PML_BYTES")B" "Python procmon-parser" "$PY_RUNS" \
  "${ANALYZE[@]}" "$PML" "|||" "$VENV/bin/python" "$PML_REF" "$PML" "${B[@]}"
mapfile -t B < <(with_base "$EVTX")
compare "EVTX $(numfmt --to=si "$EVTX_BYTES")B" "evtx_dump -o jsonl -t $THREADS" "$SHORT_RUNS" \
  "${ANALYZE[@]}" "$EVTX" "|||" "$EVTX_DUMP" -o jsonl -t "$THREADS" "$EVTX" "${B[@]}"
mapfile -t B < <(with_base "$MSILOG")
compare "MSI log UTF-16LE $(numfmt --to=si "$MSILOG_BYTES")B" "rg -c 'Return value 3'" "$RUNS" \
  "${ANALYZE[@]}" "$MSILOG" "|||" "$RG" -c "Return value 3" "$MSILOG" "${B[@]}"
if [[ -n $CORPUS_EVTX ]]; then
  mapfile -t B < <(with_base "$CORPUS_EVTX")
  compare "EVTX $(numfmt --to=si "$EVTX_BYTES")B, corpus Application.evtx chunks" "evtx_dump -o jsonl -t $THREADS" "$SHORT_RUNS" \
    "${ANALYZE[@]}" "$CORPUS_EVTX" "|||" "$EVTX_DUMP" -o jsonl -t "$THREADS" "$CORPUS_EVTX" "${B[@]}"
  mapfile -t B < <(with_base "$CORPUS_MSILOG")
  compare "MSI log UTF-16LE $(numfmt --to=si "$MSILOG_BYTES")B, corpus logs" "rg -c 'Return value 3'" "$RUNS" \
    "${ANALYZE[@]}" "$CORPUS_MSILOG" "|||" "$RG" -c "Return value 3" "$CORPUS_MSILOG" "${B[@]}"
fi

# Scaling: throughput with all threads vs one thread (same binary, alternating).
SCALE=()
scaling() { # name file runs
  local t1=() tn=()
  log "scaling on $1: $3 alternating runs"
  for ((i = 0; i < $3; i++)); do
    t1+=("$(wall "$MSIDIAG" analyze --threads 1 --json /dev/null "$2")")
    tn+=("$(wall "$MSIDIAG" analyze --threads "$THREADS" --json /dev/null "$2")")
  done
  local m1 mn
  m1=$(printf '%s\n' "${t1[@]}" | median)
  mn=$(printf '%s\n' "${tn[@]}" | median)
  SCALE+=("| $1 | $3 | $m1 | $mn | $(ratio "$m1" "$mn") |")
}
# What the machine gives two threads right now: two CPU-bound processes against one.
PROBE="$BENCH_DIR/probe.bin"
head -c 200000000 "$CSV" > "$PROBE"
P1=(); P2=()
for ((i = 0; i < 3; i++)); do
  P1+=("$(wall sha256sum "$PROBE")")
  P2+=("$(wall bash -c "sha256sum '$PROBE' & sha256sum '$PROBE' & wait")")
done
MACHINE_PARALLELISM=$(awk -v a="$(printf '%s\n' "${P1[@]}" | median)" -v b="$(printf '%s\n' "${P2[@]}" | median)" 'BEGIN { printf "%.2f", 2 * a / b }')
rm -f "$PROBE"
log "machine parallelism available: ${MACHINE_PARALLELISM}x"
scaling "Procmon CSV" "$CSV" "$RUNS"
scaling "PML" "$PML" "$RUNS"
scaling "EVTX" "$EVTX" "$SHORT_RUNS"
scaling "MSI log" "$MSILOG" "$RUNS"
if [[ -n $CORPUS_EVTX ]]; then
  scaling "EVTX, corpus" "$CORPUS_EVTX" "$SHORT_RUNS"
  scaling "MSI log, corpus" "$CORPUS_MSILOG" "$RUNS"
fi

# Peak memory on the large inputs (generated one at a time, deleted after unless kept).
RSS=()
rss() { # name file [baseline]
  local ours base=""
  ours=$(peak_rss_mb "${ANALYZE[@]}" "$2")
  [[ -n $BASELINE ]] && base=$(peak_rss_mb "${BASE_ANALYZE[@]}" "$2")
  RSS+=("| $1 | $ours | ${base:-} |")
  log "$1: peak RSS ${ours} MB${base:+ (before ${base} MB)}"
}
rss "Procmon CSV $(numfmt --to=si "$CSV_BYTES")B" "$CSV"
rss "PML $(numfmt --to=si "$PML_BYTES")B" "$PML"
rss "MSI log UTF-16LE $(numfmt --to=si "$MSILOG_BYTES")B" "$MSILOG"
if [[ -n $CORPUS_EVTX ]]; then
  rss "EVTX $(numfmt --to=si "$EVTX_BYTES")B, corpus" "$CORPUS_EVTX"
  rss "MSI log UTF-16LE $(numfmt --to=si "$MSILOG_BYTES")B, corpus" "$CORPUS_MSILOG"
  BIG_MSILOG="$BENCH_DIR/corpus-big.log"
  gen_corpus corpus-msilog "$CORPUS/msilog" "$BIG_MSILOG" "$BIG_MSILOG_BYTES"
  rss "MSI log UTF-16LE $(numfmt --to=si "$BIG_MSILOG_BYTES")B, corpus" "$BIG_MSILOG"
  [[ ${KEEP_INPUTS:-0} == 1 ]] || rm -f "$BIG_MSILOG" "$BIG_MSILOG.size"
fi
BIG_CSV="$BENCH_DIR/big.csv"; gen procmon-csv "$BIG_CSV" "$BIG_CSV_BYTES"
rss "Procmon CSV $(numfmt --to=si "$BIG_CSV_BYTES")B" "$BIG_CSV"
[[ ${KEEP_INPUTS:-0} == 1 ]] || rm -f "$BIG_CSV" "$BIG_CSV.size"
BIG_PML="$BENCH_DIR/big.pml"; gen pml "$BIG_PML" "$BIG_PML_BYTES"
rss "PML $(numfmt --to=si "$BIG_PML_BYTES")B" "$BIG_PML"
[[ ${KEEP_INPUTS:-0} == 1 ]] || rm -f "$BIG_PML" "$BIG_PML.size"
FOLDER="$BENCH_DIR/evtx-folder"
if [[ "$(cat "$FOLDER/.size" 2>/dev/null)" != "$EVTX_FOLDER_COUNT x $EVTX_FOLDER_EACH" ]]; then
  rm -rf "$FOLDER"
  log "generating $EVTX_FOLDER_COUNT event logs of $EVTX_FOLDER_EACH bytes"
  "$GEN" evtx-folder "$FOLDER" "$EVTX_FOLDER_COUNT" "$EVTX_FOLDER_EACH"
  echo "$EVTX_FOLDER_COUNT x $EVTX_FOLDER_EACH" > "$FOLDER/.size"
fi
rss "$EVTX_FOLDER_COUNT EVTX files of $(numfmt --to=si "$EVTX_FOLDER_EACH")B" "$FOLDER"
FOLDER_TIME=$(wall "${ANALYZE[@]}" "$FOLDER")
user_rules_section
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ report
CPU=$(awk -F: '/model name/ { sub(/^ /, "", $2); print $2; exit }' /proc/cpuinfo)
{
  echo "# msidiag whole-run benchmark"
  echo
  echo "Generated by \`scripts/bench.sh${1:+ $1}\` ($MODE mode) on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git rev-parse --short HEAD 2>/dev/null || echo '?')\`$(git diff --quiet 2>/dev/null || echo ' + local changes')."
  echo
  echo "- Machine: $CPU, $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM"
  echo "- Load average (1/5/15 min) before: $LOAD_BEFORE, after: $LOAD_AFTER; benchmark niceness $(nice) (other processes on the machine compete for the same cores: scaling and the ratios of the multi-threaded runs need a quiet machine, or \`nice -n -15 scripts/bench.sh\` as root on a shared one)"
  echo "- msidiag runs as \`msidiag analyze --threads $THREADS --json /dev/null FILE\`; $RUNS alternating runs per side ($SHORT_RUNS for the 100 MB event logs, $PY_RUNS for Python); medians in seconds of wall time; inputs in the page cache"
  echo "- Inputs: generated by \`examples/gen_bench_inputs.rs\` (Procmon rows with the long Win10 column set, mostly SUCCESS/NAME NOT FOUND noise from many processes and a small msiexec tree with ACCESS DENIED; PML built from the test writer's records; EVTX from the test writer's \`noisy_log\`; UTF-16LE verbose MSI logs of repeated failing sessions); rows marked *corpus* are real content built from \`../shared/corpus\` (the 64 UTF-16LE MSI logs concatenated and repeated; the 8 chunks of \`evtx/anotherc0ne-EventLog/Application.evtx\` repeated and renumbered)"
  echo
  echo "## Time against the references (ratio = msidiag / reference, lower is better; speed-up = reference / msidiag)"
  echo
  echo "| input | reference | reference s | msidiag s | ratio | speed-up | before s | before ratio |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "## Scaling (same input, \`--threads 1\` vs \`--threads $THREADS\`)"
  echo
  echo "What the machine gave two threads during the run: ${MACHINE_PARALLELISM}× (two \`sha256sum\` processes against one; 2.00 on an idle 2-core machine)."
  echo
  echo "| input | runs | 1 thread s | $THREADS threads s | speed-up |"
  echo "|---|---:|---:|---:|---:|"
  printf '%s\n' "${SCALE[@]}"
  echo
  echo "## Peak resident memory (\`/usr/bin/time -v\`, MB)"
  echo
  echo "| input | msidiag | before |"
  echo "|---|---:|---:|"
  printf '%s\n' "${RSS[@]}"
  echo
  echo "The EVTX folder took ${FOLDER_TIME} s."
  echo
  user_rules_report
  # The soak figures (scripts/soak.sh writes bench/SOAK.md) are kept.
  if [ -f "$ROOT/bench/SOAK.md" ]; then
    echo
    echo '<!-- soak -->'
    cat "$ROOT/bench/SOAK.md"
  fi
} > "$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
cat "$RESULTS"

if [[ ${KEEP_INPUTS:-0} != 1 ]]; then
  rm -rf "$CSV" "$PML" "$EVTX" "$MSILOG" "$FOLDER" "$BENCH_DIR"/*.size
  rm -f "${CORPUS_MSILOG:-/nonexistent}" "${CORPUS_EVTX:-/nonexistent}"
fi
