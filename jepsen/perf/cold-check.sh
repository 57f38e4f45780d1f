#!/usr/bin/env bash
# Times `bin/ratis-sm check` from a cold start against Porcupine's own etcd tests, in one run, alternating.
#
#   jepsen/perf/cold-check.sh PORCUPINE_DIR [ROUNDS]
#
# PORCUPINE_DIR: a checkout of github.com/anishathalye/porcupine (porcupine_test.go and test_data/jepsen); go on PATH;
# ratis-sm built (mvn -B -q package -DskipTests). ROUNDS defaults to 7.
#
# The two halves, as in issue 16:
#   first:  etcd_000..049, which jepsen/src/test/resources/histories/etcd holds as history.edn files;
#   second: the next 50 etcd logs that Porcupine has a test for (etcd_050..100 without the empty etcd_095),
#           converted here the same way (the script first checks that its conversion reproduces the first half
#           byte for byte).
# Each round times, per half and in alternating order:
#   ours:      one `bin/ratis-sm check --model cas-register --init nil FILES...` in a fresh JVM, as a user runs it:
#              the sum of the ms= it prints (reading and checking, JVM start excluded) and the process's wall time;
#   Porcupine: its test binary (go test -c once, then `-test.run` with the half's TestEtcdJepsenNNN, which is what
#              `go test -run` runs): the sum of the per-test times it prints (10 ms resolution, so tests under 5 ms
#              count as 0) and the process's wall time.
# Both sides' verdicts are checked against the ones porcupine_test.go asserts. Prints every round, then medians.
# With PER_FILE=1 it also runs each history in its own process on both sides (one JVM per file: what a user who
# checks one history at a time waits for) and reports the sums of those. With BASELINE=DIR, another built checkout
# (e.g. an older commit's worktree) is timed in the same rounds as a third side, "baseline", the same way as ours.
set -euo pipefail
shopt -s inherit_errexit
export LC_ALL=C
porcupine="$(cd "${1:?usage: $0 PORCUPINE_DIR [ROUNDS]}" && pwd)"
rounds="${2:-7}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ours_dir="$root/jepsen/src/test/resources/histories/etcd"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Porcupine's etcd log -> Jepsen history.edn, one op map per line; a timed-out op becomes :info with its invocation's
# value and :error :timed-out (Porcupine's reading of it: any outcome, or none).
to_edn() {
  awk -F'[ \t]+' '{
    p = $4; type = $5; f = $6
    v = $7; for (i = 8; i <= NF; i++) v = v " " $i
    if (type == ":invoke") inv[p] = v
    if (type == ":info" || v == ":timed-out")
      printf "{:index %d, :process %s, :type :info, :f %s, :value %s, :error :timed-out}\n", n, p, f, inv[p]
    else
      printf "{:index %d, :process %s, :type %s, :f %s, :value %s}\n", n, p, type, f, v
    n++
  }' "$1"
}

# The numbers Porcupine tests, with the verdict it asserts: "NNN true|false".
grep -o 'checkJepsen(t, [0-9]*, [a-z]*)' "$porcupine/porcupine_test.go" \
  | awk -F'[(, )]+' '{ printf "%03d %s\n", $3, $4 }' >"$work/expected"
first=$(awk '$1 < 50 { print $1 }' "$work/expected")
second=$(awk '$1 >= 50 { print $1 }' "$work/expected" | head -n 50)
[ "$(echo "$first" | wc -l)" -eq 50 ] && [ "$(echo "$second" | wc -l)" -eq 50 ] \
  || { echo "expected 50 tested etcd histories per half in $porcupine" >&2; exit 2; }

mkdir -p "$work/h1" "$work/h2"
for n in $first; do
  to_edn "$porcupine/test_data/jepsen/etcd_$n.log" >"$work/h1/etcd_$n.edn"
  cmp -s "$work/h1/etcd_$n.edn" "$ours_dir/etcd_$n.edn" \
    || { echo "the conversion of etcd_$n.log differs from $ours_dir/etcd_$n.edn" >&2; exit 2; }
  cp "$ours_dir/etcd_$n.edn" "$work/h1/"
done
for n in $second; do
  to_edn "$porcupine/test_data/jepsen/etcd_$n.log" >"$work/h2/etcd_$n.edn"
done

(cd "$porcupine" && go test -c -o "$work/porcupine.test" . >/dev/null)
regex() { echo "^TestEtcdJepsen($(echo $1 | tr ' ' '|'))\$"; }

now() { date +%s%N; }

# ours HALF [FILES...]: prints "sum_ms wall_ms"; checks verdicts. LAUNCHER_ROOT picks the checkout (default: this one).
ours() {
  local half=$1 start end
  shift
  start=$(now)
  "${LAUNCHER_ROOT:-$root}/bin/ratis-sm" check --model cas-register --init nil "$@" >"$work/out" 2>"$work/err" || true
  end=$(now)
  awk '{ split($1, p, "/"); f = p[length(p)]; sub(/^etcd_/, "", f); sub(/\.edn$/, "", f); split($2, v, "=");
         print f, v[2] }' "$work/out" | sort >"$work/got"
  [ "$(wc -l <"$work/got")" -eq "$#" ] || { echo "ratis-sm check printed no verdict for some files:" >&2;
                                           cat "$work/out" "$work/err" >&2; exit 1; }
  if join "$work/got" "$work/expected" | awk '$2 != $3 { bad = 1; print "verdict differs: etcd_" $0 } END { exit bad }' >&2
  then :; else exit 1; fi
  awk -v w=$(((end - start) / 1000000)) '{ s += substr($3, 4) } END { printf "%.1f %d\n", s, w }' "$work/out"
}

# porcupine NUMBERS...: prints "sum_ms wall_ms"; a failed test (wrong verdict) stops the script.
porcupine_run() {
  local start end
  start=$(now)
  (cd "$porcupine" && "$work/porcupine.test" -test.run "$(regex "$*")" -test.v -test.count=1) >"$work/pout" 2>&1 \
    || { echo "Porcupine's tests failed:" >&2; cat "$work/pout" >&2; exit 1; }
  end=$(now)
  [ "$(grep -c '^--- PASS' "$work/pout")" -eq "$#" ] || { echo "Porcupine ran other tests" >&2; exit 1; }
  awk -v w=$(((end - start) / 1000000)) '/^--- PASS/ { gsub(/[()s]/, "", $4); s += $4 * 1000 }
       END { printf "%.1f %d\n", s, w }' "$work/pout"
}

per_file() { # SIDE HALF NUMBERS...: sums over one process per file
  local side=$1 half=$2 n sum=0 wall=0 r
  shift 2
  for n in "$@"; do
    case $side in
      ours) r=$(ours "$half" "$work/h$half/etcd_$n.edn") ;;
      baseline) r=$(LAUNCHER_ROOT="$BASELINE" ours "$half" "$work/h$half/etcd_$n.edn") ;;
      *) r=$(porcupine_run "$n") ;;
    esac
    sum=$(awk -v a=$sum -v b="${r% *}" 'BEGIN { print a + b }')
    wall=$((wall + ${r#* }))
  done
  echo "$sum $wall"
}

echo "machine: $(nproc) CPUs, $(uname -sr); $(java -version 2>&1 | head -n 1); $(go version)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-6s %-5s %-10s %12s %10s\n" round half side sum_ms wall_ms
: >"$work/rows"
for ((r = 1; r <= rounds; r++)); do
  for half in 1 2; do
    nums=$first
    [ $half = 2 ] && nums=$second
    files=()
    for n in $nums; do files+=("$work/h$half/etcd_$n.edn"); done
    sides="ours porcupine${BASELINE:+ baseline}"
    [ $((r % 2)) = 0 ] && sides="${BASELINE:+baseline }porcupine ours"
    for side in $sides; do
      case $side in
        ours) res=$(ours "$half" "${files[@]}") ;;
        baseline) res=$(LAUNCHER_ROOT="$BASELINE" ours "$half" "${files[@]}") ;;
        *) res=$(porcupine_run $nums) ;;
      esac
      echo "$r $half $side $res" >>"$work/rows"
      printf "%-6s %-5s %-10s %12s %10s\n" "$r" "$half" "$side" ${res}
      if [ "${PER_FILE:-0}" = 1 ]; then
        res=$(per_file "$side" "$half" $nums)
        echo "$r $half $side-per-file $res" >>"$work/rows"
        printf "%-6s %-5s %-10s %12s %10s\n" "$r" "$half" "$side-per-file" ${res}
      fi
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "medians over $rounds rounds (ratio = ours / Porcupine; per-round = median of the rounds' ratios):"
awk '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { key = $2 " " $3; ms[key] = ms[key] " " $4; wall[key] = wall[key] " " $5; row[$1 " " key] = $4 " " $5 }
  END {
    for (half = 1; half <= 2; half++) {
      for (k = 0; k < 4; k++) {
        suffix = k % 2 ? "-per-file" : ""
        side = k < 2 ? "ours" : "baseline"
        o = half " " side suffix; p = half " porcupine" suffix
        if (!(o in ms)) continue
        rm = ""; rw = ""
        for (r = 1; (r " " o) in row; r++) {
          split(row[r " " o], a, " "); split(row[r " " p], b, " ")
          rm = rm " " (b[1] > 0 ? a[1] / b[1] : 0); rw = rw " " a[2] / b[2]
        }
        printf "half %d%s: sum of ms: %s %.0f, Porcupine %.0f, ratio %.2f (per-round %.2f); wall: %s %.0f ms, Porcupine %.0f ms, ratio %.2f (per-round %.2f)\n",
          half, suffix, side, median(ms[o]), median(ms[p]), median(ms[o]) / median(ms[p]), median(rm),
          side, median(wall[o]), median(wall[p]), median(wall[o]) / median(wall[p]), median(rw)
      }
    }
  }' "$work/rows"
