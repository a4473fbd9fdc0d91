/* analyze/run.c -- the analysis pass (see run.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "analyze/db.h"
#include "analyze/endpoint_tally.h"
#include "analyze/incident.h"
#include "analyze/run.h"
#include "analyze/txn.h"
#include "analyze/validate.h"
#include "analyze/zonemap.h"
#include "capture/source.h"
#include "decode/msg.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/version.h"

/* A DNS message has at most 65535 bytes, so at most ~6000 RRs and 100
 * options: 4 MiB bounds what one hostile message can make decode/ take. */
#define RUN_ARENA_BUDGET (4u << 20)
#define RUN_PROGRESS_EVERY 65536
#define RUN_CLOCK_FILES 1024     /* files whose clock is watched for steps back */

struct an_session {
	const char *db_path;     /* the caller's string, for messages */
	struct cap_pipeline *pipe;
	struct an_db *db;
	struct an_txn *txn;
	struct an_validator *val;
	struct an_tally *tally;  /* endpoint roles, for the incident pass */
	struct an_zonemap *zones; /* zone apexes, for the incident pass */
	struct st_arena *arena;
	struct an_run_result *res;
	int failed;              /* ST_EDB / ST_ENOMEM seen in a callback */
	int64_t last_ts[RUN_CLOCK_FILES]; /* per input file, for check_clock() */
};

static int on_message(void *vctx, const struct cap_msg *cm)
{
	struct an_session *c = vctx;
	struct dec_msg m;
	st_arena_reset(c->arena);
	int rc = dec_msg_parse(&m, cm->wire, cm->len, c->arena);
	if (rc == ST_ENOMEM)
		return c->failed = ST_ENOMEM;
	/* THREATS A4: a frame cut by the capture's snaplen is not a malformed
	 * DNS message; say what happened (snaplen_cut is counted already). */
	int snapcut = (cm->flags & CAP_MSG_SNAPLEN) && m.err != ST_OK;
	if (snapcut)
		m.why = "truncated by snaplen";
	an_txn_expire(c->txn, cm->ts_ns);
	int64_t query_id = 0, latency = 0;
	int usable = m.len >= 12 && m.has_question;
	if (usable && m.qr)
		query_id = an_txn_response(c->txn, cm, &m, &latency);
	int64_t id = an_db_add_message(c->db, cm, &m, query_id, latency);
	if (id < 0)
		return c->failed = (int)id;
	if (usable && !m.qr)
		an_txn_query(c->txn, cm, &m, id);
	an_tally_message(c->tally, &cm->src, &m, cm->ts_ns);
	if ((rc = an_zonemap_learn(c->zones, &m)) != ST_OK)
		return c->failed = rc;
	if ((rc = an_validator_message(c->val, cm, &m, id)) != ST_OK)
		return c->failed = rc;
	c->res->messages++;
	if (m.len >= 12)
		m.qr ? c->res->responses++ : c->res->queries++;
	if (m.err != ST_OK && !snapcut) {
		c->res->malformed++;
		an_db_add_anomaly(c->db, cm->file, cm->frame, "dns_malformed", m.why, id);
	}
	return an_db_maybe_commit(c->db, 0);
}

static void on_anomaly(void *vctx, uint32_t file, uint64_t frame,
		       const char *kind, const char *detail)
{
	struct an_session *c = vctx;
	c->res->anomalies++;
	if (an_db_add_anomaly(c->db, file, frame, kind, detail, 0) != ST_OK)
		c->failed = ST_EDB;
}

/* Refuse before creating anything when an input cannot be read at all. */
static int check_inputs(struct cap_source *src, struct an_run_result *res)
{
	size_t n;
	const struct cap_file_info *fi = cap_source_files(src, &n);
	for (size_t i = 0; i < n; i++) {
		if (fi[i].status == ST_EIO || fi[i].status == ST_EFORMAT) {
			snprintf(res->error, sizeof(res->error), "%s", fi[i].error);
			return fi[i].status;
		}
	}
	return ST_OK;
}

static void draw_progress(FILE *out, struct cap_source *src, uint64_t frames, int done)
{
	size_t n;
	const struct cap_file_info *fi = cap_source_files(src, &n);
	uint64_t size = 0, read = 0;
	for (size_t i = 0; i < n; i++) {
		size += fi[i].file_size;
		read += fi[i].bytes + 16 * fi[i].frames; /* records carry ~16 bytes of header */
	}
	unsigned pct = size ? (unsigned)(read * 100 / size) : 0;
	fprintf(out, "\rsigtrail: %3u%%  %" PRIu64 " frames%s", done ? 100 : (pct > 99 ? 99 : pct),
		frames, done ? "\n" : "");
	fflush(out);
}

static int store_run_facts(struct an_session *c, const struct cap_file_info *fi,
			   size_t n, const struct cap_stats *cs)
{
	for (size_t i = 0; i < n; i++) {
		if (fi[i].status != ST_OK) {
			c->res->inputs_partial++;
			an_db_add_anomaly(c->db, (uint32_t)i, fi[i].frames + 1,
					  fi[i].status == ST_ETRUNC ? "capture_truncated" : "capture_malformed",
					  fi[i].error, 0);
		}
		if (an_db_add_capture(c->db, (uint32_t)i, &fi[i]))
			return ST_EDB;
	}
	const struct an_txn_stats *ts = an_txn_stats(c->txn);
	const struct an_val_stats *vs = an_validator_stats(c->val);
	c->res->bogus = vs->bogus > vs->chain_bogus ? vs->bogus : vs->chain_bogus;
	c->res->unsolicited = ts->unsolicited;
	c->res->unanswered = ts->expired + ts->evicted;
	const struct { const char *key; uint64_t v; } stats[] = {
		{ "frames", cs->frames }, { "bytes", cs->bytes },
		{ "linktype_unsupported", cs->linktype_unsupported },
		{ "not_ip", cs->not_ip }, { "not_dns_port", cs->not_dns_port },
		{ "ipv4", cs->ipv4 }, { "ipv6", cs->ipv6 }, { "udp", cs->udp }, { "tcp", cs->tcp },
		{ "ip_fragments", cs->frags }, { "ip_reassembled", cs->frag_datagrams },
		{ "ip_frag_timeouts", cs->frag_timeouts }, { "ip_frag_evicted", cs->frag_evicted },
		{ "tcp_segments", cs->tcp_segments }, { "tcp_gaps", cs->tcp_gaps },
		{ "tcp_flows", cs->tcp_flows }, { "tcp_flows_evicted", cs->tcp_flows_evicted },
		{ "snaplen_cut", cs->snaplen_cut }, { "udp_checksum_bad", cs->udp_cksum_bad },
		{ "udp_len_mismatch", cs->udp_len_mismatch }, { "tcp_resync_skipped", cs->tcp_resync_skipped }, { "messages", c->res->messages },
		{ "txn_matched", ts->matched }, { "txn_unsolicited", ts->unsolicited },
		{ "txn_expired", ts->expired }, { "txn_evicted", ts->evicted },
		{ "val_responses", vs->responses }, { "val_rrsigs", vs->rrsigs },
		{ "val_valid", vs->valid }, { "val_bogus", vs->bogus }, { "val_chain_bogus", vs->chain_bogus },
		{ "val_indeterminate", vs->indeterminate }, { "val_unsupported", vs->unsupported },
		{ "val_no_rrset", vs->no_rrset }, { "val_deferred", vs->deferred },
		{ "val_pending_evicted", vs->pending_evicted }, { "val_limit_hits", vs->limit_hits },
		{ "val_crypto_ops", vs->crypto_ops }, { "val_memo_hits", vs->memo_hits },
		{ "val_keys", vs->keys }, { "val_keystore_limited", vs->keystore_limited },
		{ "val_recovery_ops", vs->recovery_ops }, { "val_recovered_keys", vs->recovered_keys },
		{ "val_rrsigs_missing", vs->rrsigs_missing }, { "val_denials", vs->denials },
		{ "val_denials_bogus", vs->denials_bogus }, { "val_collateral", vs->collateral },
	};
	for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
		if (an_db_set_stat(c->db, stats[i].key, (int64_t)stats[i].v))
			return ST_EDB;
	return ST_OK;
}

/* THREATS A8: a file whose clock goes backwards is kept in file order;
 * each step back is an anomaly with its size. */
static void check_clock(struct an_session *c, const struct cap_frame *f)
{
	if (f->file >= RUN_CLOCK_FILES)
		return;
	int64_t *last = &c->last_ts[f->file];
	if (f->number > 1 && f->ts_ns < *last) {
		char detail[96];
		snprintf(detail, sizeof(detail), "time went back %.9f s from the previous frame",
			 (double)(*last - f->ts_ns) / 1e9);
		an_db_add_anomaly(c->db, f->file, f->number, "time_backwards", detail, 0);
		c->res->anomalies++;
	}
	*last = f->ts_ns;
}

/* Puts the sentence for rc into res->error unless one is there; returns rc. */
static int session_error(struct an_session *s, int rc)
{
	char *e = s->res->error;
	if (rc == ST_OK || e[0])
		return rc;
	if (rc == ST_EDB)
		snprintf(e, sizeof(s->res->error), "%s: %s", s->db_path, an_db_errmsg(s->db));
	else
		snprintf(e, sizeof(s->res->error), "%s", st_strerror(rc));
	return rc;
}

int an_session_frame(struct an_session *s, const struct cap_frame *f)
{
	s->res->frames++;
	check_clock(s, f);
	int rc = cap_pipeline_frame(s->pipe, f);
	return session_error(s, s->failed ? s->failed : rc);
}

int an_session_open(struct an_session **out, const struct an_session_opts *o,
		    struct an_run_result *res)
{
	memset(res, 0, sizeof(*res));
	*out = NULL;
	struct an_session *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(res->error, sizeof(res->error), "%s", st_strerror(ST_ENOMEM));
		return ST_ENOMEM;
	}
	s->res = res;
	s->db_path = o->db_path;
	s->db = an_db_create(o->db_path, o->readers ? AN_DB_READERS : AN_DB_BULK, res->error,
			      sizeof(res->error));
	s->txn = an_txn_new(AN_TXN_MAX_DEFAULT, AN_TXN_TIMEOUT_DEFAULT);
	s->arena = st_arena_new(RUN_ARENA_BUDGET);
	s->tally = an_tally_new();
	s->zones = an_zonemap_new();
	s->val = s->db ? an_validator_new(s->db, o->anchors) : NULL;
	if (s->val)
		an_validator_set_grace(s->val, o->key_grace_ns);
	struct cap_handler h = { s, on_message, on_anomaly };
	s->pipe = s->db ? cap_pipeline_new(&o->cap, &h) : NULL;
	int rc = ST_OK;
	if (!s->db)
		rc = ST_EDB;
	else if (!s->txn || !s->arena || !s->pipe || !s->val || !s->tally || !s->zones)
		rc = ST_ENOMEM;
	if (rc != ST_OK) {
		if (!res->error[0])
			snprintf(res->error, sizeof(res->error), "%s", st_strerror(rc));
		an_session_close(s);
		return rc;
	}
	*out = s;
	return ST_OK;
}

int an_session_commit(struct an_session *s, int64_t now_ns)
{
	an_txn_expire(s->txn, now_ns);
	return session_error(s, an_db_maybe_commit(s->db, 1));
}

/* With SIGTRAIL_SQL_PROFILE set (db.c), also when each phase of the run
 * ended, on stderr. */
static void phase_mark(const char *what)
{
	static int on = -1;
	if (on < 0)
		on = getenv("SIGTRAIL_SQL_PROFILE") != NULL;
	if (!on)
		return;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	fprintf(stderr, "phase   %ld.%03ld  %s\n", (long)t.tv_sec, t.tv_nsec / 1000000, what);
}

int an_session_finish(struct an_session *s, const struct cap_file_info *files,
		      size_t nfiles, const struct an_incident_opts *inc)
{
	int rc = s->failed;
	phase_mark("frames read");
	if (rc == ST_OK)
		rc = cap_pipeline_finish(s->pipe);
	if (rc == ST_OK && s->failed)
		rc = s->failed;
	if (rc == ST_OK)
		rc = an_validator_finish(s->val);
	phase_mark("validator finished");
	if (rc == ST_OK)
		rc = an_db_set_meta(s->db, "version", SIGTRAIL_VERSION);
	if (rc == ST_OK) {
		an_txn_expire(s->txn, INT64_MAX);
		rc = store_run_facts(s, files, nfiles, cap_pipeline_stats(s->pipe));
	}
	phase_mark("run facts stored");
	if (rc == ST_OK) {
		struct an_incident_opts io = { 0 };
		if (inc)
			io = *inc;
		/* SIGTRAIL_PASS_FROM_SQL=1: read roles and zone apexes back
		 * from the stored messages, as before they were counted while
		 * streaming (tests/system/t_pass_paths.sh compares the two). */
		if (!getenv("SIGTRAIL_PASS_FROM_SQL")) {
			io.tally = s->tally;
			io.zones = s->zones;
		}
		rc = an_incidents_build_final(s->db, &io);
	}
	phase_mark("incidents built");
	if (rc == ST_OK)
		rc = an_db_finish(s->db);
	phase_mark("database finished");
	return session_error(s, rc);
}

struct an_db *an_session_db(struct an_session *s)
{
	return s->db;
}

const struct an_tally *an_session_tally(const struct an_session *s)
{
	return s->tally;
}

struct an_zonemap *an_session_zones(struct an_session *s)
{
	return s->zones;
}

const struct cap_stats *an_session_cap_stats(const struct an_session *s)
{
	return cap_pipeline_stats(s->pipe);
}

const struct an_val_stats *an_session_val_stats(const struct an_session *s)
{
	return an_validator_stats(s->val);
}

void an_session_close(struct an_session *s)
{
	if (!s)
		return;
	cap_pipeline_free(s->pipe);
	st_arena_free(s->arena);
	an_txn_free(s->txn);
	an_tally_free(s->tally);
	an_zonemap_free(s->zones);
	an_validator_free(s->val);
	an_db_close(s->db);
	free(s);
}

static int run_frames(struct an_session *s, struct cap_source *src, FILE *progress)
{
	struct cap_frame f;
	int rc;
	while ((rc = cap_source_next(src, &f)) == 1) {
		if ((rc = an_session_frame(s, &f)) != ST_OK)
			return rc;
		if (progress && s->res->frames % RUN_PROGRESS_EVERY == 0)
			draw_progress(progress, src, s->res->frames, 0);
	}
	if (rc < 0)
		return rc;
	if (progress)
		draw_progress(progress, src, s->res->frames, 1);
	return ST_OK;
}

int an_run(const struct an_run_opts *o, struct an_run_result *res)
{
	memset(res, 0, sizeof(*res));
	struct cap_source *src = NULL;
	int rc = cap_source_open(&src, o->captures, o->ncaptures);
	if (rc != ST_OK) {
		snprintf(res->error, sizeof(res->error), "%s", st_strerror(rc));
		return rc;
	}
	if ((rc = check_inputs(src, res)) != ST_OK) {
		cap_source_close(src);
		return rc;
	}
	struct an_session_opts so = { .db_path = o->db_path, .cap = o->cap, .anchors = o->anchors };
	struct an_session *s = NULL;
	phase_mark("start");
	rc = an_session_open(&s, &so, res);
	if (rc == ST_OK)
		rc = run_frames(s, src, o->progress);
	if (rc == ST_OK) {
		size_t n;
		const struct cap_file_info *fi = cap_source_files(src, &n);
		rc = an_session_finish(s, fi, n, NULL);
	}
	if (rc != ST_OK && !res->error[0])
		snprintf(res->error, sizeof(res->error), "%s", st_strerror(rc));
	an_session_close(s);
	cap_source_close(src);
	return rc;
}
