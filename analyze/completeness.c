/* analyze/completeness.c -- what a secure answer must also carry.
 *
 * Signatures that are present are judged in validate.c; this file judges
 * what is absent: RRsets of a zone proven secure that arrive without any
 * RRSIG (RFC 4035 5.2, EDE 10), and the NSEC/NSEC3 proofs that must back
 * an NXDOMAIN, a NODATA or a referral to an unsigned child (analyze/
 * denial.h). A bogus "no DS" proof is the .de collateral damage: an
 * unsigned child made unreachable by its parent. Both run per response,
 * after its RRSIGs were checked, and write through the validator's
 * findings and per-response verdict (validate_int.h). */
#include <stdio.h>
#include <string.h>
#include "analyze/chain.h"
#include "analyze/denial.h"
#include "analyze/keystore.h"
#include "analyze/validate_int.h"
#include "decode/rdata.h"
#include "util/err.h"

/* --- RRsets that should have been signed ------------------------------ */

/* name without its first label; false at the root. */
static bool parent_of(const struct dec_name *n, struct dec_name *out)
{
	if (n->len <= 1)
		return false;
	uint8_t skip = (uint8_t)(n->wire[0] + 1);
	out->len = (uint8_t)(n->len - skip);
	out->labels = n->labels ? (uint8_t)(n->labels - 1) : 0;
	memmove(out->wire, n->wire + skip, out->len);
	return true;
}

/* The zone data at owner belongs to: the closest enclosing name the key
 * store knows as a zone (keys, DS, anchor or a delegation seen). */
static struct an_zone_keys *zone_of(struct an_validator *v, const struct dec_name *owner, bool is_ds)
{
	struct dec_name n = *owner;
	if (is_ds && !parent_of(owner, &n)) /* a DS lives in the parent */
		return NULL;
	for (int depth = 0; depth < 128; depth++) {
		struct an_zone_keys *z = an_keystore_find(v->ks, &n);
		if (z && (z->nkeys || z->nds || z->is_cut))
			return z;
		struct dec_name up;
		if (!parent_of(&n, &up))
			return NULL;
		n = up;
	}
	return NULL;
}

static bool covered_by_rrsig(const struct dec_msg *m, uint16_t i)
{
	const struct dec_rr *rr = &m->rr[i];
	for (uint16_t j = 0; j < m->nrr; j++) {
		const struct dec_rr *s = &m->rr[j];
		if (s->type != DEC_T_RRSIG || s->section != rr->section || s->rdlen < 2 ||
		    !val_same_owner(&s->owner, &rr->owner))
			continue;
		if ((m->wire[s->rdata_off] << 8 | m->wire[s->rdata_off + 1]) == rr->type)
			return true;
	}
	return false;
}

/* RFC 4035 5.2/5.3: in a zone proven secure, every RRset of an answer
 * (other than a referral's NS and glue) must carry an RRSIG. Only
 * responses with the DO bit are judged: without it nothing is signed. */
void an_val_check_unsigned(struct an_validator *v, struct val_ref *r, const struct dec_msg *m)
{
	if (!m->edns.present || !m->edns.do_bit || (m->rcode_full != 0 && m->rcode_full != 3))
		return;
	int referral = !m->aa && m->nsec[DEC_SEC_AN] == 0;
	/* Quadratic in the RRs looked at: bounded like the other per-response
	 * work (THREATS G8). */
	uint16_t n = m->nrr < AN_VAL_MAX_RRSIGS_PER_RESPONSE ? m->nrr : AN_VAL_MAX_RRSIGS_PER_RESPONSE;
	for (uint16_t i = 0; i < n && !v->err; i++) {
		const struct dec_rr *rr = &m->rr[i];
		if ((rr->section != DEC_SEC_AN && rr->section != DEC_SEC_NS) ||
		    rr->type == DEC_T_RRSIG || rr->type == DEC_T_OPT ||
		    /* A referral's NS, and the NS a resolver copies into the
		     * authority section of its answers, are not validated data. */
		    ((referral || !m->aa) && rr->section == DEC_SEC_NS && rr->type == DEC_T_NS) ||
		    covered_by_rrsig(m, i))
			continue;
		bool first = true;
		for (uint16_t j = 0; j < i && first; j++)
			first = !(m->rr[j].type == rr->type && m->rr[j].section == rr->section &&
				  val_same_owner(&m->rr[j].owner, &rr->owner));
		if (!first)
			continue;
		struct an_zone_keys *z = zone_of(v, &rr->owner, rr->type == DEC_T_DS);
		if (!z || an_chain_zone(v->ks, &z->zone) != AN_CHAIN_SECURE)
			continue;
		v->st.rrsigs_missing++;
		v->st.chain_bogus++;
		r->worst = "bogus";
		if (!r->bogus_reason) {
			r->bogus_reason = "rrsigs_missing";
			r->bogus_ede = 10;
		}
		char zone[DEC_NAME_TEXT_MAX], owner[DEC_NAME_TEXT_MAX], detail[2 * DEC_NAME_TEXT_MAX + 160];
		dec_name_to_text(&z->zone, zone, sizeof(zone));
		dec_name_to_text(&rr->owner, owner, sizeof(owner));
		snprintf(detail, sizeof(detail), "RRset %s type %u without RRSIG in the secure zone %s, from %s",
			 owner, rr->type, zone, r->server);
		an_val_finding(v, r, "rrsigs_missing", zone, -1, detail);
	}
}

/* --- denial of existence ----------------------------------------------- */

/* After a valid RRSIG over an NSEC/NSEC3 RRset: those records may prove. */
void an_val_mark_denial(struct an_validator *v, const struct dec_msg *m, uint16_t si,
			const struct dec_rrsig *sig)
{
	for (uint16_t k = 0; k < m->nrr && k < VAL_MAX_RRS; k++)
		if (m->rr[k].type == sig->type_covered && m->rr[k].section == m->rr[si].section &&
		    val_same_owner(&m->rr[k].owner, &m->rr[si].owner))
			v->denial_ok[k] = 1;
}

/* The signer of the response's NSEC/NSEC3 records, from any parseable
 * RRSIG over them (verified or not). */
static bool denial_signer(const struct dec_msg *m, struct dec_name *out)
{
	for (uint16_t i = 0; i < m->nrr; i++) {
		struct dec_rrsig sig;
		const char *why;
		if (m->rr[i].type != DEC_T_RRSIG || m->rr[i].section == DEC_SEC_QD ||
		    dec_rrsig_parse(m, &m->rr[i], &sig, &why) != ST_OK)
			continue;
		if (sig.type_covered == DEC_T_NSEC || sig.type_covered == DEC_T_NSEC3) {
			*out = sig.signer;
			return true;
		}
	}
	return false;
}

static bool has_type(const struct dec_msg *m, uint8_t section, uint16_t type,
		     const struct dec_name *owner)
{
	for (uint16_t i = 0; i < m->nrr; i++)
		if (m->rr[i].section == section && m->rr[i].type == type &&
		    (!owner || val_same_owner(&m->rr[i].owner, owner)))
			return true;
	return false;
}

static const char *denial_chain(enum an_denial_verdict d)
{
	switch (d) {
	case AN_DENIAL_PROVEN: return "secure";
	case AN_DENIAL_INSECURE: return "insecure";
	case AN_DENIAL_BOGUS: return "bogus";
	default: return "indeterminate";
	}
}

/* RFC 4035 5.4 / RFC 5155 8: NXDOMAIN and NODATA answers, and referrals
 * to unsigned children, carry proofs. Judged only in zones proven secure
 * and for responses with the DO bit (nothing is signed otherwise). A bogus
 * "no DS" proof makes an unsigned child unreachable through validating
 * resolvers: the .de collateral damage, recorded as its own finding. */
void an_val_check_denial(struct an_validator *v, struct val_ref *r, const struct dec_msg *m)
{
	if (!m->edns.present || !m->edns.do_bit || !m->has_question ||
	    (m->rcode_full != 0 && m->rcode_full != 3))
		return;
	struct dec_name signer;
	bool have_signer = denial_signer(m, &signer);
	enum an_denial_kind kind;
	struct dec_name target = m->qname;
	uint16_t qtype = m->qtype;
	/* A referral comes from an authoritative server (no RA); a resolver
	 * that cannot reach a child may hand its client the delegation, which
	 * proves nothing. */
	int referral = !m->aa && !m->ra && m->nsec[DEC_SEC_AN] == 0 &&
		       has_type(m, DEC_SEC_NS, DEC_T_NS, NULL);
	if (m->rcode_full == 3) {
		kind = AN_DENIAL_NXDOMAIN;
	} else if (referral) {
		uint16_t ns = 0;
		while (ns < m->nrr && !(m->rr[ns].section == DEC_SEC_NS && m->rr[ns].type == DEC_T_NS))
			ns++;
		target = m->rr[ns].owner;
		if (has_type(m, DEC_SEC_NS, DEC_T_DS, &target))
			return; /* a signed delegation: its DS is checked as an RRset */
		kind = AN_DENIAL_NO_DS;
		qtype = DEC_T_DS;
	} else if (m->nsec[DEC_SEC_AN] == 0 && has_type(m, DEC_SEC_NS, DEC_T_SOA, NULL)) {
		kind = AN_DENIAL_NODATA;
	} else {
		return;
	}
	/* The zone that must prove it: the signer of the proof, or else the
	 * zone the name falls in (a secure zone sending no proof at all). */
	struct an_zone_keys *z = have_signer ? an_keystore_find(v->ks, &signer)
					     : zone_of(v, &target, kind == AN_DENIAL_NO_DS);
	if (!z || an_chain_zone(v->ks, &z->zone) != AN_CHAIN_SECURE)
		return;
	struct an_denial_budget budget;
	struct an_denial_result res;
	an_denial_budget_init(&budget);
	int rc = an_denial_check(m, kind, &target, qtype, &z->zone, v->denial_ok, &budget, &res);
	v->st.denials++;
	if (rc == ST_ELIMIT) {
		v->st.limit_hits++;
		an_val_finding(v, r, "work_limit", NULL, -1, "NSEC3 hash budget of a response spent");
	}
	const char *chain = denial_chain(res.verdict);
	r->worst = an_val_worse(r->worst, chain);
	if (res.verdict != AN_DENIAL_BOGUS)
		return;
	v->st.denials_bogus++;
	v->st.chain_bogus++;
	int ede = res.ede == AN_EDE_NONE ? AN_EDE_DNSSEC_BOGUS : res.ede;
	if (!r->bogus_reason) {
		r->bogus_reason = res.why;
		r->bogus_ede = ede;
	}
	char zone[DEC_NAME_TEXT_MAX], name[DEC_NAME_TEXT_MAX], detail[2 * DEC_NAME_TEXT_MAX + 160];
	dec_name_to_text(&z->zone, zone, sizeof(zone));
	dec_name_to_text(&target, name, sizeof(name));
	if (kind == AN_DENIAL_NO_DS) {
		/* The child is unsigned; the parent's proof of that is what broke. */
		snprintf(detail, sizeof(detail), "unsigned child %s unreachable: the proof that it has no DS"
			 " is bogus (%s) in %s, from %s", name, res.why, zone, r->server);
		v->st.collateral++;
		an_val_finding(v, r, "collateral_unsigned", name, -1, detail);
	} else {
		snprintf(detail, sizeof(detail), "%s proof for %s is bogus (%s), from %s",
			 kind == AN_DENIAL_NXDOMAIN ? "NXDOMAIN" : "NODATA", name, res.why, r->server);
		an_val_finding(v, r, "denial_bogus", zone, -1, detail);
	}
}

