#!/usr/bin/env bash
# Ingestion against concurrent `feature set`s on one SQLite file (issue 8).
# An ingest reads every feature, links mail or commits to them by their
# evidence rules and moves their last activity forward; meanwhile `feature set`
# changes their status, one change after another. An ingest that wrote back
# the rows it read would put an old status back (it did, in 5 of 15 runs).
# Ingestion now only calls TouchFeature, so: no ingest and no set fails, every
# set is in the event log once, the log's status changes form one chain (each
# `from` is the previous `to`), and each feature ends with the last status set.
#
# Each round's mail (or commits) is dated at noon, after the previous round's
# sets and after this round's, which run from 06:00 on: every ingest finds
# evidence newer than each feature's last change and touches it, whichever
# sets it saw. (A set dated before a touch is not backdated: a touch is no
# change, and no event.) The script checks that sets really ran while an
# ingest was running, one setter per feature at once.
# Usage: concurrent_writes_ingest.sh path/to/stocktake
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
git config --global user.email "dev@example.org"
git config --global user.name "Dev"

rm_as=rm@example.org
features=(widget-one widget-two widget-three)
statuses=(fair at-risk on-track)
{
  printf 'project:\n  name: Widgets\n  mailing_list: widgets@example.org\n'
  printf 'people:\n  - email: %s\n    name: Release Manager\n    roles: [release-manager, admin]\n' \
    "$rm_as"
  printf 'releases:\n  - version: "1.0"\n    start: 2024-01-01\n    freeze: 2024-06-01\n'
  printf '    release: 2024-07-01\n    features:\n'
  for slug in "${features[@]}"; do
    printf '      - title: %s\n        slug: %s\n        status: on-track\n' "$slug" "$slug"
    printf '        evidence:\n          subjects: ["%s:"]\n' "$slug"
  done
} >project.yaml
st() { "$stocktake" --as "$rm_as" "$@"; }
st --now 2024-01-01 import project.yaml >/dev/null || exit 1

# mbox ROUND COUNT: COUNT mails in one thread per feature, their subjects
# naming the feature (so its evidence rule links them), all dated day ROUND of
# February at noon.
mbox() {
  python3 - "$1" "$2" <<'PY'
import sys
round_, count = int(sys.argv[1]), int(sys.argv[2])
features = ["widget-one", "widget-two", "widget-three"]
out = sys.stdout
date = "Thu, %d Feb 2024 12:00:00 +0000" % round_
for number in range(count):
    feature = number % len(features)
    out.write("From dev@example.org Thu Feb %2d 12:00:00 2024\n" % round_)
    out.write("From: Dev <dev@example.org>\nDate: %s\n" % date)
    out.write("Subject: %s%s: round %d\n" % ("Re: " if number >= len(features) else "",
                                             features[feature], round_))
    out.write("Message-ID: <r%d.m%d@example.org>\n" % (round_, number))
    if number >= len(features):  # a reply in the feature's thread
        out.write("In-Reply-To: <r%d.m%d@example.org>\n" % (round_, feature))
        out.write("References: <r%d.m%d@example.org>\n" % (round_, feature))
    out.write("\nMail %d of round %d.\n\n" % (number, round_))
PY
}

# commits ROUND COUNT: COUNT commits on the repository's branch, their
# subjects naming the features in turn, dated day ROUND of March at noon.
git init -q repo
commits() {
  local round=$1 count=$2 stamp
  stamp=$(date -u -d "2024-03-$(printf %02d "$round") 12:00:00" +%s)
  python3 - "$round" "$count" "$stamp" <<'PY' | git -C repo fast-import --quiet
import sys
round_, count, stamp = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
features = ["widget-one", "widget-two", "widget-three"]
out = sys.stdout
for number in range(1, count + 1):
    message = "%s: round %d change %d\n" % (features[number % 3], round_, number)
    data = "%d %d\n" % (round_, number)
    out.write("commit refs/heads/main\n")
    out.write("committer Dev <dev@example.org> %d +0000\n" % stamp)
    out.write("data %d\n%s" % (len(message), message))
    if round_ > 1 and number == 1:  # later commits of the stream follow on
        out.write("from refs/heads/main^0\n")
    out.write("M 644 inline file\ndata %d\n%s\n" % (len(data), data))
PY
  git -C repo symbolic-ref HEAD refs/heads/main
}

# The status each feature was last set to, and how many sets it got.
declare -A last_status=() set_count=()
for slug in "${features[@]}"; do
  last_status[$slug]=on-track
  set_count[$slug]=0
done
sets=0
inside=0
set_failed=0
ingest_failed=0
touched=0
rounds=0

# setter SLUG DAY DONE-FILE: until DONE-FILE exists, sets SLUG to the next of
# the statuses in turn, dated DAY at 06:00 and a second later each time; one
# line per set: STATUS EXIT-CODE and whether the ingest still ran after it.
setter() {
  local slug=$1 day=$2 done_file=$3 seconds=0 status=${last_status[$1]} code index
  while [ ! -e "$done_file" ]; do
    for index in 0 1 2; do
      [ "${statuses[$index]}" = "$status" ] && break
    done
    status=${statuses[$(((index + 1) % 3))]}
    st --now "$(printf '%sT06:%02d:%02dZ' "$day" $((seconds / 60)) $((seconds % 60)))" \
      feature set "$slug" --status "$status" --reason "set $day $seconds" \
      >/dev/null 2>>"$work/set.err"
    code=$?
    echo "$status $code $([ -e "$done_file" ] && echo after || echo inside)"
    seconds=$((seconds + 1))
  done
}

# round DAY INGEST-ARGS...: runs the ingest in the background and, until it
# ends, one setter per feature at once.
round() {
  local day=$1 slug status code when done_file="$work/done.$1"
  shift
  ( st --json "$@" >"$work/ingest.out" 2>>"$work/ingest.err"; echo $? >"$done_file" ) &
  for slug in "${features[@]}"; do
    setter "$slug" "$day" "$done_file" >"$work/sets.$slug" &
  done
  wait
  rounds=$((rounds + 1))
  [ "$(cat "$done_file")" -eq 0 ] || ingest_failed=$((ingest_failed + 1))
  touched=$((touched + $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["features_touched"])' "$work/ingest.out" 2>/dev/null || echo 0)))
  for slug in "${features[@]}"; do
    while read -r status code when; do
      sets=$((sets + 1))
      if [ "$code" -eq 0 ]; then
        last_status[$slug]=$status
        set_count[$slug]=$((set_count[$slug] + 1))
        [ "$when" = inside ] && inside=$((inside + 1))
      else
        set_failed=$((set_failed + 1))
      fi
    done <"$work/sets.$slug"
  done
}

for day in 1 2 3 4 5 6; do
  mbox "$day" 2500 >"round$day.mbox"
  round "2024-02-$(printf %02d "$day")" ingest mbox "round$day.mbox"
done
for day in 1 2 3 4; do
  commits "$day" 4000
  round "2024-03-$(printf %02d "$day")" ingest git repo
done

check "no ingest failed" test "$ingest_failed" -eq 0
check "no concurrent feature set failed" test "$set_failed" -eq 0
check "the ingests linked evidence to the features and moved their last activity" \
  test "$touched" -gt 0
check "feature sets ran while an ingest was running ($inside of $sets)" test "$inside" -gt 0
for slug in "${features[@]}"; do
  st --json feature history "$slug" |
    python3 -c 'import json,sys; print(json.dumps(sorted(json.load(sys.stdin), key=lambda e: e["id"])))' \
      >"$work/out"
  check "$slug: every set is in the event log once, and the status changes chain" json_has "(
    [e['reason'] for e in d if e['kind'] == 'feature.status' and e['reason'].startswith('set ')]
      == sorted({e['reason'] for e in d if e['kind'] == 'feature.status' and e['reason'].startswith('set ')},
                key=lambda r: (r.split()[1], int(r.split()[2])))
    and len([e for e in d if e['kind'] == 'feature.status' and e['reason'].startswith('set ')]) == ${set_count[$slug]}
    and all(a['to'] == b['from'] for a, b in zip([e for e in d if e['kind'] == 'feature.status'],
                                                  [e for e in d if e['kind'] == 'feature.status'][1:]))
    and [e for e in d if e['kind'] == 'feature.status'][-1]['to'] == '${last_status[$slug]}')"
  st --json feature show "$slug" >"$work/out"
  check "$slug: ends with the last status set" json_has "d['status'] == '${last_status[$slug]}'"
done

echo "$rounds rounds, $sets sets ($inside while an ingest ran), $touched features touched"
finish
