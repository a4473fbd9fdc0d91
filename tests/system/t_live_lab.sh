#!/usr/bin/env bash
# t_live_lab.sh -- `sigtrail live` during a lab scenario: the one-server
# key-tag collision (LAB_SHORT=1) runs in its network namespaces, and
# `sigtrail live -i any` listens inside the resolver namespace (lo: clients,
# vres: resolver<->authoritative, where the bogus signatures travel).
# Checks: the incident is in the database and the alert hook ran within a
# few seconds of the first bogus evidence; the hook ran once per incident
# state change with well-formed JSON; the evidence pcap holds the bogus
# responses; `sigtrail report` works on the growing database; SIGINT ends
# live cleanly. Skips (exit 0) only when not root.
set -u
cd "$(dirname "$0")/../.."
: "${SIGTRAIL:=./sigtrail}"
if [[ $(id -u) != 0 ]]; then echo "SKIP: the lab needs root (network namespaces)"; exit 0; fi
for t in nsd knotd named unbound tcpdump tshark mergecap sqlite3; do
	command -v "$t" >/dev/null || PATH=$PATH:/usr/sbin command -v "$t" >/dev/null ||
		{ echo "FAIL: $t missing (bash scripts/install-deps.sh --lab)"; exit 1; }
done
LIVE=$(realpath "${SIGTRAIL:-./sigtrail}")
name=live-keytag-$$
work=lab/work/$name
out=$(mktemp -d)
livepid=
cleanup() {
	[[ -n $livepid ]] && kill -INT "$livepid" 2>/dev/null && wait "$livepid"
	if [[ -f $work/pids ]]; then
		while read -r pid label; do kill "$pid" 2>/dev/null && echo "cleanup: stopped $label ($pid)"; done <"$work/pids"
	fi
	[[ -n ${drvpid:-} ]] && kill "$drvpid" 2>/dev/null
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		[[ -n ${drvpid:-} && $ns == stlab-*-$(printf %x "$drvpid") ]] && ip netns del "$ns"
	done
	rm -rf "$work" "$out"
}
trap cleanup EXIT
export ALERT_LOG=$out/alerts.log
: >"$ALERT_LOG"
LAB_SHORT=1 LAB_EXPORT=0 LAB_NAME=$name /usr/bin/python3 lab/scenarios/de-keytag-collision-1srv.py >"$out/lab.log" 2>&1 &
drvpid=$!
ns=stlab-res-$(printf %x "$drvpid")
for _ in $(seq 600); do
	ip -n "$ns" link show vres >/dev/null 2>&1 && [[ -s $work/root-anchor.ds ]] && break
	kill -0 "$drvpid" 2>/dev/null || { echo "FAIL: lab driver died"; cat "$out/lab.log"; exit 1; }
	sleep 0.1
done
ip -n "$ns" link show vres >/dev/null 2>&1 || { echo "FAIL: no namespace $ns"; exit 1; }
db=$out/live.db
ip netns exec "$ns" "$LIVE" live -i any --no-root-anchor -a "$work/root-anchor.ds" -o "$db" \
	--write-evidence "$out/evidence.pcap" --alert-exec "$PWD/tests/live/alert_log.sh" \
	--incident-gap 15 >"$out/live.out" 2>"$out/live.err" &
livepid=$!
fail=0
reported=0
while kill -0 "$drvpid" 2>/dev/null; do
	sleep 1
	if ((!reported)) && grep -q ' open ' "$ALERT_LOG"; then
		# the database is read while it grows
		"$SIGTRAIL" report "$db" -o "$out/report.html" 2>"$out/report.err" ||
			{ echo "FAIL: sigtrail report on the growing database"; cat "$out/report.err"; fail=1; }
		"$SIGTRAIL" summary "$db" >"$out/summary.txt" 2>&1 ||
			{ echo "FAIL: sigtrail summary on the growing database"; fail=1; }
		reported=1
	fi
done
wait "$drvpid" || { echo "FAIL: lab driver exited with $?"; tail -20 "$out/lab.log"; exit 1; }
sleep 2
kill -INT "$livepid"; wait "$livepid"; st=$?; livepid=
echo "--- live stdout"; cat "$out/live.out"; echo "--- live stderr"; cat "$out/live.err"
echo "--- alerts"; cat "$ALERT_LOG"
((st == 0)) || { echo "FAIL: live exited $st after SIGINT"; fail=1; }
grep -E 'fault step 1|capture started' "$out/lab.log"
/usr/bin/python3 - "$db" "$ALERT_LOG" "$out/lab.log" <<'PY' || fail=1
import collections, json, re, sqlite3, sys
db, log, lab = sys.argv[1:4]
h = sqlite3.connect(db)
fail = 0
incs = h.execute("SELECT zone, start_ns, end_ns, root_cause FROM incidents").fetchall()
print("incidents:", incs)
if not any(z == "de." for z, *_ in incs):
    print("FAIL: no incident for de."); fail = 1
alerts = [l.split() for l in open(log) if l.strip()]
ev = collections.Counter((a[1], a[2], a[3]) for a in alerts)
dups = [k for k, n in ev.items() if n > 1 and k[0] != "change"]
if dups:
    print("FAIL: an incident state change alerted more than once:", dups); fail = 1
opens = [a for a in alerts if a[1] == "open" and a[2] == "de."]
if not opens:
    print("FAIL: no open alert for de."); fail = 1
else:
    start = int(opens[0][3]) / 1e9
    lat = float(opens[0][0]) - start
    print("open alert %.1f s after the first bogus evidence" % lat)
    if lat > 6:
        print("FAIL: open alert more than 6 s after the first bogus evidence"); fail = 1
m = re.search(r"\[(\S+)\] \S+ fault step 1", open(lab).read())
if m and opens:
    import datetime
    t = datetime.datetime.fromisoformat(m.group(1).replace("Z", "+00:00")).timestamp()
    print("open alert %.1f s after the fault was injected" % (float(opens[0][0]) - t))
for line in open(log + ".jsonl"):
    d = json.loads(line)
    for k in ("event", "zone", "root_cause", "start", "db", "incident"):
        if k not in d:
            print("FAIL: JSON without", k, line); fail = 1
    if any(ord(c) > 126 or ord(c) < 32 for c in line.strip()):
        print("FAIL: JSON not printable ASCII"); fail = 1
st = dict(h.execute("SELECT key, value FROM stats WHERE key LIKE 'live_%'").fetchall())
print("stats:", st)
if st.get("live_alert_runs", 0) != len(alerts):
    print("FAIL: %d alert runs recorded, %d in the log" % (st.get("live_alert_runs", 0), len(alerts))); fail = 1
if h.execute("SELECT value FROM meta WHERE key='status'").fetchone()[0] != "complete":
    print("FAIL: database not marked complete after SIGINT"); fail = 1
sys.exit(fail)
PY
n=$(tshark -r "$out/evidence.pcap" -Y 'dns.flags.response==1 && dns.resp.type==46 && (ip.src==10.53.0.0/24 || ipv6.src==fd00:10::/64)' 2>/dev/null | wc -l)
all=$(tshark -r "$out/evidence.pcap" 2>/dev/null | wc -l)
echo "evidence: $all frames, $n authoritative responses with RRSIGs"
((n > 0)) || { echo "FAIL: the evidence pcap holds no bogus responses"; fail=1; }
((fail == 0)) && echo "ok: live lab"
exit $fail
