#!/usr/bin/env bash
# Writes through `stocktake serve` over loopback (issue 10), on a real SQLite
# file: passwords and tokens made with the CLI (`person passwd`, `token
# create|list|revoke`), then each role against each write (401 without
# credentials, 403 with the wrong role, 2xx with the right one), token scope,
# expiry and revocation, a session with its cookie and CSRF token, If-Match,
# hostile bodies with the server still answering, login rate limiting, and
# --private. What the API wrote is read back with the CLI.
#   tests/integration/serve_auth.sh path/to/stocktake
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
command -v curl >/dev/null || { echo "FAIL: curl is not installed (scripts/setup.sh installs it)"; exit 1; }
servers=()
trap 'for pid in "${servers[@]}"; do kill -KILL "$pid" 2>/dev/null; done; rm -rf "$work"' EXIT

admin=admin@example.org
rm=george.dunlap@eu.citrix.com  # the release manager of examples/xen-4.3.yaml
dev=dev@example.org
reader=reader@example.org
feature=rationalized-backend-scripts
st() { "$stocktake" --db "$work/s.db" "$@"; }
check "import 4.3" exit_is 0 st --as $admin --now 2013-01-21 import "$root/examples/xen-4.3.yaml"
check "contributor" exit_is 0 st --as $admin person add $dev --role contributor
check "reader" exit_is 0 st --as $admin person add $reader --role reader

# Passwords: one line of standard input when it is not a terminal.
password='correct horse battery'
passwd() {  # passwd ACTOR EMAIL PASSWORD
  printf '%s\n' "$3" | st --as "$1" person passwd "$2"
}
check "passwd of oneself" exit_is 0 passwd $rm $rm "$password"
check "passwd says so" out_has "Set the password of"
check "passwd of another: exit 4" exit_is 4 passwd $dev $rm "taken over!"
check "passwd of another names the admin role" err_has "admin"
check "passwd by an admin" exit_is 0 passwd $admin $dev "$password"
check "too short a password: exit 2" exit_is 2 passwd $reader $reader "short"
check "no hash in clear" test -z "$(sqlite3 "$work/s.db" \
  "SELECT hash FROM person_passwords WHERE hash NOT LIKE '\$argon2id\$%'" 2>/dev/null)"

# Tokens: shown once, stored as a hash.
token() {  # token ACTOR NAME [OPTIONS...]: prints the new token
  local actor=$1 name=$2
  shift 2
  st --as "$actor" --json token create --name "$name" "$@" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
rm_write=$(token $rm ci --scope write)
rm_read=$(token $rm dashboard)
dev_write=$(token $dev laptop --scope write)
reader_write=$(token $reader laptop --scope write)
admin_write=$(token $admin ops --scope write)
expired=$(token $rm short-lived --scope write --now 2013-01-22 --expires 2013-01-23)
revoked=$(token $rm old --scope write)
check "tokens are stk_ and 64 hex digits" test "$(printf '%s\n' "$rm_write" "$dev_write" |
  grep -cE '^stk_[0-9a-f]{64}$')" = 2
check "token list" exit_is 0 st --as $rm --json token list
check "token list never shows a secret" test "$(grep -c stk_ "$work/out")" = 0
check "token list names them" json_has '[t["name"] for t in d] == ["ci", "dashboard", "short-lived", "old"]'
check "a second live token of one name: exit 4" exit_is 4 st --as $rm token create --name ci
check "token revoke" exit_is 0 st --as $rm token revoke old
check "revoked in the list" exit_is 0 st --as $rm --json token list
check "revoked state" json_has 'd[3]["state"] == "revoked" and d[3]["revoked_at"]'
check "no secret in the database" test "$(sqlite3 "$work/s.db" "SELECT COUNT(*) FROM api_tokens WHERE hash LIKE 'stk_%'")" = 0
check "revoke another's token: exit 4" exit_is 4 st --as $dev token revoke 1

serve() {  # [db=PATH] serve NAME [OPTIONS...]: starts a server on a free port; its URL is in $work/NAME.url
  local name=$1
  shift
  "$stocktake" --db "${db:-$work/s.db}" serve --listen 127.0.0.1:0 --threads 2 "$@" 2>"$work/$name.log" &
  servers+=($!)
  for _ in $(seq 100); do
    url=$(sed -n 's|^stocktake serve: listening on \(http://[^ ,]*\).*|\1|p' "$work/$name.log" 2>/dev/null)
    [ -n "$url" ] && { echo "${url%/}" >"$work/$name.url"; return 0; }
    kill -0 "$!" 2>/dev/null || break
    sleep 0.1
  done
  echo "  the server did not start: $(cat "$work/$name.log")"
  return 1
}
check "serve" serve s
s=$(cat "$work/s.url")

call() {  # call METHOD PATH [CURL-OPTIONS...]: status in $work/status, body and headers beside
  local method=$1 path=$2
  shift 2
  rm -f "$work/body"
  curl -sS -o "$work/body" -D "$work/headers" -w '%{http_code}' -X "$method" "$@" "$s$path" \
    >"$work/status"
}
is() {  # is STATUS METHOD PATH TOKEN BODY [CURL-OPTIONS...]
  local want=$1 method=$2 path=$3 token=$4 body=$5
  shift 5
  local auth=()
  [ -n "$token" ] && auth=(-H "Authorization: Bearer $token")
  call "$method" "$path" "${auth[@]}" -H 'Content-Type: application/json' --data-binary "$body" "$@"
  [ "$(cat "$work/status")" = "$want" ] ||
    { echo "  $method $path: $(cat "$work/status"), wanted $want: $(head -c 300 "$work/body")"; return 1; }
}
status_of() { st --json feature show "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'; }
add='{"title": "Live patching", "owners": ["dev@example.org"]}'
set_at_risk='{"status": "at-risk", "reason": "no reviewer"}'
slip='{"release": "2013-07-01", "reason": "more time for qemu"}'

# Without credentials: 401 with WWW-Authenticate, nothing written.
check "add without credentials 401" is 401 POST /api/v1/releases/4.3/features "" "$add"
check "401 says Bearer" grep -qi '^WWW-Authenticate: Bearer' "$work/headers"
check "set without credentials 401" is 401 PATCH /api/v1/features/$feature "" "$set_at_risk"
check "slip without credentials 401" is 401 POST /api/v1/releases/4.3/slip "" "$slip"
check "nothing written" test "$(status_of $feature)" = on-track

# Each role against each write.
check "reader may not add 403" is 403 POST /api/v1/releases/4.3/features "$reader_write" "$add"
check "contributor adds 201" is 201 POST /api/v1/releases/4.3/features "$dev_write" "$add"
check "the CLI sees it" test "$(status_of live-patching)" = on-track
check "contributor may not set another's 403" is 403 PATCH /api/v1/features/$feature "$dev_write" "$set_at_risk"
check "reader may not set 403" is 403 PATCH /api/v1/features/$feature "$reader_write" "$set_at_risk"
check "release manager sets 200" is 200 PATCH /api/v1/features/$feature "$rm_write" "$set_at_risk"
check "the CLI sees the status" test "$(status_of $feature)" = at-risk
check "the event names who acted" exit_is 0 st --json feature history $feature
check "actor is the token's person" json_has "d[-1]['actor'] == '$rm'"
check "contributor sets their own 200" is 200 PATCH /api/v1/features/live-patching "$dev_write" '{"status": "fair"}'
check "contributor may not slip 403" is 403 POST /api/v1/releases/4.3/slip "$dev_write" "$slip"
check "admin may not slip 403" is 403 POST /api/v1/releases/4.3/slip "$admin_write" "$slip"
check "release manager slips 200" is 200 POST /api/v1/releases/4.3/slip "$rm_write" "$slip"
check "the slip is the CLI's JSON" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['release'] == '2013-07-01', d" "$work/body"

release='{"version": "4.4", "start": "2013-06-18", "freeze": "2013-10-18", "release": "2013-12-02"}'
check "contributor may not add a release 403" is 403 POST /api/v1/releases "$dev_write" "$release"
check "release manager adds a release 201" is 201 POST /api/v1/releases "$rm_write" "$release"
check "the CLI sees 4.4" exit_is 0 st --json release show 4.4
czar='{"name": "The Czar", "roles": ["czar"]}'
check "release manager may not add people 403" is 403 PUT /api/v1/people/czar@example.org "$rm_write" "$czar"
check "admin adds a person 200" is 200 PUT /api/v1/people/czar@example.org "$admin_write" "$czar"
check "the CLI sees the czar" exit_is 0 st --json person list
check "czar role" json_has "[p['roles'] for p in d if p['email'] == 'czar@example.org'] == [['czar']]"

# Token scope, expiry, revocation.
check "read token may not write 403" is 403 PATCH /api/v1/features/$feature "$rm_read" '{"status": "fair"}'
check "403 says insufficient_scope" grep -qi 'insufficient_scope' "$work/headers"
check "read token reads 200" call GET /api/v1/releases -H "Authorization: Bearer $rm_read"
check "read status" test "$(cat "$work/status")" = 200
check "expired token 401" is 401 PATCH /api/v1/features/$feature "$expired" '{"status": "fair"}'
check "401 says invalid_token" grep -qi 'invalid_token' "$work/headers"
check "revoked token 401" is 401 PATCH /api/v1/features/$feature "$revoked" '{"status": "fair"}'
check "still at-risk" test "$(status_of $feature)" = at-risk

# A session: the cookie, then writes with and without the CSRF token.
login() {  # login EMAIL PASSWORD
  call POST /api/v1/session -H 'Content-Type: application/json' -c "$work/cookies" \
    --data-binary "{\"email\": \"$1\", \"password\": \"$2\"}"
}
check "login" login $rm "$password"
check "login 201" test "$(cat "$work/status")" = 201
check "cookie attributes" grep -qiE '^Set-Cookie: stocktake_session=[0-9a-f]{64}; Path=/; Max-Age=[0-9]+; HttpOnly; SameSite=Lax' "$work/headers"
check "no Secure over http" test "$(grep -ci 'Secure' "$work/headers")" = 0
csrf=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$work/body")
check "session write without CSRF 403" is 403 PATCH /api/v1/features/$feature "" '{"status": "fair"}' -b "$work/cookies"
check "session write with a wrong CSRF 403" is 403 PATCH /api/v1/features/$feature "" '{"status": "fair"}' \
  -b "$work/cookies" -H "X-CSRF-Token: 0$csrf"
check "still at-risk after CSRF refusals" test "$(status_of $feature)" = at-risk
check "session write with CSRF 200" is 200 PATCH /api/v1/features/$feature "" '{"status": "fair"}' \
  -b "$work/cookies" -H "X-CSRF-Token: $csrf"
check "logout 204" call DELETE /api/v1/session -b "$work/cookies" -H "X-CSRF-Token: $csrf"
check "logout status" test "$(cat "$work/status")" = 204
check "after logout 401" is 401 PATCH /api/v1/features/$feature "" '{"status": "on-track"}' \
  -b "$work/cookies" -H "X-CSRF-Token: $csrf"

# If-Match: a stale ETag writes nothing.
check "read the feature" call GET /api/v1/features/$feature
etag=$(sed -n 's/^ETag: *\("[0-9a-f]*"\).*/\1/Ip' "$work/headers")
check "write with the ETag 200" is 200 PATCH /api/v1/features/$feature "$rm_write" '{"status": "on-track"}' -H "If-Match: $etag"
check "write with the stale ETag 412" is 412 PATCH /api/v1/features/$feature "$rm_write" '{"status": "dropped"}' -H "If-Match: $etag"
check "nothing written on 412" test "$(status_of $feature)" = on-track

# Hostile bodies: 4xx, nothing written, the server still answering.
check "malformed JSON 400" is 400 PATCH /api/v1/features/$feature "$rm_write" '{"status": '
check "unknown field 400" is 400 PATCH /api/v1/features/$feature "$rm_write" '{"status": "fair", "actor": "x@y"}'
check "wrong type 400" is 400 PATCH /api/v1/features/$feature "$rm_write" '{"must_have": "yes"}'
check "invalid UTF-8 400" is 400 PATCH /api/v1/features/$feature "$rm_write" "$(printf '{"notes": "\xff"}')"
head -c 1100000 /dev/zero | tr '\0' a >"$work/huge"
check "huge body 413" is 413 PATCH /api/v1/features/$feature "$rm_write" "@$work/huge"
check "not JSON 415" is 415 PATCH /api/v1/features/$feature "$rm_write" '{"status": "fair"}' -H 'Content-Type: text/plain'
check "nothing written by them" test "$(status_of $feature)" = on-track
check "still answering" call GET /healthz
check "healthz 200" test "$(cat "$work/status")" = 200

# Failed logins: five, then 429 with Retry-After, even with the right password.
for attempt in 1 2 3 4 5; do
  check "wrong password $attempt 401" login $dev "wrong password"
  check "wrong password $attempt status" test "$(cat "$work/status")" = 401
done
check "sixth attempt" login $dev "$password"
check "sixth attempt 429" test "$(cat "$work/status")" = 429
check "Retry-After" grep -qiE '^Retry-After: [0-9]+' "$work/headers"

# The Czar's process: propose, object, decide.
pv() { "$stocktake" --db "$work/pv.db" "$@"; }
check "import protocols" exit_is 0 pv --as $admin import "$root/examples/xen-pv-protocols.yaml"
check "czar" exit_is 0 pv --as $admin person add czar@example.org --role czar
check "contributor on pv" exit_is 0 pv --as $admin person add $dev --role contributor
pv_dev=$(pv --as $dev --json token create --name t --scope write |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
pv_czar=$(pv --as czar@example.org --json token create --name t --scope write |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
db="$work/pv.db" check "serve protocols" serve pv
s=$(cat "$work/pv.url")
check "contributor proposes 201" is 201 POST /api/v1/protocols/pvcalls/proposals "$pv_dev" '{"to": "production"}'
check "the proposal is the CLI's" exit_is 0 pv --json proposal show 1
check "proposed by the token's person" json_has "d['proposer'] == '$dev'"
check "contributor may not decide 403" is 403 POST /api/v1/proposals/1/decision "$pv_dev" \
  '{"accept": false, "rationale": "no"}'
check "the czar decides 200" is 200 POST /api/v1/proposals/1/decision "$pv_czar" \
  '{"accept": false, "rationale": "not yet"}'

# --private, and Secure cookies behind https.
check "serve --private" serve private --private --base-url https://stocktake.example.org/
s=$(cat "$work/private.url")
check "private: anonymous read 401" call GET /api/v1/releases
check "private: 401 status" test "$(cat "$work/status")" = 401
check "private: token read 200" call GET /api/v1/releases -H "Authorization: Bearer $rm_read"
check "private: 200 status" test "$(cat "$work/status")" = 200
check "private: healthz is open" call GET /healthz
check "private: healthz 200" test "$(cat "$work/status")" = 200
check "https: login" login $rm "$password"
check "https: login 201" test "$(cat "$work/status")" = 201
check "https: cookie is Secure" grep -qiE '^Set-Cookie: .*; Secure' "$work/headers"
for pid in "${servers[@]}"; do
  kill -TERM "$pid"
  wait "$pid"
  check "server $pid exits 0 on SIGTERM" test $? -eq 0
done
servers=()
finish
