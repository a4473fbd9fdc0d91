#!/usr/bin/env bash
# t_lab_e2e.sh -- the incident lab end to end, live, in under three minutes:
# network namespaces, NSD/Knot/BIND authoritative servers, unbound and BIND
# resolvers, the one-server key-tag-collision scenario (LAB_SHORT=1), tcpdump,
# then the capture checked against its own truth with tshark, then
# `$SIGTRAIL analyze` on it. Everything is stopped by PID on exit (trap).
# Skips (exit 0) only when not root.
set -u
cd "$(dirname "$0")/../.."
: "${SIGTRAIL:=./sigtrail}"
if [[ $(id -u) != 0 ]]; then echo "SKIP: the lab needs root (network namespaces)"; exit 0; fi
for t in nsd knotd named unbound tcpdump tshark mergecap sqlite3; do
	command -v "$t" >/dev/null || PATH=$PATH:/usr/sbin command -v "$t" >/dev/null ||
		{ echo "FAIL: $t missing (bash scripts/install-deps.sh --lab)"; exit 1; }
done
name=e2e-keytag-$$
work=lab/work/$name
cleanup() {
	# the driver stops its own processes and namespaces; this catches a killed driver
	if [[ -f $work/pids ]]; then
		while read -r pid label; do
			kill "$pid" 2>/dev/null && echo "cleanup: stopped $label ($pid)"
		done <"$work/pids"
	fi
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		[[ -n ${drvpid:-} && $ns == stlab-*-$(printf %x "$drvpid") ]] && ip netns del "$ns"
	done
	rm -rf "$work"
}
trap cleanup EXIT
t0=$SECONDS
LAB_SHORT=1 LAB_EXPORT=0 LAB_NAME=$name /usr/bin/python3 lab/scenarios/de-keytag-collision-1srv.py &
drvpid=$!
wait $drvpid || { echo "FAIL: lab driver exited with $?"; exit 1; }
echo "lab run took $((SECONDS - t0))s"
cap=$work/capture.pcapng
[[ -s $cap && -s $work/truth.json ]] || { echo "FAIL: no capture/truth"; exit 1; }
fail=0
/usr/bin/python3 tests/lab/check_fixture.py "$work/truth.json" || fail=1
# the capture itself, through tshark: SERVFAILs to clients, EDE codes, IP fragments upstream
sf=$(tshark -r "$cap" -Y 'dns.flags.response==1 && dns.flags.rcode==2 && (ip.src==127.0.0.10 || ip.src==127.0.0.20 || ipv6.src==fd00:53::10 || ipv6.src==fd00:53::20)' 2>/dev/null | wc -l)
ede=$(tshark -r "$cap" -Y 'dns.opt.ext_error.info_code' -T fields -e dns.opt.ext_error.info_code 2>/dev/null | tr ',' '\n' | sort -u | tr '\n' ' ')
frag=$(tshark -r "$cap" -Y 'ip.flags.mf==1 || ipv6.fragment' 2>/dev/null | wc -l)
echo "capture: $sf client SERVFAILs, EDE codes: $ede, $frag IP fragments"
((sf > 0)) || { echo "FAIL: no SERVFAIL in the key-tag capture"; fail=1; }
[[ " $ede " == *" 6 "* || " $ede " == *" 9 "* ]] || { echo "FAIL: unbound sent no EDE 6/9"; fail=1; }
# sigtrail on the live capture
db=$work/e2e.db
anchor=$(ls "$work"/root-anchor.ds lab/work/$name/*/root-anchor.ds 2>/dev/null | head -1)
"$SIGTRAIL" analyze -q ${anchor:+-a "$anchor"} "$cap" -o "$db"; st=$?
echo "sigtrail analyze exit status $st (anchor: ${anchor:-none})"
n=$(sqlite3 "$db" 'select count(*) from messages' 2>/dev/null || echo 0)
echo "sigtrail stored $n messages"
((n > 0)) || { echo "FAIL: no messages in sigtrail's database"; fail=1; }
# and its verdicts against the live run's own truth: the unpublished keys
# recovered, failures only from the bad server, inside the fault window
/usr/bin/python3 tests/validator/check_lab_truth.py "$work/truth.json" "$db" "$st" || fail=1
# nothing left running
if [[ -f $work/pids ]]; then
	while read -r pid label; do
		kill -0 "$pid" 2>/dev/null && { echo "FAIL: $label ($pid) still running"; fail=1; }
	done <"$work/pids"
fi
echo "total $((SECONDS - t0))s"
exit $fail
