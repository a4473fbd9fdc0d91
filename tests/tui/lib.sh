# tests/tui/lib.sh -- shared by tests/system/t_tui_*.sh: runs `$SIGTRAIL tui`
# in a detached 80x24 tmux session that the EXIT trap always kills, and waits
# for text on the screen.
: "${SIGTRAIL:=./sigtrail}" "${BUILD:=build}"
command -v tmux >/dev/null || { echo "skip: no tmux"; exit 0; }
command -v sqlite3 >/dev/null || { echo "skip: no sqlite3"; exit 0; }
tmp=$(mktemp -d)
sess=st$$
trap 'tmux kill-session -t "$sess" 2>/dev/null; rm -rf "$tmp"' EXIT
TUI=("$SIGTRAIL" tui)
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# start [ENV=VALUE...] -- ARGS: the TUI in a new 80x24 session.
start() {
	local envs=()
	while [[ $1 != -- ]]; do envs+=(-e "$1"); shift; done
	shift
	tmux kill-session -t "$sess" 2>/dev/null
	tmux new-session -d -x 80 -y 24 -s "$sess" "${envs[@]}" "$(printf '%q ' "${TUI[@]}" "$@")"
}
screen() { tmux capture-pane -p -t "$sess"; }
keys() { tmux send-keys -t "$sess" "$@"; }
# wait_for REGEX [SECONDS]: until the screen matches (grep -E), or fail
# (10 s by default: a loaded CI machine can be slow to draw).
wait_for() {
	local i n=$(( ${2:-10} * 10 ))
	for ((i = 0; i < n; i++)); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	echo "--- screen, waiting for: $1"; screen; echo "---"
	return 1
}
# analyze SCENARIO: a database of tests/lab/SCENARIO in $tmp.
analyze() {
	local d=tests/lab/$1 cap
	cap=$(ls "$d"/capture.pcap* 2>/dev/null | head -n 1)
	[[ -n $cap ]] || { echo "skip: no capture for $1"; exit 0; }
	"$SIGTRAIL" analyze -q -a "$d/root-anchor.ds" -o "$tmp/$1.db" "$cap" >/dev/null 2>&1
	[[ -s $tmp/$1.db ]] || { echo "FAIL: analyze $1"; exit 1; }
}
q() { sqlite3 "$1" "$2"; }
