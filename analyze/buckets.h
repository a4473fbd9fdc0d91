/* analyze/buckets.h -- time buckets for the incident pass.
 *
 * an_buckets_size() picks the bucket width for a capture; an_buckets_build()
 * fills `resolver_buckets` (what each resolver told its clients) and
 * `sig_buckets` (signature verdicts per signer zone) from the temporary
 * tables the incident pass prepared (temp.an_down, temp.an_ede,
 * temp.an_chk; see analyze/incident.c). Buckets start at multiples of
 * their width since the epoch, so two databases of the same period line
 * up. Constant SQL only; the caller owns the handle and transaction. */
#pragma once
#include <stdint.h>

struct sqlite3;

/* Bucket widths tried, smallest first: the first giving at most
 * AN_BUCKETS_MAX buckets is taken (so ~60..200 for most lengths). */
#define AN_BUCKETS_MAX 200

/* Width in ns for a capture lasting span_ns (> 0 always). */
int64_t an_buckets_size(int64_t span_ns);
/* ST_OK or ST_EDB. */
int an_buckets_build(struct sqlite3 *h, int64_t bucket_ns);
