/* analyze/live.h -- `sigtrail live`: an interface in, a growing database
 * out, incidents reported within seconds.
 *
 * Frames from capture/live go through the same per-frame path as capture
 * files (analyze/run.h an_session). About every second the driver commits
 * (WAL: `sigtrail tui DB --follow` and `sigtrail report DB` read while it
 * grows), stores libpcap's drop counters, writes the frames behind new
 * bogus checks and findings to the evidence pcap (capture/evidence.h),
 * and, when new bogus evidence arrived, re-runs the incident pass and
 * hands the incidents to analyze/alert.h, which prints and runs the alert
 * hook. SIGINT/SIGTERM: drain, finish the database (indexes, final
 * incidents), flush the evidence, exit 0. SIGHUP: reopen the evidence
 * file. Options and limits: docs/live.md. */
#pragma once

#define AN_LIVE_KEY_GRACE_NS 2000000000LL /* 2 s: how long a response waits for its keys */

/* argv[0] is "live". Parses the options, runs until a signal (or
 * --duration), prints errors as "sigtrail: error: ...". Returns
 * sigtrail's exit codes: 0 ok, 2 usage, 3 interface missing or capture
 * not permitted, 5 database or evidence file, 6 internal. */
int an_live_main(int argc, char **argv);
