#!/bin/sh
# tests/live/alert_log.sh -- an --alert-exec command for the tests: one line
# per run in $ALERT_LOG (wall time, event, zone, start, cause) and the JSON
# document from standard input as one line in $ALERT_LOG.jsonl.
json=$(cat)
printf '%s %s %s %s %s\n' "$(date +%s.%N)" "$SIGTRAIL_EVENT" "$SIGTRAIL_ZONE" \
	"$SIGTRAIL_START_NS" "$SIGTRAIL_CAUSE" >>"$ALERT_LOG"
printf '%s\n' "$json" | tr -d '\n' >>"$ALERT_LOG.jsonl"
printf '\n' >>"$ALERT_LOG.jsonl"
