#!/usr/bin/env bash
# `stocktake serve` over loopback (issue 10): the real binary on real SQLite
# files, each resource read once with curl and compared byte for byte with
# the CLI's --json output for the same read; keep-alive, errors, ETag and
# 304, /healthz, /metrics, the access log, and SIGTERM ending it with exit 0
# even with an idle connection open.
#   tests/integration/serve.sh path/to/stocktake
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
command -v curl >/dev/null || { echo "FAIL: curl is not installed (scripts/setup.sh installs it)"; exit 1; }
servers=()
trap 'for pid in "${servers[@]}"; do kill -KILL "$pid" 2>/dev/null; done; rm -rf "$work"' EXIT

st() { "$stocktake" --db "$work/s.db" "$@"; }
pv() { "$stocktake" --db "$work/pv.db" "$@"; }
mail() {  # mail ID SUBJECT [IN-REPLY-TO]
  printf 'From dev@example.org Mon Feb  6 10:00:00 2017\nFrom: Dev <dev@example.org>\n'
  printf 'Date: Mon, 6 Feb 2017 10:00:00 +0000\nSubject: %s\nMessage-ID: <%s>\n' "$2" "$1"
  [ -n "${3:-}" ] && printf 'In-Reply-To: <%s>\nReferences: <%s>\n' "$3" "$3"
  printf '\nbody\n\n'
}
{
  mail c@x "[PATCH v2 0/1] pvcalls: frontend"
  mail p1@x "[PATCH v2 1/1] pvcalls: skeleton" c@x
  mail r@x "Re: [PATCH v2 1/1] pvcalls: skeleton" p1@x
} >list.mbox
check "import 4.3" exit_is 0 st --now 2013-01-21 import "$root/examples/xen-4.3.yaml"
check "ingest mail" exit_is 0 st --now 2013-01-21 ingest mbox list.mbox
check "import protocols" exit_is 0 pv import "$root/examples/xen-pv-protocols.yaml"
check "contributor" exit_is 0 pv person add dev@example.org --role contributor
check "propose" exit_is 0 pv --now 2026-11-01 --as dev@example.org propose pvcalls --to production

serve() {  # serve NAME DB: starts a server on a free port; its URL is in $work/NAME.url
  "$stocktake" --db "$2" serve --listen 127.0.0.1:0 --threads 2 2>"$work/$1.log" &
  servers+=($!)
  echo $! >"$work/$1.pid"
  for _ in $(seq 100); do
    url=$(sed -n 's|^stocktake serve: listening on \(http://[^ ,]*\).*|\1|p' "$work/$1.log")
    [ -n "$url" ] && { echo "${url%/}" >"$work/$1.url"; return 0; }
    kill -0 "$!" 2>/dev/null || break
    sleep 0.1
  done
  echo "  the server did not start: $(cat "$work/$1.log")"
  return 1
}
check "serve 4.3" serve s "$work/s.db"
check "serve protocols" serve pv "$work/pv.db"
s=$(cat "$work/s.url")
p=$(cat "$work/pv.url")

fetch() {  # fetch URL [CURL-OPTIONS...]: body in $work/body, headers in $work/headers,
  local url=$1  # "STATUS CONTENT-TYPE" in $work/status
  shift
  rm -f "$work/body"  # curl writes no file for a response without a body
  curl -sS -o "$work/body" -D "$work/headers" -w '%{http_code} %{content_type}' "$@" "$url" \
    >"$work/status"
}
same() {  # same URL TYPE COMMAND...: 200 of TYPE, and the body is the command's output
  local url=$1 type=$2
  shift 2
  fetch "$url" || return 1
  "$@" >"$work/cli" 2>/dev/null
  [ "$(cat "$work/status")" = "200 $type" ] ||
    { echo "  $url: $(cat "$work/status"), wanted 200 $type: $(head -c 300 "$work/body")"; return 1; }
  cmp -s "$work/body" "$work/cli" ||
    { echo "  $url differs from '$*':"; diff "$work/body" "$work/cli" | head -10; return 1; }
}
json=application/json
t=2013-02-01T09:00:00Z
check "releases" same "$s/api/v1/releases?as_of=$t" $json st --now $t --json release list
check "release" same "$s/api/v1/releases/4.3?as_of=$t" $json st --now $t --json release show 4.3
check "report json" same "$s/api/v1/releases/4.3/report?as_of=$t&since=2013-01-15" $json \
  st --now $t report 4.3 --format json --since 2013-01-15
check "report text" same "$s/api/v1/releases/4.3/report?format=text&as_of=2013-01-21" \
  "text/plain; charset=utf-8" st --now 2013-01-21 report 4.3
check "report text is the 2013 mail" cmp -s "$work/body" "$root/tests/data/taking-stock-4.3.txt"
check "report markdown" same "$s/api/v1/releases/4.3/report?format=markdown&as_of=$t" \
  "text/markdown; charset=utf-8" st --now $t report 4.3 --format markdown
check "check" same "$s/api/v1/releases/4.3/check?as_of=$t" $json st --now $t --json check 4.3
check "features" same "$s/api/v1/features?release=4.3&as_of=$t" $json \
  st --now $t --json feature list --release 4.3
check "feature" same "$s/api/v1/features/rationalized-backend-scripts?as_of=$t" $json \
  st --now $t --json feature show rationalized-backend-scripts
check "feature history" same "$s/api/v1/features/rationalized-backend-scripts/history?as_of=$t" \
  $json st --now $t --json feature history rationalized-backend-scripts
check "people" same "$s/api/v1/people?as_of=$t" $json st --now $t --json person list
check "series" same "$s/api/v1/series" $json st --json series list
check "thread" same "$s/api/v1/threads/%3Cr@x%3E" $json st --json thread show "<r@x>"
check "stats" same "$s/api/v1/stats" $json st --json stats
# A read answered again from the server's cache is still the database's
# state: a write by another process (the CLI) shows at once.
t2=2013-03-01T00:00:00Z
check "release before the slip" same "$s/api/v1/releases/4.3?as_of=$t2" $json \
  st --now $t2 --json release show 4.3
check "again, from the cache" same "$s/api/v1/releases/4.3?as_of=$t2" $json \
  st --now $t2 --json release show 4.3
check "a slip by the CLI" exit_is 0 st --as george.dunlap@eu.citrix.com --now 2013-02-20 \
  release slip 4.3 --freeze 2013-04-15 --reason "the cache test"
check "the server shows the slip" same "$s/api/v1/releases/4.3?as_of=$t2" $json \
  st --now $t2 --json release show 4.3
check "with its new freeze" grep -q '"freeze": "2013-04-15"' "$work/body"
u=2026-11-05T00:00:00Z
check "protocols" same "$p/api/v1/protocols?as_of=$u" $json pv --now $u --json protocol list
check "protocol" same "$p/api/v1/protocols/pvcalls?as_of=$u" $json \
  pv --now $u --json protocol show pvcalls
check "protocol history" same "$p/api/v1/protocols/pvcalls/history?as_of=$u" $json \
  pv --now $u --json protocol history pvcalls
check "proposals" same "$p/api/v1/proposals?protocol=pvcalls&as_of=$u" $json \
  pv --now $u --json proposal list --protocol pvcalls
check "proposal" same "$p/api/v1/proposals/1?as_of=$u" $json pv --now $u --json proposal show 1
check "support matrix" same "$p/api/v1/support-matrix?as_of=$u" $json \
  pv --now $u --json support-matrix

# Two requests on one connection: the second opens none.
check "keep-alive" test "$(curl -sS -o /dev/null -o /dev/null -w '%{num_connects} ' \
  "$s/api/v1/releases" "$s/api/v1/people")" = "1 0 "
# A HEAD of an error sends no body: the next response on the connection is whole.
head_then_get() {
  local port=${s##*:}
  exec 4<>"/dev/tcp/127.0.0.1/$port"
  printf 'HEAD /api/v1/releases/9.9 HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&4
  timeout 5 cat <&4 >"$work/raw"
  exec 4<&-
  [ "$(grep -c '^HTTP/1.1 ' "$work/raw")" = 2 ] && grep -q '^HTTP/1.1 404' "$work/raw" &&
    grep -q '^HTTP/1.1 200' "$work/raw" && [ "$(tail -c 3 "$work/raw")" = ok ] &&
    ! grep -q '"error"' "$work/raw" || { cat -A "$work/raw" | head -20; return 1; }
}
check "HEAD of a 404 has no body" head_then_get

error_is() {  # error_is STATUS CODE URL [CURL-OPTIONS...]
  local status=$1 code=$2 url=$3
  shift 3
  fetch "$url" "$@" || return 1
  [ "$(cat "$work/status")" = "$status application/json" ] ||
    { echo "  $url: $(cat "$work/status"), wanted $status"; return 1; }
  python3 -c "import json,sys; e=json.load(open(sys.argv[1]))['error']
assert e['code'] == sys.argv[2] and e['message'], e" "$work/body" "$code"
}
check "unknown release 404" error_is 404 not-found "$s/api/v1/releases/9.9"
check "unknown route 404" error_is 404 not-found "$s/api/v1/nothing"
check "bad as_of 400" error_is 400 invalid-argument "$s/api/v1/releases?as_of=yesterday"
check "traversal 400" error_is 400 invalid-argument "$s/api/v1/features/%2E%2E" --path-as-is
check "invalid UTF-8 400" error_is 400 invalid-argument "$s/api/v1/features/%FF"
check "wrong method 405" error_is 405 method-not-allowed "$s/api/v1/releases/4.3" -X POST
check "405 says Allow" grep -qi '^Allow: GET, HEAD' "$work/headers"
check "body over the limit 413" error_is 413 too-large "$s/api/v1/releases" -X POST \
  -H 'Content-Type: text/plain' --data-binary "@$root/examples/xen-pv-protocols.yaml" \
  -H "Content-Length: 2000000"
check "headers over the limit 431" error_is 431 headers-too-large "$s/api/v1/releases" \
  -H "X-Padding: $(head -c 20000 /dev/zero | tr '\0' a)"
malformed() {  # a request line that is not HTTP: 400 and the connection closed
  local port=${s##*:}
  exec 4<>"/dev/tcp/127.0.0.1/$port"
  printf 'NOT HTTP AT ALL\r\n\r\n' >&4
  timeout 5 cat <&4 >"$work/raw"
  exec 4>&-
  head -1 "$work/raw" | grep -q '^HTTP/1.1 400 Bad Request' &&
    grep -qi '^Connection: close' "$work/raw" && grep -q '"invalid-argument"' "$work/raw"
}
check "malformed request 400" malformed
check "still answering after it" fetch "$s/healthz"

# ETag and If-None-Match.
check "etag" fetch "$s/api/v1/releases/4.3?as_of=$t"
etag=$(sed -n 's/^ETag: *\("[0-9a-f]*"\).*/\1/Ip' "$work/headers")
check "etag is a strong tag" test "${#etag}" -eq 34
check "304" fetch "$s/api/v1/releases/4.3?as_of=$t" -H "If-None-Match: $etag"
check "304 status" grep -qx "304 " "$work/status"
check "304 has no body" test ! -s "$work/body"
check "another tag 200" fetch "$s/api/v1/releases/4.3?as_of=$t" -H 'If-None-Match: "x"'
check "another tag 200 status" grep -q "^200 " "$work/status"

check "healthz" fetch "$s/healthz"
check "healthz ok" test "$(cat "$work/status"):$(cat "$work/body")" = "200 text/plain; charset=utf-8:ok"
check "metrics" fetch "$s/metrics"
check "metrics type" grep -q '^200 text/plain; version=0.0.4' "$work/status"
check "metrics count requests" \
  grep -q '^stocktake_http_requests_total{route="/api/v1/releases",status="200"} [1-9]' "$work/body"
check "metrics count 404s" \
  grep -q '^stocktake_http_requests_total{route="unmatched",status="404"} 1$' "$work/body"
check "metrics latency" \
  grep -q '^stocktake_http_request_duration_seconds_count{route="/api/v1/stats"} 1$' "$work/body"
check "metrics pool" grep -qx 'stocktake_worker_pool_size 2' "$work/body"
check "access log" grep -qE '^127\.0\.0\.1 - - \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}(:[0-9]{2}){3} \+0000\] "GET /api/v1/stats HTTP/1\.1" 200 [0-9]+$' \
  "$work/s.log"

# SIGTERM: stop accepting, close idle connections, exit 0.
stops() {  # stops NAME: SIGTERM ends the server within 5 s with exit status 0
  local pid
  pid=$(cat "$work/$1.pid")
  kill -TERM "$pid"
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && { echo "  still running 5 s after SIGTERM"; return 1; }
  wait "$pid"
  local status=$?
  [ "$status" -eq 0 ] || { echo "  exit $status: $(tail -3 "$work/$1.log")"; return 1; }
}
port=${s##*:}
exec 3<>"/dev/tcp/127.0.0.1/$port"  # an idle keep-alive connection
check "SIGTERM with an idle connection exits 0" stops s
exec 3>&-
check "SIGTERM exits 0" stops pv
check "says it stopped" grep -q "stocktake serve: stopped" "$work/pv.log"
check "nothing listens after" test "$(curl -s -o /dev/null -w '%{http_code}' "$p/healthz")" = 000

check "no database" exit_is 3 "$stocktake" --db "$work/none.db" serve --listen 127.0.0.1:0
check "bad --listen" exit_is 2 st serve --listen "example.org:80"
check "bad --base-url" exit_is 2 st serve --listen 127.0.0.1:0 --base-url ftp://x
finish
