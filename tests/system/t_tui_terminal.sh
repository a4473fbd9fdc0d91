#!/usr/bin/env bash
# The TUI and the terminal (issue 6, docs/tui.md): a hostile-names capture
# shows escapes, never raw control bytes, also for bytes that a foreign
# database put in a qname; an ASCII-only terminal (LANG=C, TERM=vt100) gets
# no UTF-8; a resize redraws at the new size.
set -u
cd "$(dirname "$0")/../.."
. tests/tui/lib.sh
db=$tmp/hostile.db
"$SIGTRAIL" analyze -q -o "$db" tests/report/hostile-names.pcap >/dev/null 2>&1
[[ -s $db ]] || { echo "FAIL: analyze hostile-names.pcap"; exit 1; }
# A foreign database: raw ESC and BEL in a qname (sigtrail stores escapes).
sqlite3 "$db" "UPDATE messages SET qname = 'evil' || char(27) || '[2J' || char(27) || ']0;pwn' || char(7) || '.example.'
	WHERE id = (SELECT min(id) FROM messages)"

start LANG=C LC_ALL=C TERM=vt100 -- "$db"
wait_for " 1 Overview " || bad "no title line"
keys 3
wait_for 'evil\\027\[2J\\027\]0;p' || bad "raw control bytes in a qname are not shown as \\DDD"
first=$(q "$db" "SELECT qname FROM messages WHERE qname LIKE 'x\\%' ESCAPE '!' ORDER BY id LIMIT 1")
pat=$(printf '%s' "${first:0:12}" | sed 's/[][\\.*^$+?(){}|]/\\&/g')
wait_for "$pat" || bad "escaped qname ${first:0:12} from the capture"
screen | LC_ALL=C grep -q '[^ -~]' && bad "non-ASCII or control bytes on an ASCII terminal"
# Decoded from the wire (dig-like detail): the question name escaped.
keys j Enter
wait_for '^;x\\000y\.hostile\.example\. IN TXT' || bad "detail: escaped question name"
screen | LC_ALL=C grep -q '[^ -~]' && bad "non-ASCII or control bytes in the detail"
keys Escape
keys 2
wait_for "^SERVFAIL%  [ _.:=+*#-]*[#*+=]" || bad "ASCII sparkline"
screen | LC_ALL=C grep -q '[^ -~]' && bad "non-ASCII bytes in the timeline on an ASCII terminal"
keys 1
wait_for "^Whole capture" || bad "overview"

# Resize: wider, then smaller than 80x24, then back.
analyze de-keytag-collision
start LANG=C.UTF-8 -- "$tmp/de-keytag-collision.db"
wait_for "^incidents +#" || bad "overview at 80x24"
w80=$(screen | grep -E '^incidents' | sed 's/ *$//' | wc -c)
tmux resize-window -t "$sess" -x 120 -y 40
for ((i = 0; i < 30; i++)); do
	w120=$(screen | grep -E '^incidents' | sed 's/ *$//' | wc -c)
	((w120 > w80)) && break
	sleep 0.1
done
((w120 > w80)) || bad "resize to 120x40: the incident row did not widen ($w80 -> $w120)"
[[ $(screen | wc -l) -ge 40 ]] || bad "resize to 120x40: not redrawn to 40 lines"
tmux resize-window -t "$sess" -x 60 -y 16
wait_for "^ sigtrail  1 Overview" || bad "title at 60x16"
keys 3
wait_for " frame time" || bad "messages at 60x16"
tmux resize-window -t "$sess" -x 80 -y 24
keys 1
wait_for "^incidents +#" || bad "overview back at 80x24"
tmux has-session -t "$sess" 2>/dev/null || bad "the TUI died on resize"
exit $fail
