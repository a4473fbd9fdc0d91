/* analyze/incident.h -- the incident pass: from stored messages and
 * validation verdicts to the story of an outage.
 *
 * Runs after the validator, over what is committed: zone map
 * (analyze/zonemap.h), endpoint roles (analyze/roles.h), time buckets
 * (analyze/buckets.h), then incidents: bogus evidence (sig_checks with a
 * bogus verdict or chain, response_verdicts expected bogus) grouped per
 * zone into windows split by gaps longer than gap_ns; for each window the
 * client impact (SERVFAILs for names under the zone, collateral unsigned
 * zones), a root-cause class, recovery time and the frames proving it;
 * then negative trust anchors and resolver EDE claims
 * (analyze/resolver_checks.h). Tables and method: docs/incidents.md.
 *
 * All in one transaction: either every incident table is rewritten or
 * none is. Constant SQL, packet text only through bound parameters. */
#pragma once
#include <stdint.h>

struct an_db;
struct sqlite3;

/* Default gap: this many buckets, but at least AN_INC_GAP_MIN_NS: a
 * resolver re-asks only when its cache expires, so bogus evidence comes
 * in bursts one TTL apart while the fault lasts. */
#define AN_INC_GAP_BUCKETS 8
#define AN_INC_GAP_MIN_NS (60LL * 1000000000LL)
/* Distinct reason codes counted per window (more are lumped as "other"). */
#define AN_INC_REASONS_MAX 16

struct an_tally;
struct an_zonemap;

struct an_incident_opts {
	int64_t bucket_ns;   /* 0: from the capture's length (an_buckets_size) */
	int64_t gap_ns;      /* 0: the default above */
	/* Endpoint roles counted while streaming, or NULL: grouped in SQL. */
	const struct an_tally *tally;
	/* Zone apexes learned while streaming (analyze/zonemap.h), or NULL:
	 * read back from the stored messages. */
	struct an_zonemap *zones;
};

/* Commits pending rows, then builds every incident table. o may be NULL.
 * Returns ST_OK, ST_EDB (an_db_errmsg() has more) or ST_ENOMEM. */
int an_incidents_build(struct an_db *db, const struct an_incident_opts *o);
/* The same as the last step of an analysis: while the pass runs (writing
 * TEMP twins of its tables, moved into place at the end), another thread
 * builds the database's secondary indexes (an_db_index_start). */
int an_incidents_build_final(struct an_db *db, const struct an_incident_opts *o);
/* The same on a bare handle (tests, drivers over a copy of a database).
 * No transaction may be open on h. */
int an_incidents_build_handle(struct sqlite3 *h, const struct an_incident_opts *o);
