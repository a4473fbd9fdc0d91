/* analyze/live.c -- the `sigtrail live` driver (see live.h). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "analyze/alert.h"
#include "analyze/anchor.h"
#include "analyze/db.h"
#include "analyze/incident.h"
#include "analyze/live.h"
#include "analyze/run.h"
#include "analyze/validate.h"
#include "capture/evidence.h"
#include "capture/live.h"
#include "util/err.h"
#include "util/escape.h"
#include "util/log.h"

enum { LIVE_OK = 0, LIVE_USAGE = 2, LIVE_IFACE = 3, LIVE_OUTPUT = 5, LIVE_INTERNAL = 6 };

#define NS 1000000000LL
#define LIVE_POLL_MS 100
#define LIVE_DISPATCH_MAX 4096         /* frames per pcap_dispatch() */
#define LIVE_INCIDENT_BUCKET_NS (10 * NS)
#define LIVE_SCAN_MAX 20000             /* evidence rows looked at per tick */
#define LIVE_DRAIN_MAX 1000000          /* frames read after the stop signal */

static volatile sig_atomic_t live_stop, live_hup;

struct live_opts {
	struct cap_live_opts cap;
	struct an_session_opts ses;
	const char *alert_cmd, *evidence;
	uint64_t evidence_bytes;
	unsigned evidence_keep, alert_per_hour;
	int64_t commit_ns, gap_ns, pass_min_ns, duration_ns;
	int quiet;
	char filter[CAP_LIVE_FILTER_MAX];
};

struct live {
	struct live_opts *o;
	struct cap_live *cap;
	struct an_session *ses;
	struct an_run_result res;
	struct cap_evidence *ev;
	struct an_alert *alert;
	struct cap_live_stats ps;
	int64_t last_check, last_finding, last_verdict; /* rowids scanned */
	int new_bogus;            /* bogus evidence since the last incident pass */
	int64_t next_pass;        /* mono */
	uint64_t passes, incidents;
	int64_t pass_ns;          /* duration of the latest pass */
	char err[512];
};

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		live_hup = 1;
	else
		live_stop = 1;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;   /* no SA_RESTART: poll() returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;     /* an alert command that does not read stdin */
	sigaction(SIGPIPE, &sa, NULL);
}

/* --- SQL: read back what the passes wrote (constant SQL, bound values) */

static int64_t sql_int(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = 0;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Rows (first_frame, frame) of one of the evidence queries for ids in
 * (lo, hi]: each goes to the evidence file; any row is bogus evidence
 * when bogus is set. */
static int scan_rows(struct live *l, sqlite3 *h, const char *sql, int64_t lo, int64_t hi, int bogus)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	int rc = ST_OK, s;
	while (rc == ST_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (bogus)
			l->new_bogus = 1;
		if (l->ev)
			rc = cap_evidence_mark(l->ev, (uint64_t)sqlite3_column_int64(st, 0),
					       (uint64_t)sqlite3_column_int64(st, 1), l->err, sizeof(l->err));
	}
	sqlite3_finalize(st);
	return rc;
}

/* Moves a scan cursor: (lo, hi] with at most LIVE_SCAN_MAX rows. */
static int64_t scan_hi(int64_t *lo, int64_t max)
{
	int64_t from = *lo;
	*lo = max - from > LIVE_SCAN_MAX ? from + LIVE_SCAN_MAX : max;
	return from;
}

/* New bogus checks, bogus responses and findings since the last scan. */
static int scan_evidence(struct live *l)
{
	sqlite3 *h = an_db_handle(an_session_db(l->ses));
	int64_t lo, max = sql_int(h, "SELECT coalesce(max(rowid), 0) FROM sig_checks");
	lo = scan_hi(&l->last_check, max);
	int rc = scan_rows(l, h,
		"SELECT m.first_frame, m.frame FROM sig_checks c JOIN messages m ON m.id = c.message_id"
		" WHERE c.rowid > ?1 AND c.rowid <= ?2 AND (c.verdict = 'bogus' OR c.chain = 'bogus')",
		lo, l->last_check, 1);
	max = sql_int(h, "SELECT coalesce(max(message_id), 0) FROM response_verdicts");
	lo = scan_hi(&l->last_verdict, max);
	if (rc == ST_OK)
		rc = scan_rows(l, h,
			"SELECT m.first_frame, m.frame FROM response_verdicts v"
			" JOIN messages m ON m.id = v.message_id"
			" WHERE v.message_id > ?1 AND v.message_id <= ?2 AND v.expected = 'bogus'",
			lo, l->last_verdict, 1);
	max = sql_int(h, "SELECT coalesce(max(id), 0) FROM findings");
	lo = scan_hi(&l->last_finding, max);
	if (rc == ST_OK)
		rc = scan_rows(l, h,
			"SELECT frame, frame FROM findings"
			" WHERE id > ?1 AND id <= ?2 AND frame IS NOT NULL AND capture_id = 0",
			lo, l->last_finding, 0);
	return rc;
}

static void col_text(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	st_escape_printable(dst, len, t ? (const char *)t : "");
}

/* The incidents table, into the alert tracker. */
static int read_incidents(struct live *l)
{
	static struct an_alert_incident incs[AN_ALERT_TRACK_MAX];
	sqlite3 *h = an_db_handle(an_session_db(l->ses));
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h,
		"SELECT id, zone, start_ns, end_ns, root_cause, coalesce(reason, ''), summary"
		" FROM incidents ORDER BY start_ns, id", -1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	size_t n = 0;
	while (n < AN_ALERT_TRACK_MAX && sqlite3_step(st) == SQLITE_ROW) {
		struct an_alert_incident *i = &incs[n++];
		i->id = sqlite3_column_int64(st, 0);
		col_text(i->zone, sizeof(i->zone), st, 1);
		i->start_ns = sqlite3_column_int64(st, 2);
		i->end_ns = sqlite3_column_int64(st, 3);
		col_text(i->cause, sizeof(i->cause), st, 4);
		col_text(i->reason, sizeof(i->reason), st, 5);
		col_text(i->summary, sizeof(i->summary), st, 6);
	}
	sqlite3_finalize(st);
	l->incidents = n;
	an_alert_update(l->alert, incs, n);
	return ST_OK;
}

/* --- the periodic work ------------------------------------------------ */

static int store_live_stats(struct live *l)
{
	struct an_db *db = an_session_db(l->ses);
	if (cap_live_stats(l->cap, &l->ps) != ST_OK)
		memset(&l->ps, 0, sizeof(l->ps)); /* keep the last good values? none yet */
	const struct cap_evidence_stats *es = l->ev ? cap_evidence_stats(l->ev) : NULL;
	const struct an_alert_stats *as = an_alert_stats(l->alert);
	const struct an_val_stats *vs = an_session_val_stats(l->ses);
	const struct { const char *key; uint64_t v; } st[] = {
		{ "live_pcap_recv", l->ps.recv }, { "live_pcap_drop", l->ps.drop },
		{ "live_pcap_ifdrop", l->ps.ifdrop }, { "live_frames", l->res.frames },
		{ "live_messages", l->res.messages },
		{ "live_bogus", vs->bogus > vs->chain_bogus ? vs->bogus : vs->chain_bogus },
		{ "live_incident_passes", l->passes },
		{ "live_incident_pass_ms", (uint64_t)(l->pass_ns / 1000000) },
		{ "live_alert_runs", as->runs }, { "live_alert_failures", as->run_failures },
		{ "live_alert_delayed", as->delayed },
		{ "live_evidence_frames", es ? es->written : 0 },
		{ "live_evidence_missed", es ? es->missed : 0 },
		{ "live_evidence_rotations", es ? es->rotations : 0 },
	};
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		if (an_db_set_stat(db, st[i].key, (int64_t)st[i].v) != ST_OK)
			return ST_EDB;
	return ST_OK;
}

static int incident_pass(struct live *l, int64_t mono)
{
	struct an_incident_opts io = { LIVE_INCIDENT_BUCKET_NS, l->o->gap_ns, an_session_tally(l->ses),
					an_session_zones(l->ses) };
	int rc = an_incidents_build(an_session_db(l->ses), &io);
	if (rc == ST_OK)
		rc = read_incidents(l);
	int64_t end = clock_ns(CLOCK_MONOTONIC);
	l->pass_ns = end - mono;
	l->passes++;
	l->new_bogus = 0;
	/* A pass that takes long on a big database runs less often: at most
	 * a fifth of the time goes to it. */
	int64_t wait = 4 * l->pass_ns > l->o->pass_min_ns ? 4 * l->pass_ns : l->o->pass_min_ns;
	l->next_pass = end + wait;
	return rc;
}

static int live_tick(struct live *l, int force)
{
	int64_t now = clock_ns(CLOCK_REALTIME), mono = clock_ns(CLOCK_MONOTONIC);
	int rc = store_live_stats(l);
	if (rc == ST_OK)
		rc = an_session_commit(l->ses, now);
	if (rc == ST_OK)
		rc = scan_evidence(l);
	if (rc == ST_OK && l->new_bogus && (force || mono >= l->next_pass))
		rc = incident_pass(l, mono);
	if (rc == ST_OK)
		an_alert_tick(l->alert, now, mono);
	if (rc == ST_OK && l->ev && cap_evidence_flush(l->ev) != ST_OK) {
		snprintf(l->err, sizeof(l->err), "%s: %s", l->o->evidence, strerror(errno));
		rc = ST_EIO;
	}
	return rc;
}

static int on_frame(void *ctx, const struct cap_frame *f)
{
	struct live *l = ctx;
	if (l->ev)
		cap_evidence_keep(l->ev, f);
	return an_session_frame(l->ses, f);
}

static void on_event(void *ctx, enum an_alert_event ev, const struct an_alert_incident *inc,
		     const char *prev)
{
	struct live *l = ctx;
	if (l->o->quiet)
		return;
	char when[32];
	time_t s = (time_t)(inc->start_ns / NS);
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	const char *name = ev == AN_ALERT_OPEN ? "open" : ev == AN_ALERT_CHANGE ? "change" : "close";
	printf("incident %-6s %s  root cause %s%s%s  since %s  (%s)\n", name, inc->zone, inc->cause,
	       prev ? ", was " : "", prev ? prev : "", when, inc->reason);
	fflush(stdout);
}

/* Reads frames until none wait, the tick is due or a signal came. */
static int read_frames(struct live *l, int64_t until_mono)
{
	for (;;) {
		int n = cap_live_dispatch(l->cap, LIVE_DISPATCH_MAX, on_frame, l, l->err, sizeof(l->err));
		if (n <= 0)
			return n;
		if (live_stop || live_hup || clock_ns(CLOCK_MONOTONIC) >= until_mono)
			return ST_OK;
	}
}

static int live_loop(struct live *l)
{
	int64_t start = clock_ns(CLOCK_MONOTONIC), next_tick = start + l->o->commit_ns;
	struct pollfd pfd = { .fd = cap_live_fd(l->cap), .events = POLLIN };
	int rc = ST_OK;
	while (rc == ST_OK && !live_stop) {
		int64_t now = clock_ns(CLOCK_MONOTONIC);
		if (l->o->duration_ns && now - start >= l->o->duration_ns)
			break;
		int wait_ms = (int)((next_tick - now) / 1000000);
		if (wait_ms > LIVE_POLL_MS)
			wait_ms = LIVE_POLL_MS;
		if (poll(&pfd, 1, wait_ms < 0 ? 0 : wait_ms) < 0 && errno != EINTR) {
			snprintf(l->err, sizeof(l->err), "poll: %s", strerror(errno));
			return ST_EIO;
		}
		rc = read_frames(l, next_tick);
		if (rc == ST_OK && live_hup && l->ev) {
			live_hup = 0;
			rc = cap_evidence_reopen(l->ev, l->err, sizeof(l->err));
			if (rc == ST_OK)
				st_log(ST_LOG_INFO, "live", "reopened %s", l->o->evidence);
		}
		live_hup = 0;
		if (rc == ST_OK && clock_ns(CLOCK_MONOTONIC) >= next_tick) {
			rc = live_tick(l, 0);
			next_tick = clock_ns(CLOCK_MONOTONIC) + l->o->commit_ns;
		}
	}
	return rc;
}

/* After the stop: what the kernel still holds, then everything flushed. */
static int live_finish(struct live *l)
{
	int rc = ST_OK;
	for (uint64_t got = 0; rc == ST_OK && got < LIVE_DRAIN_MAX;) {
		int n = cap_live_dispatch(l->cap, LIVE_DISPATCH_MAX, on_frame, l, l->err, sizeof(l->err));
		if (n <= 0) {
			rc = n;
			break;
		}
		got += (uint64_t)n;
	}
	if (rc == ST_OK)
		rc = live_tick(l, 1);
	struct cap_file_info fi = {
		.path = l->o->cap.iface, .format = "live", .linktype = cap_live_linktype(l->cap),
		.tsresol_ns = 1, .frames = l->res.frames, .status = ST_OK,
	};
	struct an_incident_opts io = { LIVE_INCIDENT_BUCKET_NS, l->o->gap_ns, NULL, NULL };
	if (rc == ST_OK)
		rc = an_session_finish(l->ses, &fi, 1, &io);
	if (rc == ST_OK)
		rc = store_live_stats(l);
	if (rc == ST_OK)
		rc = an_db_maybe_commit(an_session_db(l->ses), 1);
	/* the last pass saw the validator's end (keys, recovered keys) */
	if (rc == ST_OK)
		rc = read_incidents(l);
	if (rc == ST_OK)
		an_alert_tick(l->alert, clock_ns(CLOCK_REALTIME), clock_ns(CLOCK_MONOTONIC));
	/* that tick may have run the closing alert: count it in the stats */
	if (rc == ST_OK)
		rc = store_live_stats(l);
	if (rc == ST_OK)
		rc = an_db_maybe_commit(an_session_db(l->ses), 1);
	if (l->ev && cap_evidence_flush(l->ev) != ST_OK && rc == ST_OK) {
		snprintf(l->err, sizeof(l->err), "%s: %s", l->o->evidence, strerror(errno));
		rc = ST_EIO;
	}
	return rc;
}

/* Alert commands still running get a few seconds to finish. */
static void wait_alerts(struct live *l)
{
	for (int i = 0; i < 50 && an_alert_running(l->alert); i++) {
		struct timespec ts = { 0, 100000000 };
		nanosleep(&ts, NULL);
		an_alert_tick(l->alert, clock_ns(CLOCK_REALTIME), clock_ns(CLOCK_MONOTONIC));
	}
}

/* --- command line ----------------------------------------------------- */

static const char live_usage[] =
	"usage: sigtrail live -i IFACE [-o DB] [-p PORT]... [-a FILE]... [--no-root-anchor]\n"
	"                     [-f FILTER] [-s SNAPLEN] [-B KIB] [--no-immediate] [--promisc]\n"
	"                     [--alert-exec CMD] [--alert-per-hour N]\n"
	"                     [--write-evidence FILE] [--evidence-size MB] [--evidence-keep N]\n"
	"                     [--commit-interval MS] [--incident-gap S] [--incident-interval S]\n"
	"                     [--key-grace S] [--duration S] [-q] [-v]\n"
	"Capture DNS on IFACE, write DB continuously, report incidents as they\n"
	"open, change root cause and close (docs/live.md).\n";

static int parse_num(const char *arg, long long lo, long long hi, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

enum { O_NOROOT = 256, O_NOIMM, O_PROMISC, O_ALERT, O_APH, O_EVID, O_EVSIZE, O_EVKEEP,
       O_COMMIT, O_GAP, O_PASS, O_DUR, O_GRACE };

static const struct option live_longopts[] = {
	{ "interface", required_argument, NULL, 'i' }, { "output", required_argument, NULL, 'o' },
	{ "port", required_argument, NULL, 'p' }, { "anchor", required_argument, NULL, 'a' },
	{ "filter", required_argument, NULL, 'f' }, { "snaplen", required_argument, NULL, 's' },
	{ "buffer-size", required_argument, NULL, 'B' },
	{ "no-root-anchor", no_argument, NULL, O_NOROOT },
	{ "no-immediate", no_argument, NULL, O_NOIMM }, { "promisc", no_argument, NULL, O_PROMISC },
	{ "alert-exec", required_argument, NULL, O_ALERT },
	{ "alert-per-hour", required_argument, NULL, O_APH },
	{ "write-evidence", required_argument, NULL, O_EVID },
	{ "evidence-size", required_argument, NULL, O_EVSIZE },
	{ "evidence-keep", required_argument, NULL, O_EVKEEP },
	{ "commit-interval", required_argument, NULL, O_COMMIT },
	{ "incident-gap", required_argument, NULL, O_GAP },
	{ "incident-interval", required_argument, NULL, O_PASS },
	{ "duration", required_argument, NULL, O_DUR },
	{ "key-grace", required_argument, NULL, O_GRACE },
	{ "quiet", no_argument, NULL, 'q' }, { "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
};

/* One numeric option into its field; -1 on a bad value. */
static int set_number(struct live_opts *o, int c, const char *arg)
{
	long long v;
	switch (c) {
	case 's': if (parse_num(arg, 64, 262144, &v)) return -1; o->cap.snaplen = (int)v; break;
	case 'B': if (parse_num(arg, 256, 2097152, &v)) return -1; o->cap.buffer_bytes = (int)(v * 1024); break;
	case O_APH: if (parse_num(arg, 1, AN_ALERT_PER_HOUR * 4, &v)) return -1; o->alert_per_hour = (unsigned)v; break;
	case O_EVSIZE: if (parse_num(arg, 1, 1 << 20, &v)) return -1; o->evidence_bytes = (uint64_t)v << 20; break;
	case O_EVKEEP: if (parse_num(arg, 1, 1000, &v)) return -1; o->evidence_keep = (unsigned)v; break;
	case O_COMMIT: if (parse_num(arg, 50, 60000, &v)) return -1; o->commit_ns = v * 1000000; break;
	case O_GAP: if (parse_num(arg, 1, 86400, &v)) return -1; o->gap_ns = v * NS; break;
	case O_PASS: if (parse_num(arg, 1, 3600, &v)) return -1; o->pass_min_ns = v * NS; break;
	case O_DUR: if (parse_num(arg, 1, 100LL * 86400 * 365, &v)) return -1; o->duration_ns = v * NS; break;
	case O_GRACE: if (parse_num(arg, 1, 60, &v)) return -1; o->ses.key_grace_ns = v * NS; break;
	default: return -1;
	}
	return 0;
}

static int parse_args(struct live_opts *o, int argc, char **argv, struct an_anchors *anchors)
{
	const char *anchor_files[16];
	int nanchor = 0, root = 1, user_ports = 0, c;
	*o = (struct live_opts){ .commit_ns = NS, .gap_ns = AN_INC_GAP_MIN_NS, .pass_min_ns = 2 * NS };
	o->cap.immediate = 1;
	o->ses.db_path = "sigtrail-live.db";
	/* A response waits this long for its signer's keys before it is
	 * judged. Offline the wait is free (10 s); live it is the alert's
	 * delay, and the keys of the .de kind of fault never come. */
	o->ses.key_grace_ns = AN_LIVE_KEY_GRACE_NS;
	o->ses.readers = 1; /* `sigtrail tui --follow` and `report` read as it runs */
	cap_config_defaults(&o->ses.cap);
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:o:p:a:f:s:B:qvh", live_longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->cap.iface = optarg; break;
		case 'o': o->ses.db_path = optarg; break;
		case 'f': o->cap.filter = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'v': st_log_verbosity++; break;
		case 'h': fputs(live_usage, stdout); return 1;
		case O_NOROOT: root = 0; break;
		case O_NOIMM: o->cap.immediate = 0; break;
		case O_PROMISC: o->cap.promisc = 1; break;
		case O_ALERT: o->alert_cmd = optarg; break;
		case O_EVID: o->evidence = optarg; break;
		case 'a':
			if (nanchor == 16) {
				st_log(ST_LOG_ERROR, NULL, "at most 16 anchor files");
				return -1;
			}
			anchor_files[nanchor++] = optarg;
			break;
		case 'p':
			if (!user_ports)
				o->ses.cap.nports = 0;
			user_ports = 1;
			long long port;
			if (o->ses.cap.nports == CAP_MAX_PORTS || parse_num(optarg, 1, 65535, &port)) {
				st_log(ST_LOG_ERROR, NULL, "bad or too many ports: %s", optarg);
				return -1;
			}
			o->ses.cap.ports[o->ses.cap.nports++] = (uint16_t)port;
			break;
		case '?':
			fputs(live_usage, stderr);
			return -1;
		default:
			if (set_number(o, c, optarg) != 0) {
				st_log(ST_LOG_ERROR, "live", "bad value '%s' (see --help)", optarg);
				return -1;
			}
		}
	}
	if (!o->cap.iface || optind != argc) {
		st_log(ST_LOG_ERROR, "live", optind != argc ? "unexpected argument '%s'" : "no interface given (-i IFACE)%s",
		       optind != argc ? argv[optind] : "");
		fputs(live_usage, stderr);
		return -1;
	}
	if (root)
		an_anchors_builtin(anchors);
	for (int i = 0; i < nanchor; i++) {
		char err[512];
		if (an_anchors_load(anchors, anchor_files[i], err, sizeof(err)) != ST_OK) {
			st_log(ST_LOG_ERROR, NULL, "%s", err);
			return -1;
		}
	}
	o->ses.anchors = anchors;
	if (!o->cap.filter) {
		o->cap.filter = cap_live_default_filter(o->filter, sizeof(o->filter), o->ses.cap.ports,
							o->ses.cap.nports);
		if (!o->cap.filter)
			return -1;
	}
	return 0;
}

static void print_summary(const struct live *l)
{
	const struct live_opts *o = l->o;
	printf("wrote %s: %s: %" PRIu64 " frames, %" PRIu64 " DNS messages, %" PRIu64
	       " incidents\n", o->ses.db_path, o->cap.iface, l->res.frames, l->res.messages,
	       l->incidents);
	printf("capture      libpcap received %" PRIu64 ", dropped %" PRIu64 " (kernel), %" PRIu64
	       " (interface)\n", l->ps.recv, l->ps.drop, l->ps.ifdrop);
	if (l->res.bogus)
		printf("validation   %" PRIu64 " signature checks failed: see `sigtrail summary %s`\n",
		       l->res.bogus, o->ses.db_path);
	if (l->ev) {
		const struct cap_evidence_stats *es = cap_evidence_stats(l->ev);
		printf("evidence     %" PRIu64 " frames in %s (%" PRIu64 " no longer in the ring)\n",
		       es->written, o->evidence, es->missed);
	}
	const struct an_alert_stats *as = an_alert_stats(l->alert);
	if (o->alert_cmd)
		printf("alerts       %" PRIu64 " runs, %" PRIu64 " failed\n", as->runs, as->run_failures);
}

static int exit_for(int rc)
{
	switch (rc) {
	case ST_OK: return LIVE_OK;
	case ST_EDB: case ST_EIO: return LIVE_OUTPUT;
	default: return LIVE_INTERNAL;
	}
}

/* Opens what the run writes to, after the interface: a missing interface
 * leaves no database behind. */
static int live_open_outputs(struct live *l)
{
	struct live_opts *o = l->o;
	int rc = an_session_open(&l->ses, &o->ses, &l->res);
	if (rc != ST_OK) {
		snprintf(l->err, sizeof(l->err), "%s", l->res.error);
		return rc;
	}
	/* Live keeps SQLite's page cache small (16 MiB): memory stays flat
	 * for days. */
	if (sqlite3_exec(an_db_handle(an_session_db(l->ses)), "PRAGMA cache_size=-16384",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    an_db_set_meta(an_session_db(l->ses), "mode", "live") != ST_OK ||
	    an_db_set_meta(an_session_db(l->ses), "interface", o->cap.iface) != ST_OK) {
		snprintf(l->err, sizeof(l->err), "%s: %s", o->ses.db_path, an_db_errmsg(an_session_db(l->ses)));
		return ST_EDB;
	}
	if (o->evidence) {
		rc = cap_evidence_open(&l->ev, o->evidence, cap_live_linktype(l->cap),
				       cap_live_snaplen(l->cap), o->evidence_bytes, o->evidence_keep,
				       l->err, sizeof(l->err));
		if (rc != ST_OK)
			return rc;
	}
	struct an_alert_opts ao = {
		.cmd = o->alert_cmd, .db_path = o->ses.db_path, .gap_ns = o->gap_ns,
		.per_hour = o->alert_per_hour, .on_event = on_event, .ctx = l,
	};
	l->alert = an_alert_new(&ao, l->err, sizeof(l->err));
	return l->alert ? ST_OK : ST_ENOMEM;
}

int an_live_main(int argc, char **argv)
{
	static struct an_anchors anchors; /* large: not on the stack */
	static struct live_opts o;
	struct live l = { .o = &o };
	int prc = parse_args(&o, argc, argv, &anchors);
	if (prc != 0)
		return prc > 0 ? LIVE_OK : LIVE_USAGE;
	int rc = cap_live_open(&l.cap, &o.cap, l.err, sizeof(l.err));
	if (rc != ST_OK) {
		st_log(ST_LOG_ERROR, NULL, "%s", l.err);
		return rc == ST_EINVAL ? LIVE_USAGE : rc == ST_EIO ? LIVE_IFACE : LIVE_INTERNAL;
	}
	live_stop = live_hup = 0;
	install_signals();
	rc = live_open_outputs(&l);
	if (rc == ST_OK) {
		st_log(ST_LOG_INFO, "live", "listening on %s (%s), writing %s", o.cap.iface,
		       o.cap.filter, o.ses.db_path);
		rc = live_loop(&l);
		if (rc == ST_OK)
			rc = live_finish(&l);
	}
	if (rc != ST_OK)
		st_log(ST_LOG_ERROR, NULL, "%s", l.err[0] ? l.err : l.res.error[0] ? l.res.error
		       : st_strerror(rc));
	else if (!o.quiet)
		print_summary(&l);
	if (l.alert)
		wait_alerts(&l);
	an_alert_free(l.alert);
	cap_evidence_free(l.ev);
	an_session_close(l.ses);
	cap_live_close(l.cap);
	return exit_for(rc);
}
