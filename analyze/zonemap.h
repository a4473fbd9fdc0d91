/* analyze/zonemap.h -- which zone a name belongs to, for the incident pass.
 *
 * The zones come from the capture: every signer (signatures.zone) and
 * DNSKEY owner (keys.zone) is a signed zone; every NS owner in a referral,
 * SOA owner in an authoritative answer and NS RRset at the question name
 * answered authoritatively is a zone apex, signed when a DS for it was
 * seen or it signs. an_zonemap_build() writes them to the `zones` table
 * and registers four SQL functions on the handle for the queries of the
 * incident pass (analyze/incident.c and the files it drives):
 *
 *   an_zone_of(name)          deepest known zone at or above name, or NULL
 *   an_signed_zone_of(name)   deepest signed zone at or above name, or NULL
 *   an_zone_signed(zone)      1 if zone (as an_zone_of() gives it) is signed, else 0
 *   an_name_under(name, zone) 1 if name equals zone or lies below it
 *
 * Names are escaped presentation text with a trailing dot (docs/schema.md),
 * compared case-insensitively. The map owns copies of the zone names; the
 * functions stay registered until an_zonemap_free(), which removes them
 * before freeing the map, so the handle never points at freed memory. */
#pragma once
#include <stddef.h>

struct sqlite3;
struct an_zonemap;

/* Most zones kept (THREATS.md: a capture of random referrals cannot grow
 * the map without bound). Beyond it zones are counted, not kept. */
#define AN_ZONEMAP_MAX 100000

/* Builds the map from the stored messages and signatures, fills the
 * `zones` table and registers the functions. *out owns everything; on
 * failure returns ST_EDB or ST_ENOMEM and *out is NULL. */
int an_zonemap_build(struct sqlite3 *h, struct an_zonemap **out);
/* The zone apexes can also be learned while the capture streams by, from
 * the same messages an_zonemap_build() would read back (well-formed
 * answers to non-RD queries with answers or referrals), which spares the
 * incident pass a scan of every stored message. an_zonemap_learn() ignores
 * other messages; the learned map stays the caller's. */
struct an_zonemap *an_zonemap_new(void);
struct dec_msg;
int an_zonemap_learn(struct an_zonemap *zm, const struct dec_msg *m);
/* As an_zonemap_build(), with the apexes copied from learned (which is
 * only compacted) instead of read from the stored messages. */
int an_zonemap_build_learned(struct sqlite3 *h, struct an_zonemap *learned,
			     struct an_zonemap **out);
/* Unregisters the SQL functions and frees the map. NULL is fine. */
void an_zonemap_free(struct an_zonemap *zm);

/* For C callers and tests: the deepest zone at or above name (signed_only:
 * only signed zones), a pointer into the map, or NULL. */
const char *an_zonemap_lookup(const struct an_zonemap *zm, const char *name, int signed_only);
/* 1 if name equals zone or lies below it (label-wise, case-insensitive). */
int an_name_under(const char *name, const char *zone);
