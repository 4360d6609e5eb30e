#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (CTest starts it as the fixture "vistag_pg").
#
#   pg_test_server.sh start  DIR   create (once) and start a cluster under DIR; prints its URI.
#                                  A server already running from DIR is reused as it is.
#   pg_test_server.sh stop   DIR [--purge]   stop it (no error if it is not running);
#                                  --purge also deletes DIR.
#   pg_test_server.sh pause  DIR   stop it, keeping everything (to simulate "server down").
#   pg_test_server.sh resume DIR   start it again on the same port.
#   pg_test_server.sh status DIR   exit 0 if it is running, 3 if not.
#
# What start leaves in DIR:
#   uri     one line, postgresql://vistag@127.0.0.1:PORT/vistag_test (no password in it)
#   pgpass  libpq password file (mode 0600) for the roles vistag and vistag_other
#   env     export PGPASSFILE=...; export VISTAG_TEST_PG_URI=...; export VISTAG_TEST_PG_URI_FILE=...
#   port    the TCP port (127.0.0.1 only)
#   data/ (the cluster), sock/ (its Unix socket), log/postgres.log
# Roles: vistag (LOGIN CREATEDB, owns database vistag_test), vistag_other (LOGIN, no privileges
# beyond PostgreSQL's defaults). The superuser "postgres" is reachable only over the Unix socket.
# Speed over safety: fsync, synchronous_commit and full_page_writes are off. Never keep data here.
#
# Run as root, the cluster runs as the system user postgres (DIR must be reachable by it);
# otherwise it runs as the current user. The binaries come from $PG_BINDIR, else the newest
# /usr/lib/postgresql/*/bin, else pg_config --bindir, else PATH.
# The Debian package's own cluster (15/main, port 5432) is not used and may be up or down.
set -euo pipefail

die() { printf 'pg_test_server: error: %s\n' "$*" >&2; exit 1; }
log() { printf 'pg_test_server: %s\n' "$*" >&2; }

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# ---- arguments ------------------------------------------------------------------------------
cmd="${1:-}"; [ -n "$cmd" ] || usage; shift
purge=0; DIR=""
for a in "$@"; do
  case "$a" in
    --purge) purge=1 ;;
    -h|--help) usage ;;
    -*) die "unknown option $a" ;;
    *) [ -z "$DIR" ] || die "only one DIR, please"; DIR="$a" ;;
  esac
done
[ -n "$DIR" ] || usage
[ "$purge" = 0 ] || [ "$cmd" = stop ] || die "--purge goes with stop"
DIR="$(realpath -m -- "$DIR")"
[ "$DIR" != / ] || die "DIR cannot be /"

MARK="$DIR/.vistag-pg-test"    # written once the cluster, roles and database all exist
DATA="$DIR/data"
LOGDIR="$DIR/log"
LOGFILE="$LOGDIR/postgres.log"
SOCKFILE="$DIR/socket_dir"     # where the Unix socket lives (DIR/sock unless that path is too long)

# ---- binaries and the user the server runs as -----------------------------------------------
find_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  local d best=""
  while read -r d; do   # in version order: the last match is the newest
    [ -x "$d/initdb" ] && best="$d"
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V)
  if [ -z "$best" ] && command -v pg_config >/dev/null 2>&1; then
    d="$(pg_config --bindir 2>/dev/null || true)"; [ -x "$d/initdb" ] && best="$d"
  fi
  if [ -z "$best" ] && command -v initdb >/dev/null 2>&1; then best="$(dirname "$(command -v initdb)")"; fi
  echo "$best"
}
BIN="$(find_bindir)"
for b in initdb pg_ctl psql; do
  [ -n "$BIN" ] && [ -x "$BIN/$b" ] && continue
  die "PostgreSQL server binaries not found (looked for $b in ${BIN:-/usr/lib/postgresql/*/bin}); install with scripts/setup.sh (Debian packages postgresql and libqt6sql6-psql), or set PG_BINDIR"
done

if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root needs the system user postgres (Debian package postgresql); install with scripts/setup.sh"
  command -v runuser >/dev/null || die "runuser (util-linux) is missing"
fi

# Runs a command as the cluster's owner, from DIR (so a 0700 working directory does not matter).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$DIR" && runuser -u postgres -- "$@")
  else
    (cd "$DIR" && "$@")
  fi
}

# Makes a file or folder belong to the cluster's owner.
give_pg() { [ "$(id -u)" -ne 0 ] || chown postgres: "$@"; }

pg_ctl_() { as_pg "$BIN/pg_ctl" -D "$DATA" "$@"; }

is_running() { [ -f "$DATA/PG_VERSION" ] && pg_ctl_ status >/dev/null 2>&1; }

# ---- ports ----------------------------------------------------------------------------------
port_free() {  # true if nothing listens on 127.0.0.1:$1 (bound as PostgreSQL does, so that
               # connections in TIME_WAIT after a pause do not count)
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
  else
    if ss -Htln "sport = :$1" 2>/dev/null | grep -q .; then return 1; fi
  fi
}

pick_port() {  # a free port below Linux's ephemeral range (32768+), so clients cannot take it
  local p _
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 12000 ))
    if port_free "$p"; then echo "$p"; return; fi
  done
  die "found no free TCP port on 127.0.0.1 in 20000-31999"
}

# ---- configuration, start, files ------------------------------------------------------------
sock_dir() { cat "$SOCKFILE"; }

choose_sock_dir() {  # Unix socket paths are limited to 107 bytes
  local s="$DIR/sock"
  if [ $(( ${#s} + 16 )) -ge 100 ]; then
    s="$(mktemp -d "${TMPDIR:-/tmp}/vistag-pg.XXXXXX")"
    log "DIR is too deep for a Unix socket path; the socket goes to $s"
  fi
  mkdir -p "$s"; chmod 0700 "$s"; give_pg "$s"
  echo "$s" > "$SOCKFILE"
}

write_conf() {  # $1 = port. The settings live in an included file, rewritten on every start.
  local conf="$DATA/vistag_test.conf"
  cat > "$conf" <<EOF
# Written by scripts/pg_test_server.sh: a throwaway test server.
listen_addresses = '127.0.0.1'
port = $1
unix_socket_directories = '$(sock_dir)'
unix_socket_permissions = 0700
max_connections = 100
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
log_min_messages = warning
log_connections = off
EOF
  give_pg "$conf"
  grep -q "^include_if_exists = 'vistag_test.conf'" "$DATA/postgresql.conf" ||
    echo "include_if_exists = 'vistag_test.conf'" >> "$DATA/postgresql.conf"
}

start_server() {  # $1 = port; returns non-zero (after showing the log) if it did not come up
  write_conf "$1"
  if ! pg_ctl_ -l "$LOGFILE" -w -t 30 -s start >/dev/null; then
    log "the server did not start; end of $LOGFILE:"
    tail -n 20 "$LOGFILE" >&2 || true
    return 1
  fi
}

psql_super() {  # SQL on stdin, as the superuser over the Unix socket
  as_pg "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$(sock_dir)" -p "$(cat "$DIR/port")" -U postgres -d postgres "$@"
}

password_of() { awk -F: -v u="$1" '$4 == u { print $5; exit }' "$DIR/pgpass"; }

write_client_files() {  # $1 = port, $2 = vistag's password, $3 = vistag_other's password
  local port="$1" uri="postgresql://vistag@127.0.0.1:$1/vistag_test"
  echo "$port" > "$DIR/port"
  (umask 077; : > "$DIR/pgpass.new")
  {
    echo "# hostname:port:database:username:password (libpq), written by scripts/pg_test_server.sh"
    local h u pw
    for h in 127.0.0.1 localhost; do
      for u in vistag vistag_other; do
        if [ "$u" = vistag ]; then pw="$2"; else pw="$3"; fi
        echo "$h:$port:*:$u:$pw"
      done
    done
  } > "$DIR/pgpass.new"
  chmod 0600 "$DIR/pgpass.new"; mv -f "$DIR/pgpass.new" "$DIR/pgpass"
  echo "$uri" > "$DIR/uri"
  {
    printf 'export PGPASSFILE=%q\n' "$DIR/pgpass"
    printf 'export VISTAG_TEST_PG_URI=%q\n' "$uri"
    printf 'export VISTAG_TEST_PG_URI_FILE=%q\n' "$DIR/uri"
  } > "$DIR/env"
}

# A fresh cluster: initdb, settings, start, roles and database, client files, marker.
create_cluster() {
  log "creating a PostgreSQL cluster in $DATA ($BIN)"
  mkdir -p "$DATA" "$LOGDIR"
  chmod 0700 "$DATA"; give_pg "$DATA" "$LOGDIR"
  choose_sock_dir
  if ! as_pg "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync --no-instructions \
        > "$LOGDIR/initdb.log" 2>&1; then
    cat "$LOGDIR/initdb.log" >&2
    die "initdb failed"
  fi

  local port pw_main pw_other try
  pw_main="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  pw_other="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  for try in 1 2 3; do   # another process may take the port between the check and the bind
    port="$(pick_port)"
    echo "$port" > "$DIR/port"
    if start_server "$port"; then break; fi
    if [ "$try" -eq 3 ] || ! grep -q "could not bind\|Address already in use" "$LOGFILE"; then
      die "could not start PostgreSQL (log: $LOGFILE)"
    fi
    log "port $port was taken; trying another"
  done

  psql_super -v pw_main="$pw_main" -v pw_other="$pw_other" <<'SQL'
CREATE ROLE vistag LOGIN CREATEDB PASSWORD :'pw_main';
CREATE ROLE vistag_other LOGIN PASSWORD :'pw_other';
CREATE DATABASE vistag_test OWNER vistag;
SQL
  write_client_files "$port" "$pw_main" "$pw_other"
  date -u +%FT%TZ > "$MARK"
}

print_info() {
  log "running: port $(cat "$DIR/port"), data $DATA, log $LOGFILE"
  log "use: source $DIR/env   (PGPASSFILE, VISTAG_TEST_PG_URI, VISTAG_TEST_PG_URI_FILE)"
  cat "$DIR/uri"
}

# DIR and each folder above it must let the cluster's owner pass.
# Checked on the deepest folder that exists, before anything is created.
check_reachable() {
  [ "$(id -u)" -eq 0 ] || return 0
  local top="$DIR"
  while [ ! -d "$top" ]; do top="$(dirname "$top")"; done
  runuser -u postgres -- test -x "$top" 2>/dev/null && return 0
  local p="" part parts
  IFS=/ read -ra parts <<< "${top#/}"
  for part in "${parts[@]}"; do   # find the first folder, from the top, that postgres cannot enter
    p="$p/$part"
    runuser -u postgres -- test -x "$p" 2>/dev/null || break
  done
  die "the user postgres cannot enter $p, so cannot reach $DIR; choose a folder under /tmp or the build folder, or make $p traversable (chmod o+x)"
}

# ---- commands -------------------------------------------------------------------------------
cmd_start() {
  check_reachable
  (umask 022; mkdir -p "$DIR"); chmod 0755 "$DIR"
  if [ -f "$MARK" ] && [ -f "$DATA/PG_VERSION" ]; then
    if is_running; then print_info; return; fi
    # Stopped earlier: start the same cluster, on the same port when it is still free.
    local port; port="$(cat "$DIR/port")"
    if ! port_free "$port"; then
      local old="$port"; port="$(pick_port)"
      log "port $old is taken now; moving to $port"
      write_client_files "$port" "$(password_of vistag)" "$(password_of vistag_other)"
    fi
    [ -d "$(sock_dir)" ] || { mkdir -p "$(sock_dir)"; chmod 0700 "$(sock_dir)"; give_pg "$(sock_dir)"; }
    start_server "$port" || die "could not start PostgreSQL (log: $LOGFILE)"
    print_info; return
  fi
  # Nothing here, or a cluster left half made: start over.
  if [ -e "$DATA" ] || [ -e "$SOCKFILE" ]; then
    log "removing an incomplete cluster in $DIR"
    if is_running; then pg_ctl_ -m immediate -w stop >/dev/null 2>&1 || true; fi
    remove_state
  fi
  create_cluster
  print_info
}

remove_state() {  # everything this script writes in DIR (and an outside socket folder)
  if [ -f "$SOCKFILE" ]; then
    local s; s="$(sock_dir)"
    case "$s" in "$DIR"/*) ;; *) [ -d "$s" ] && rm -rf -- "$s" ;; esac
  fi
  rm -rf -- "$DATA" "$LOGDIR" "$DIR/sock" "$SOCKFILE" "$MARK" \
    "$DIR/port" "$DIR/uri" "$DIR/pgpass" "$DIR/pgpass.new" "$DIR/env"
}

cmd_stop() {
  if is_running; then pg_ctl_ -m fast -w -t 30 -s stop; fi
  if [ "$purge" = 1 ] && [ -d "$DIR" ]; then
    remove_state
    rmdir -- "$DIR" 2>/dev/null ||
      log "left $DIR in place: it holds files this script did not write"
  fi
}

cmd_pause() {
  [ -f "$MARK" ] || die "no test cluster in $DIR (run start first)"
  is_running || { log "already stopped"; return; }
  pg_ctl_ -m fast -w -t 30 -s stop
}

cmd_resume() {
  [ -f "$MARK" ] || die "no test cluster in $DIR (run start first)"
  is_running && { log "already running"; return; }
  local port; port="$(cat "$DIR/port")"
  port_free "$port" || die "port $port is taken by another process; cannot resume on the same port"
  start_server "$port" || die "could not start PostgreSQL (log: $LOGFILE)"
}

cmd_status() {
  if [ -f "$MARK" ] && is_running; then
    log "running on 127.0.0.1:$(cat "$DIR/port")"; exit 0
  fi
  log "not running"; exit 3
}

case "$cmd" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  pause) cmd_pause ;;
  resume) cmd_resume ;;
  status) cmd_status ;;
  *) usage ;;
esac
