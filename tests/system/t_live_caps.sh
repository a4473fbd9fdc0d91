#!/usr/bin/env bash
# `sigtrail live` without root (issue 7, docs/live.md): as an unprivileged
# user it is refused with exit 3 and a message naming CAP_NET_RAW; the same
# binary with `setcap cap_net_raw,cap_net_admin=eip` captures on loopback as
# that user and writes its database. A missing interface: exit 3, nothing
# written. SIGHUP reopens the evidence file, SIGTERM exits 0 with a complete
# database. Needs root to set capabilities and switch user; skips otherwise.
set -u
cd "$(dirname "$0")/../.."
S=${SIGTRAIL:-./sigtrail}
if [[ $(id -u) != 0 ]] || ! command -v setcap >/dev/null || ! command -v runuser >/dev/null; then
	echo "SKIP: needs root, setcap and runuser"; exit 0
fi
T=$(mktemp -d); chmod 755 "$T"; trap 'rm -rf "$T"' EXIT
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "not ok: $1"; fail=1; fi; }
cp "$S" "$T/sigtrail"; chmod 755 "$T/sigtrail"
mkdir "$T/out"; chown nobody "$T/out"

runuser -u nobody -- "$T/sigtrail" live -i lo --duration 2 -o "$T/out/a.db" >"$T/a.out" 2>"$T/a.err"; st=$?
check "unprivileged, no capability: exit 3 ($st)" '[[ $st == 3 ]]'
check "the error names CAP_NET_RAW" 'grep -q "CAP_NET_RAW" "$T/a.err"'
check "no database written" '[[ ! -s $T/out/a.db ]]'

setcap cap_net_raw,cap_net_admin=eip "$T/sigtrail"
runuser -u nobody -- "$T/sigtrail" live -i lo --duration 2 -o "$T/out/b.db" >"$T/b.out" 2>"$T/b.err" &
pid=$!
sleep 1
# some DNS on loopback while it listens (answered or not, the query is seen)
for i in 1 2 3; do dig +tries=1 +time=1 @127.0.0.1 -p 53 "cap$i.example." A >/dev/null 2>&1; done
wait $pid; st=$?
check "with cap_net_raw: exit 0 ($st)" '[[ $st == 0 ]]'
n=$(sqlite3 "$T/out/b.db" "select count(*) from messages where qname like 'cap_.example.'" 2>/dev/null || echo 0)
check "the queries on loopback are in its database ($n)" '[[ $n -ge 3 ]]'

# SIGHUP reopens the evidence file (log rotation moved it away); SIGTERM ends cleanly.
"$S" live -i lo -o "$T/d.db" --write-evidence "$T/ev.pcap" >"$T/d.out" 2>"$T/d.err" &
pid=$!
for i in $(seq 1 30); do [[ -e $T/ev.pcap ]] && break; sleep 0.1; done
mv "$T/ev.pcap" "$T/ev.pcap.moved" 2>/dev/null
check "the evidence file exists from the start (moved away)" '[[ -e $T/ev.pcap.moved && ! -e $T/ev.pcap ]]'
kill -HUP "$pid"
for i in $(seq 1 30); do [[ -e $T/ev.pcap ]] && break; sleep 0.1; done
check "SIGHUP: the evidence file is opened again" '[[ -e $T/ev.pcap ]]'
kill -TERM "$pid"; wait "$pid"; st=$?
check "SIGTERM: exit 0 ($st)" '[[ $st == 0 ]]'
check "SIGTERM: the database is complete" '[[ $(sqlite3 "$T/d.db" "select value from meta where key = \"status\"") == complete ]]'

"$S" live -i nosuch0 --duration 1 -o "$T/c.db" >"$T/c.out" 2>"$T/c.err"; st=$?
check "missing interface: exit 3 ($st)" '[[ $st == 3 ]]'
check "it says so" 'grep -q "nosuch0" "$T/c.err"'
check "nothing written" '[[ ! -e $T/c.db ]]'
exit $fail
