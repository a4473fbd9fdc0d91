/* analyze/run.h -- `sigtrail analyze`: capture files in, database out.
 *
 * One streaming pass: frames from capture/source, DNS messages from
 * capture/pipeline, decoded by decode/, matched into transactions, stored
 * by analyze/db. The caller (main.c) owns the options and prints. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "capture/pipeline.h"
#include "capture/source.h"

struct an_anchors;
struct an_incident_opts;
struct an_tally;
struct an_zonemap;

struct an_run_opts {
	const char *const *captures;
	size_t ncaptures;
	const char *db_path;
	struct cap_config cap;
	FILE *progress;          /* where to draw progress, NULL for none */
	const struct an_anchors *anchors; /* trust anchors, NULL for none */
};

/* What the run produced, for the closing summary and the exit code. */
struct an_run_result {
	uint64_t frames, messages, queries, responses, malformed;
	uint64_t anomalies, unanswered, unsolicited;
	uint64_t bogus;          /* RRSIGs that failed validation */
	int inputs_failed;       /* files that could not be read at all */
	int inputs_partial;      /* files cut off or broken mid-way */
	char error[512];         /* set when an_run returns an error */
};

/* Returns ST_OK (result filled; check inputs_partial), ST_EFORMAT or
 * ST_EIO when an input cannot be read (nothing written), ST_EDB when the
 * database cannot be written, ST_ENOMEM. res->error says which. */
int an_run(const struct an_run_opts *o, struct an_run_result *res);

/* --- the per-frame path, shared by `analyze` (an_run) and `live` ------
 *
 * A session owns the database, the pipeline, the transaction matcher and
 * the validator: one frame in, its messages decoded, matched, validated
 * and stored. an_run drives it from capture files; analyze/live.c from a
 * network interface. Nothing here reads a clock: time is the frames'. */
struct an_session;
struct an_db;
struct an_val_stats;

struct an_session_opts {
	const char *db_path;
	struct cap_config cap;
	const struct an_anchors *anchors; /* NULL for none */
	int64_t key_grace_ns;    /* wait for late keys; 0: AN_VAL_GRACE_NS (10 s) */
	int readers;             /* others read while it runs (live): WAL from the start */
};

/* Creates the database and everything behind it. res is the session's
 * counters (zeroed here) and stays the caller's. Returns ST_OK, ST_EDB
 * (res->error says why) or ST_ENOMEM. */
int an_session_open(struct an_session **out, const struct an_session_opts *o,
		    struct an_run_result *res);
/* One frame. ST_OK, or ST_EDB / ST_ENOMEM, which end the session. */
int an_session_frame(struct an_session *s, const struct cap_frame *f);
/* Live: commits pending rows now and expires transactions older than
 * now_ns on the frames' clock, so readers see what arrived. */
int an_session_commit(struct an_session *s, int64_t now_ns);
/* End of input: drains the pipeline and the validator, stores the run
 * facts (files: the inputs' info, may be 0), extra stats the caller set
 * stay, builds incidents (inc may be NULL) and indexes, marks the
 * database complete. res->error is set on failure. */
int an_session_finish(struct an_session *s, const struct cap_file_info *files,
		      size_t nfiles, const struct an_incident_opts *inc);
struct an_db *an_session_db(struct an_session *s);
/* Endpoint roles counted so far (an_incident_opts.tally). */
const struct an_tally *an_session_tally(const struct an_session *s);
/* Zone apexes learned so far (an_incident_opts.zones). */
struct an_zonemap *an_session_zones(struct an_session *s);
const struct cap_stats *an_session_cap_stats(const struct an_session *s);
const struct an_val_stats *an_session_val_stats(const struct an_session *s);
/* Frees everything; commits what is pending. NULL is fine. */
void an_session_close(struct an_session *s);
