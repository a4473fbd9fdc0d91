/* analyze/alert.h -- incidents as they open, change root cause and close,
 * and the hook that tells a person (`sigtrail live --alert-exec CMD`).
 *
 * The live driver re-runs the incident pass every few seconds and hands
 * the incidents it found to an_alert_update(); the tracker compares them
 * with what it knew (an incident is its zone and start time) and queues
 * events: open (new), change (another root cause), close (no bogus
 * evidence for gap_ns). an_alert_tick() closes quiet incidents and runs
 * the command for queued events.
 *
 * The command never goes through a shell: CMD is split at spaces and tabs
 * into a program (found on PATH) and fixed arguments, and run with
 * posix_spawnp(). The facts travel as environment variables
 * (SIGTRAIL_EVENT, SIGTRAIL_ZONE, SIGTRAIL_CAUSE, ...; docs/live.md) and
 * as one JSON document on its standard input; every string in them is
 * printable ASCII, escaped again here although the database holds it
 * escaped already. Rate limits: one run per incident per per_incident_ns
 * (later events wait and go out in order), at most per_hour runs in any
 * hour (events wait), at most AN_ALERT_CHILDREN_MAX running at once.
 *
 * Time is the caller's: now_ns is the wall clock (the frames' clock, to
 * compare with incident times), mono_ns a monotonic clock for the limits.
 * The tracker owns its children and reaps them by PID. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define AN_ALERT_TRACK_MAX 1024          /* incidents remembered */
#define AN_ALERT_CHILDREN_MAX 4
#define AN_ALERT_ARGS_MAX 16
#define AN_ALERT_PER_INCIDENT_NS (10LL * 1000000000LL)
#define AN_ALERT_PER_HOUR 60
#define AN_ALERT_CHILD_TIMEOUT_NS (60LL * 1000000000LL) /* then SIGKILL */

enum an_alert_event { AN_ALERT_OPEN = 1, AN_ALERT_CHANGE = 2, AN_ALERT_CLOSE = 4 };

/* One row of the incidents table, as the pass wrote it. */
struct an_alert_incident {
	int64_t id;
	char zone[256];
	int64_t start_ns, end_ns;
	char cause[48], reason[48];
	char summary[512];
};

struct an_alert_stats {
	uint64_t opened, changed, closed;  /* events */
	uint64_t runs, run_failures;       /* command runs; spawn failed or exit != 0 */
	uint64_t delayed;                  /* times an event had to wait for a limit */
	uint64_t untracked;                /* incidents beyond AN_ALERT_TRACK_MAX */
};

struct an_alert_opts {
	const char *cmd;        /* NULL: track and report events, run nothing */
	const char *db_path;    /* for SIGTRAIL_DB */
	int64_t gap_ns;         /* quiet time after which an incident closes */
	int64_t per_incident_ns; /* 0: AN_ALERT_PER_INCIDENT_NS */
	unsigned per_hour;      /* 0: AN_ALERT_PER_HOUR */
	/* Called for every event as it happens (before any rate limit), for
	 * the driver's own log line. May be NULL. */
	void (*on_event)(void *ctx, enum an_alert_event ev, const struct an_alert_incident *inc,
			 const char *prev_cause);
	void *ctx;
};

struct an_alert;

/* NULL with err filled when cmd is empty or has too many words, or out
 * of memory. */
struct an_alert *an_alert_new(const struct an_alert_opts *o, char *err, size_t errlen);
/* The incidents the latest pass found (all of them). */
void an_alert_update(struct an_alert *a, const struct an_alert_incident *incs, size_t n);
/* Closes incidents quiet for gap_ns at now_ns, reaps children, runs the
 * command for what waits and the limits allow. */
void an_alert_tick(struct an_alert *a, int64_t now_ns, int64_t mono_ns);
/* Children still running. */
unsigned an_alert_running(const struct an_alert *a);
const struct an_alert_stats *an_alert_stats(const struct an_alert *a);
/* Frees; children still running are left to finish (not waited for). */
void an_alert_free(struct an_alert *a);
