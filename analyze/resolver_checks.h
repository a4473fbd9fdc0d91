/* analyze/resolver_checks.h -- resolver behaviour set against the evidence,
 * for the incident pass (analyze/incident.c), once `incidents` is filled.
 *
 * an_nta_build(): negative trust anchors. A resolver that answered a zone
 * with AD or SERVFAIL and then, while the zone's signatures still fail
 * (inside an incident window of the zone), answers DO queries for names
 * of that zone NOERROR/NXDOMAIN without AD, at least AN_NTA_MIN_ANSWERS
 * times: a row in `nta_events` and an incident_evidence row "nta".
 *
 * an_claims_build(): per incident and resolver, the SERVFAILs it gave
 * clients for names under the zone, grouped by the EDE codes it sent,
 * next to the EDE the upstream evidence calls for (`resolver_claims`).
 *
 * Both read the temporary tables of the pass (temp.an_down). */
#pragma once
#include <stdint.h>

struct sqlite3;

#define AN_NTA_MIN_ANSWERS 2

/* ST_OK or ST_EDB. tail_ns: how long after an incident's last evidence
 * its effects are still attributed to it. */
int an_nta_build(struct sqlite3 *h, int64_t bucket_ns, int64_t tail_ns);
int an_claims_build(struct sqlite3 *h, int64_t bucket_ns, int64_t tail_ns);

#define AN_ANSWER_WINDOW_NS (5LL * 1000000000LL) /* upstream answer -> client answer */
/* resolver_answers: each judged upstream answer next to the resolver's
 * answer to its client for the same name and type (issue 4: "record what
 * the resolver actually said next to it"). */
int an_answers_build(struct sqlite3 *h);
