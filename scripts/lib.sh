# Shared by scripts/run and scripts/test: the virtual environment and the PostgreSQL check.
# shellcheck shell=bash

VENV=.venv

say() { printf '==> %s\n' "$*"; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.11 python3.12 python3.13 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))'; then
            echo "$candidate"
            return
        fi
    done
    fail "Python 3.11, 3.12 or 3.13 is needed (Django 5.2 LTS). Install one, e.g. 'sudo apt-get install python3.11 python3.11-venv'."
}

# ensure_venv [test]: create .venv and install the locked dependencies, every file checked
# against its hash: requirements.txt, or requirements-test.txt with the test extra (scripts/lock
# writes both). Then the portal itself, editable, with no dependencies and the locked build
# backend, so nothing unpinned is fetched. Reinstalls only when the lock or pyproject.toml
# changed since the last install; the test lock, which holds the other at the same versions,
# also serves scripts/run.
ensure_venv() {
    local guard
    # Two commands may set up the same environment at once (the tests, in two processes, may
    # start two topologies side by side): the second waits for the first, then finds it ready.
    # The lock's descriptor is closed before any server starts, so none of them holds it.
    mkdir -p "$VENV"
    exec {guard}>"$VENV/.setting-up"
    if command -v flock >/dev/null 2>&1; then flock "$guard"; fi
    set_up_venv "$@"
    exec {guard}>&-
}

set_up_venv() {
    local extra=${1:-} lock=requirements.txt installed wanted
    [ -n "$extra" ] && lock=requirements-$extra.txt
    if [ ! -x "$VENV/bin/python" ]; then
        say "Creating the virtual environment in $VENV"
        "$(find_python)" -m venv "$VENV" || fail "could not create $VENV (on Debian: sudo apt-get install python3.11-venv)"
    fi
    wanted=$(lock_stamp "$lock")
    installed=$(cat "$VENV/.installed" 2>/dev/null || true)
    [ "$installed" = "$wanted" ] && return
    [ -z "$extra" ] && [ "$installed" = "$(lock_stamp requirements-test.txt)" ] && return
    say "Installing the locked dependencies ($lock)"
    # The locked pip first. Python 3.11's own (23.2) resolves a dependency asked for with an
    # extra, such as pip-audit's CacheControl[filecache], to its newest release rather than
    # the locked one: hash-checking then refuses the whole install as soon as a newer release
    # is out, which is how a clean clone failed on the day CacheControl 0.15 came out.
    "$VENV/bin/python" -m pip install --quiet --require-hashes --requirement <(locked_pip) ||
        fail "could not install the locked pip (requirements-test.txt)"
    "$VENV/bin/python" -m pip install --quiet --require-hashes --requirement "$lock" ||
        fail "could not install $lock. If pyproject.toml changed, run scripts/lock and commit the lock."
    "$VENV/bin/python" -m pip install --quiet --no-deps --no-build-isolation --editable .
    echo "$wanted" > "$VENV/.installed"
}

# locked_pip: the test lock's pin of pip, with its hashes (both locks install with it).
locked_pip() {
    local pin
    pin=$(awk '/^pip==/ { found = 1 } found { print; if ($0 !~ /\\$/) exit }' requirements-test.txt)
    [ -n "$pin" ] || fail "requirements-test.txt pins no pip: run scripts/lock"
    echo "$pin"
}

# lock_stamp LOCK: what an install from LOCK depends on (the lock and pyproject.toml).
lock_stamp() {
    echo "$1 $(cat "$1" pyproject.toml | sha256sum | cut -d' ' -f1)"
}

# ensure_postgres: make sure the PostgreSQL server named by $DATABASE_URL answers; start a
# local Debian cluster that is installed but stopped; otherwise say exactly what to do.
ensure_postgres() {
    local host port version cluster clusters started=""
    read -r host port < <("$VENV/bin/python" -c '
import sys, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
print(url.hostname or "127.0.0.1", url.port or 5432)' "$DATABASE_URL")

    if ! command -v pg_isready >/dev/null 2>&1; then
        if [ -d /usr/lib/postgresql ]; then
            PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)"
        else
            fail "PostgreSQL is not installed. The tests run on PostgreSQL: install it
       (Debian/Ubuntu: sudo apt-get install postgresql), or set DATABASE_URL to a
       server you can use, e.g. DATABASE_URL=postgres://user:password@host:5432/pactportal"
        fi
    fi
    pg_isready -q -h "$host" -p "$port" && return 0

    case "$host" in
        127.0.0.1 | localhost | ::1) ;;
        *) fail "PostgreSQL at $host:$port does not answer. Check DATABASE_URL." ;;
    esac
    if ! command -v pg_lsclusters >/dev/null 2>&1; then
        fail "PostgreSQL at $host:$port is not running. Start it (e.g. 'sudo service postgresql start') and run this command again."
    fi
    clusters=$(pg_lsclusters --no-header | awk -v port="$port" '$3 == port {print $1, $2}')
    [ -n "$clusters" ] || fail "No PostgreSQL cluster is set up on port $port. Create one with
       'sudo pg_createcluster <version> main --start', or set DATABASE_URL."
    while read -r version cluster; do
        say "Starting PostgreSQL $version/$cluster"
        if [ "$(id -u)" = 0 ]; then
            pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start && started=1
        else
            sudo -n pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start 2>/dev/null && started=1
        fi
        [ -n "$started" ] || fail "PostgreSQL $version/$cluster is stopped and could not be started from here. Run:
       sudo pg_ctlcluster --skip-systemctl-redirect $version $cluster start"
    done <<< "$clusters"
    for _ in $(seq 30); do
        pg_isready -q -h "$host" -p "$port" && return 0
        sleep 1
    done
    fail "PostgreSQL was started but does not answer on $host:$port; see its log in /var/log/postgresql/."
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}

# ensure_test_tools: what the tests need from the system. Debian's Chromium (Playwright drives
# it; it never downloads a browser of its own), a Java runtime and the Nu HTML Checker (vnu.jar,
# from npm, pinned in package-lock.json), xgettext (gettext), which extracts the interface
# strings the catalogue test compares with locale/, and nginx. Quick when everything is there already.
ensure_test_tools() {
    local missing=()
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
    command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    # The topology test (tests/deploy/) runs the portal behind nginx, as production does.
    [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
    if [ ${#missing[@]} -gt 0 ]; then
        say "Installing ${missing[*]} (Debian packages)"
        as_root apt-get update -qq || fail "could not run apt-get; install ${missing[*]} by hand"
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" fonts-dejavu-core >/dev/null || fail "could not install ${missing[*]}"
    fi
    local wanted installed
    wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
    installed=$(cat node_modules/.installed 2>/dev/null || true)
    if [ "$installed" != "$wanted" ] || [ ! -f "$VNU_JAR" ]; then
        say "Installing the Nu HTML Checker (npm ci)"
        # --ignore-scripts: vnu-jar's install script would fetch a Java runtime; Debian's serves.
        npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
        echo "$wanted" > node_modules/.installed
    fi
}

VNU_JAR=node_modules/vnu-jar/build/dist/vnu.jar
