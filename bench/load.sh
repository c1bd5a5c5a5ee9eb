#!/usr/bin/env bash
# Load test: serve the demo city with gunicorn and drive the main pages with wrk, logged in.
#
# A throwaway data directory gets the demo city (migrate, seed_demo, last year's scores) and the
# collected static files; gunicorn serves it with production settings (DEBUG off, whitenoise,
# random secret key) over plain HTTP on 127.0.0.1. After one login through the real login
# form, wrk drives each page for LOAD_DURATION at LOAD_CONNECTIONS connections. /health/ (the
# whole middleware stack, session included, and no page work) is the framework's floor.
# Any answer other than 200 and any socket error or timeout fails the run (exit 1).
# Then a stream of visit records is POSTed by the demo instructor from LOAD_WRITERS
# connections at once (each a new visit, answered 302); on SQLite this is what answered
# "database is locked" before issue 18. Any answer other than 302 fails the run too.
#
# Usage: bench/load.sh            (or `make load`; needs the virtualenv made by `make`)
#        scripts/test-postgres.sh bench/load.sh      the same against a throwaway PostgreSQL
# Environment: LOAD_DURATION      wrk duration per page (default 30s)
#              LOAD_CONNECTIONS   concurrent connections (default 20)
#              LOAD_THREADS       wrk threads (default 2, at most LOAD_CONNECTIONS)
#              LOAD_WORKERS       gunicorn workers (default 4)
#              LOAD_TIMEOUT       wrk's per-request timeout, counted as an error (default 10s)
#              LOAD_WRITERS       concurrent connections of the visit-POST stream (default 10)
#              DATABASE_URL       when set, an EMPTY database to use instead of a throwaway
#                                 SQLite file (the demo city and its published passwords are
#                                 written into it; a database holding tables is refused)
set -euo pipefail

cd "$(dirname "$0")/.."

duration=${LOAD_DURATION:-30s}
connections=${LOAD_CONNECTIONS:-20}
threads=${LOAD_THREADS:-2}
workers=${LOAD_WORKERS:-4}
timeout=${LOAD_TIMEOUT:-10s}
writers=${LOAD_WRITERS:-10}
# wrk refuses fewer connections than threads.
if [ "$threads" -gt "$connections" ]; then
    threads=$connections
fi
python=.venv/bin/python
gunicorn=.venv/bin/gunicorn
username=staff
password='demo12345!'  # partybuild/demo/city.py DEMO_PASSWORD

fail() {
    echo "load: $*" >&2
    exit 1
}

[ -x "$python" ] && [ -x "$gunicorn" ] \
    || fail "no virtualenv with gunicorn in .venv; run \`make load\` (or \`make\`) first."
command -v curl >/dev/null || fail "curl is needed to log in."

if ! command -v wrk >/dev/null; then
    command -v apt-get >/dev/null || fail "wrk is missing and apt-get is not available."
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || fail "wrk is missing; install the 'wrk' package."
        sudo=sudo
    fi
    echo "load: installing the Debian package 'wrk'"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/partybuild-load.XXXXXX")
server_pid=""

cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Production settings over plain HTTP on loopback: no HTTPS redirect, no secure-only cookies
# (curl and wrk would otherwise never send the session back), no HSTS. Every data path is in
# the throwaway directory, whatever the calling shell exports.
export DJANGO_SETTINGS_MODULE=partybuild.settings
export DJANGO_DEBUG=0
DJANGO_SECRET_KEY=$("$python" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_CSRF_TRUSTED_ORIGINS=""
export DJANGO_SECURE_SSL_REDIRECT=0
export DJANGO_SECURE_COOKIES=0
export DJANGO_SECURE_HSTS_SECONDS=0
export DJANGO_BEHIND_HTTPS_PROXY=0
export DJANGO_LOG_LEVEL=WARNING
export PARTYBUILD_VAR_DIR=$workdir/var
export DJANGO_STATIC_ROOT=$workdir/var/staticfiles
export DJANGO_MEDIA_ROOT=$workdir/var/media
unset PARTYBUILD_LIST_PAGE_SIZE DJANGO_SESSION_COOKIE_AGE

manage() {
    "$python" manage.py "$@"
}

# Run a setup step quietly; show its output only when it fails.
step() {
    local what=$1
    shift
    echo "load: $what"
    "$@" >"$workdir/step.log" 2>&1 || { cat "$workdir/step.log" >&2; fail "$what failed."; }
}

if [ -n "${DATABASE_URL:-}" ]; then
    database="${DATABASE_URL%%://*} database from DATABASE_URL"
    tables=$(manage shell --verbosity 0 -c \
        'from django.db import connection; print(len(connection.introspection.table_names()))' \
        2>"$workdir/step.log") || { cat "$workdir/step.log" >&2; fail "cannot reach DATABASE_URL."; }
    [ "$tables" = 0 ] || fail "the database of DATABASE_URL already holds $tables tables;" \
        "the load test writes the demo city and its published passwords, so it only uses an" \
        "empty database (e.g. scripts/test-postgres.sh bench/load.sh)."
else
    database="throwaway SQLite"
fi
echo "load: $database, data in $workdir"

step "migrate" manage migrate --noinput
step "seed_demo" manage seed_demo
step "collectstatic" manage collectstatic --noinput

# Scores are stored by a recompute, not by seed_demo; the score pages need last year's. The
# same step picks the ids the filtered pages use: a large district and a scored institution.
ids=$(manage shell --verbosity 0 -c '
from django.utils import timezone
from partybuild.accounts.models import User
from partybuild.organisation.models import Region
from partybuild.scoring.models import Score
from partybuild.scoring.services import scores_recompute

year = timezone.localdate().year - 1
scores_recompute(acting_user=User.objects.get(username="staff"), year=year)
district = Region.objects.get(code="430903")  # 赫山区, the largest district of the demo
score = (Score.objects.filter(year=year, institution__region__path__startswith=district.path)
         .order_by("-total", "institution__credit_code").first())
print(year, district.pk, score.institution_id)
' 2>"$workdir/step.log") || { cat "$workdir/step.log" >&2; fail "computing the scores failed."; }
read -r year district_pk institution_pk <<<"$ids"
echo "load: scores of $year stored"

# The visit-POST stream needs (institution, day) pairs the demo instructor may still record:
# assigned that day, no visit yet, not in the future. One pair a line, newest days first.
visit_slots=$workdir/visit_slots.txt
step "visit slots" manage shell --verbosity 0 -c "
from datetime import timedelta
from django.utils import timezone
from partybuild.instructors.models import Assignment
from partybuild.visits.models import Visit

today = timezone.localdate()
assignments = Assignment.objects.filter(instructor__user__username='instructor')
taken = set(Visit.objects.values_list('institution_id', 'date'))
with open('$visit_slots', 'w') as out:
    for back in range(1, 700):
        day = today - timedelta(days=back)
        for a in assignments:
            if a.start <= day and (a.end is None or day <= a.end) \\
                    and (a.institution_id, day) not in taken:
                out.write(f'{a.institution_id} {day.isoformat()}\\n')
"
[ -s "$visit_slots" ] || fail "no free visit slots for the demo instructor."

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
"$gunicorn" --workers "$workers" --bind "127.0.0.1:$port" partybuild.wsgi:application \
    >"$workdir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
    if curl -fsS -o /dev/null "$base/health/" 2>/dev/null; then
        break
    fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$workdir/server.log" >&2; fail "gunicorn died."; }
    sleep 0.2
done
curl -fsS -o /dev/null "$base/health/" || { cat "$workdir/server.log" >&2; fail "no answer on /health/."; }
echo "load: gunicorn with $workers workers on $base"

# One login through the real form: the CSRF cookie and token from the GET, then the POST.
jar=$workdir/cookies.txt
curl -fsS -c "$jar" -o "$workdir/login.html" "$base/accounts/login/"
token=$(sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' "$workdir/login.html" | head -n1)
[ -n "$token" ] || fail "no csrfmiddlewaretoken on the login page."
login=$(curl -sS -b "$jar" -c "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=$username" \
    --data-urlencode "password=$password" --data-urlencode "next=/" \
    -H "Referer: $base/accounts/login/" "$base/accounts/login/")
[ "$login" = "302 $base/" ] || fail "logging in as $username answered '$login', not a redirect to /."
cookie_value() {
    awk -v name="$1" '$6 == name { print $7 }' "$jar"
}
sessionid=$(cookie_value sessionid)
csrftoken=$(cookie_value csrftoken)
[ -n "$sessionid" ] || fail "no session cookie after logging in."
cookie="Cookie: sessionid=$sessionid; csrftoken=$csrftoken"
echo "load: logged in as $username"

# The instructor's session for the visit-POST stream, through the same login form.
instructor_jar=$workdir/instructor-cookies.txt
curl -fsS -c "$instructor_jar" -o "$workdir/login2.html" "$base/accounts/login/"
token=$(sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' "$workdir/login2.html" | head -n1)
login=$(curl -sS -b "$instructor_jar" -c "$instructor_jar" -o /dev/null -w '%{http_code}' \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=instructor" \
    --data-urlencode "password=$password" --data-urlencode "next=/" \
    -H "Referer: $base/accounts/login/" "$base/accounts/login/")
[ "$login" = 302 ] || fail "logging in as instructor answered '$login', not a redirect."
instructor_csrf=$(awk '$6 == "csrftoken" { print $7 }' "$instructor_jar")
instructor_cookie="Cookie: sessionid=$(awk '$6 == "sessionid" { print $7 }' "$instructor_jar"); csrftoken=$instructor_csrf"

# name|path|least table rows the page must show (0: no table to count).
pages=(
    "floor /health/|/health/|0"
    "home|/|0"
    "institution list|/organisation/institutions/?region=$district_pk&status=open&sort=name|50"
    "completeness grid|/visits/completeness/?year=$year&month=12|50"
    "score list|/scores/$year/|50"
    "score detail|/scores/$year/institutions/$institution_pk/|0"
)

# A redirect (to the login page, say) would make a fake fast benchmark: every page must answer
# 200 as it is, and list pages must show their rows.
for page in "${pages[@]}"; do
    IFS='|' read -r name path rows <<<"$page"
    status=$(curl -sS -o "$workdir/page.html" -w '%{http_code}' -H "$cookie" "$base$path")
    [ "$status" = 200 ] || fail "$name ($path) answered $status, not 200."
    if grep -q 'name="password"' "$workdir/page.html"; then
        fail "$name ($path) shows the login form."
    fi
    shown=$( { grep -o "<tr" "$workdir/page.html" || true; } | wc -l)
    [ "$shown" -ge "$rows" ] || fail "$name ($path) shows $shown table rows, expected at least $rows."
    echo "load: checked $name: $path ($(wc -c <"$workdir/page.html") bytes, $shown table rows)"
done

echo "load: wrk -t$threads -c$connections -d$duration per page"
results=()
failed=0
for page in "${pages[@]}"; do
    IFS='|' read -r name path _ <<<"$page"
    out=$workdir/wrk.out
    if ! wrk -t"$threads" -c"$connections" -d"$duration" --timeout "$timeout" --latency \
            -s bench/load/report.lua -H "$cookie" "$base$path" >"$out" 2>&1; then
        cat "$out" >&2
        fail "wrk failed on $name."
    fi
    line=$(grep '^LOAD_RESULT ' "$out") || { cat "$out" >&2; fail "no result line from wrk on $name."; }
    rps=$(sed -n 's/.* rps=\([^ ]*\).*/\1/p' <<<"$line")
    p50=$(sed -n 's/.* p50_ms=\([^ ]*\).*/\1/p' <<<"$line")
    p99=$(sed -n 's/.* p99_ms=\([^ ]*\).*/\1/p' <<<"$line")
    not_200=$(sed -n 's/.* not_200=\([^ ]*\).*/\1/p' <<<"$line")
    socket_errors=$(sed -n 's/.* socket_errors=\([^ ]*\).*/\1/p' <<<"$line")
    errors=$((not_200 + socket_errors))
    if [ "$errors" -ne 0 ]; then
        failed=1
        grep -E 'Non-2xx|Socket errors' "$out" >&2 || true
        echo "load: $name: $not_200 answers other than 200, $socket_errors socket errors" >&2
    fi
    results+=("$name|$rps|$p50|$p99|$errors")
    echo "load: $name done: $rps requests/s"
done

# The write stream: LOAD_WRITERS connections POST new visits at once.
writer_threads=$((writers < threads ? writers : threads))
out=$workdir/wrk.out
visits_before=$(manage shell --verbosity 0 -c 'from partybuild.visits.models import Visit; print(Visit.objects.count())')
if ! VISIT_SLOTS=$visit_slots VISIT_CSRF=$instructor_csrf VISIT_THREADS=$writer_threads \
        wrk -t"$writer_threads" -c"$writers" -d"$duration" --timeout "$timeout" --latency \
        -s bench/load/visits.lua -H "$instructor_cookie" -H "Referer: $base/visits/new/" \
        "$base/visits/new/" >"$out" 2>&1; then
    cat "$out" >&2
    fail "wrk failed on the visit-POST stream."
fi
line=$(grep '^LOAD_RESULT ' "$out") || { cat "$out" >&2; fail "no result line from the visit stream."; }
requests=$(sed -n 's/.* requests=\([^ ]*\).*/\1/p' <<<"$line")
rps=$(sed -n 's/.* rps=\([^ ]*\).*/\1/p' <<<"$line")
p50=$(sed -n 's/.* p50_ms=\([^ ]*\).*/\1/p' <<<"$line")
p99=$(sed -n 's/.* p99_ms=\([^ ]*\).*/\1/p' <<<"$line")
not_302=$(sed -n 's/.* not_200=\([^ ]*\).*/\1/p' <<<"$line")
socket_errors=$(sed -n 's/.* socket_errors=\([^ ]*\).*/\1/p' <<<"$line")
errors=$((not_302 + socket_errors))
visits_after=$(manage shell --verbosity 0 -c 'from partybuild.visits.models import Visit; print(Visit.objects.count())')
stored=$((visits_after - visits_before))
if [ "$errors" -ne 0 ]; then
    failed=1
    echo "load: visit POSTs: $not_302 answers other than 302, $socket_errors socket errors" >&2
fi
# Every 302 is a stored visit: none may be lost (wrk may stop with a request in flight).
if [ $((requests - not_302)) -gt "$stored" ]; then
    failed=1
    echo "load: visit POSTs: $((requests - not_302)) saved answers but $stored new visits" >&2
fi
results+=("visit POST x$writers|$rps|$p50|$p99|$errors")
echo "load: visit-POST stream done: $rps requests/s, $stored visits stored"

echo
echo "$database, gunicorn -w $workers, wrk -t$threads -c$connections -d$duration, $(nproc) CPUs shared by wrk and gunicorn"
printf '%-18s | %10s | %8s | %8s | %6s\n' page requests/s "p50 ms" "p99 ms" errors
printf '%s\n' "-------------------+------------+----------+----------+-------"
for result in "${results[@]}"; do
    IFS='|' read -r name rps p50 p99 errors <<<"$result"
    printf '%-18s | %10s | %8s | %8s | %6s\n' "$name" "$rps" "$p50" "$p99" "$errors"
done

if [ "$failed" -ne 0 ]; then
    echo >&2
    echo "load: errors; the server log follows" >&2
    tail -n 60 "$workdir/server.log" >&2
    exit 1
fi
