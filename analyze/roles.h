/* analyze/roles.h -- who is who in a capture, from the traffic alone.
 *
 * Fills `endpoints` (one row per address and role: client, resolver,
 * upstream, authoritative) and `resolver_links` (a resolver's
 * client-facing address tied to the address it queries authoritative
 * servers from: a client query for Q at t, then a non-RD query for Q or
 * an ancestor of Q from that address within AN_ROLES_LINK_WINDOW_NS).
 * Runs inside the incident pass (analyze/incident.c), after the zone map
 * registered an_name_under() on the handle. Constant SQL only; the caller
 * owns the handle and the transaction. */
#pragma once
#include <stdint.h>

struct sqlite3;

/* An upstream query this long after the client's still counts. */
#define AN_ROLES_LINK_WINDOW_NS (3LL * 1000000000LL)
/* A link needs at least this many matched client queries... */
#define AN_ROLES_LINK_MIN 3
/* ...and at least 1/AN_ROLES_LINK_SHARE of the resolver's client queries. */
#define AN_ROLES_LINK_SHARE 20
#define AN_ROLES_LINK_SAMPLE 2000 /* client queries per resolver; written in roles.c's SQL */
/* Up to this many resolvers (messages in time order), their samples are
 * taken one short scan each. */
#define AN_ROLES_SCAN_RESOLVERS_MAX 4

struct an_tally;

/* ST_OK or ST_EDB. tally: the endpoint roles counted while streaming
 * (analyze/endpoint_tally.h), or NULL to group the messages in SQL. */
int an_roles_build(struct sqlite3 *h, const struct an_tally *tally);
