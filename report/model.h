/* report/model.h -- what the HTML report computes once and every section
 * reads: the database handle, the output stream, the time axis (bucket
 * size chosen from the capture's length), failure windows and the phases
 * of the incident.
 *
 * report/html.c fills it (rep_model_build) and owns it; the section
 * writers (report/timeline.c, report/keys.c, report/names.c,
 * report/evidence.c) only read it, except for the sticky err. */
#pragma once
#include <stdint.h>
#include <stdio.h>

struct sqlite3;
struct sqlite3_stmt;

#define REP_MAX_BUCKETS 60    /* the time axis has at most this many buckets */
#define REP_WINDOW_GAP 2      /* all-good buckets that end a failure window */
#define REP_MAX_WINDOWS 16    /* failure windows drawn and listed */
#define REP_MAX_RESOLVERS 8   /* resolvers given a line of their own */
#define REP_ROWS 50           /* rows per long table before "n more" */

/* A check "failed" when its verdict is bogus or indeterminate (SQL). */
#define REP_FAILED_SQL "verdict IN ('bogus', 'indeterminate')"
/* A resolver answer: a response with RA set to a query with RD (SQL,
 * on messages; RD is copied from the query into the response). */
#define REP_RESOLVER_SQL "qr = 1 AND ra = 1 AND rd = 1"

struct rep_window {
	int b0, b1;              /* first and last bucket, inclusive */
	int64_t failed;          /* failed checks (or SERVFAILs) inside */
};

/* A moment of the incident, with the message that shows it. */
struct rep_phase {
	const char *name;        /* static */
	int64_t ts_ns;
	int64_t message_id;      /* 0 when none */
	int set;
};

enum rep_phase_id {
	REP_PH_FIRST_BOGUS, REP_PH_FIRST_SERVFAIL, REP_PH_PEAK, REP_PH_LAST_FAILURE,
	REP_PH_FIXED, REP_PH_COUNT
};

struct rep_model {
	struct sqlite3 *db;
	FILE *f;
	int err;                 /* sticky: first ST_EDB seen */
	char *errbuf;
	size_t errlen;
	int64_t messages, t_first, t_last;
	int64_t t0, bucket_ns;   /* time axis */
	int nb;
	int64_t *checks, *failed;        /* RRSIG checks per bucket */
	int64_t *answers, *servfail;     /* resolver answers per bucket */
	int64_t n_checks, n_failed, n_resolver_answers, n_servfail;
	int failures_from_checks; /* windows come from RRSIG checks, else SERVFAILs */
	struct rep_window win[REP_MAX_WINDOWS];
	int nwin;
	int peak_b;
	struct rep_phase ph[REP_PH_COUNT];
};

/* Prepares constant SQL; NULL (and m->err set) on failure. */
struct sqlite3_stmt *rep_sql(struct rep_model *m, const char *sql);
/* Steps s; 1 for a row, 0 when done, 0 with m->err set on an error. */
int rep_row(struct rep_model *m, struct sqlite3_stmt *s);
/* First column of the first row of a constant query, as an integer. */
int64_t rep_scalar(struct rep_model *m, const char *sql);
/* The text of column col, "" for NULL. Escape before writing it. */
const char *rep_col(struct sqlite3_stmt *s, int col);
/* Bucket of ts, or -1 outside the axis. */
int rep_bucket(const struct rep_model *m, int64_t ts_ns);
/* Writes bucket b's start time (HH:MM:SSZ, with ms for short buckets). */
void rep_fmt_bucket(const struct rep_model *m, char *dst, size_t len, int b);

/* Sections, in page order. Each writes one <section>. */
void rep_headline_write(struct rep_model *m);
void rep_timeline_write(struct rep_model *m);
void rep_keys_write(struct rep_model *m);
void rep_names_write(struct rep_model *m);
void rep_resolvers_write(struct rep_model *m);
void rep_evidence_write(struct rep_model *m);
void rep_inputs_write(struct rep_model *m);

/* Table cells for the message with this id: capture file, frame, and the
 * tshark display filters that show it (report/evidence.c). Writes
 * ncells empty cells when the message is unknown. */
#define REP_EVIDENCE_CELLS 3
void rep_evidence_cells(struct rep_model *m, int64_t message_id);
/* Header cells matching rep_evidence_cells(). */
void rep_evidence_head(FILE *f);
