/* analyze/validate.c -- see validate.h. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/anchor.h"
#include "analyze/canon.h"
#include "analyze/chain.h"
#include "analyze/cluster.h"
#include "analyze/ecrecover.h"
#include "analyze/keystore.h"
#include "analyze/sigcheck.h"
#include "analyze/validate.h"
#include "analyze/validate_int.h"
#include "capture/endpoint.h"
#include "decode/rdata.h"
#include "util/arena.h"
#include "util/err.h"

/* --- outcomes ------------------------------------------------------- */

static const char *reason_code(enum an_reason r)
{
	switch (r) {
	case AN_R_OK: return "valid";
	case AN_R_SIG_BAD: return "unpublished_key";
	case AN_R_SIG_MALFORMED: return "sig_malformed";
	case AN_R_ALG_MISMATCH: return "key_missing";
	case AN_R_ALG_UNSUPPORTED: return "alg_unsupported";
	case AN_R_KEY_MALFORMED: return "key_malformed";
	case AN_R_KEY_UNSUPPORTED: return "key_unsupported";
	case AN_R_KEY_UNUSABLE: return "key_unusable";
	case AN_R_NOT_YET_VALID: return "not_yet_valid";
	case AN_R_EXPIRED: return "expired";
	case AN_R_EXPIRED_BEFORE_VALID: return "expired_before_valid";
	case AN_R_LIMIT: return "work_limit";
	default: return "internal";
	}
}

static const char *verdict_name(enum an_verdict v)
{
	switch (v) {
	case AN_VALID: return "valid";
	case AN_BOGUS: return "bogus";
	case AN_UNSUPPORTED: return "unsupported";
	default: return "indeterminate";
	}
}

static void outcome_set(struct val_outcome *o, const char *verdict, const char *reason, int ede)
{
	o->verdict = verdict;
	o->reason = reason;
	o->ede = ede;
	o->key_id = 0;
	o->key = NULL;
}

/* --- life cycle ----------------------------------------------------- */

struct an_validator *an_validator_new(struct an_db *db, const struct an_anchors *anchors)
{
	struct an_validator *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->db = db;
	v->ks = an_keystore_new();
	v->arena = st_arena_new(VAL_ARENA_BUDGET);
	v->pend = calloc(AN_VAL_PENDING_MAX, sizeof(*v->pend));
	v->firsts = calloc(VAL_FIRSTS_MAX, sizeof(*v->firsts));
	v->rds = calloc(AN_CANON_MAX_RRS, sizeof(*v->rds));
	v->denial_ok = calloc(VAL_MAX_RRS, 1);
	v->md = EVP_MD_CTX_new();
	v->cluster = an_cluster_new();
	an_buf_init(&v->signed_data, 0);
	if (!v->ks || !v->arena || !v->pend || !v->firsts || !v->rds || !v->md || !v->cluster || !v->denial_ok ||
	    an_sigcheck_init(&v->sc, 0, 0, 1) != ST_OK) {
		an_validator_free(v);
		return NULL;
	}
	v->grace_ns = AN_VAL_GRACE_NS;
	for (size_t i = 0; anchors && i < anchors->n; i++)
		an_keystore_add_ds(v->ks, &anchors->a[i].zone, anchors->a[i].rdata,
				   anchors->a[i].rdlen, true);
	return v;
}

void an_validator_free(struct an_validator *v)
{
	if (!v)
		return;
	for (size_t i = 0; v->pend && i < v->pcount; i++)
		free(v->pend[(v->phead + i) % AN_VAL_PENDING_MAX].wire);
	free(v->pend);
	free(v->firsts);
	free(v->rds);
	free(v->denial_ok);
	EVP_MD_CTX_free(v->md);
	an_cluster_free(v->cluster);
	an_keystore_free(v->ks);
	an_sigcheck_clear(&v->sc);
	an_buf_clear(&v->signed_data);
	st_arena_free(v->arena);
	free(v);
}

void an_validator_set_grace(struct an_validator *v, int64_t grace_ns)
{
	v->grace_ns = grace_ns > 0 ? grace_ns : AN_VAL_GRACE_NS;
}

const struct an_val_stats *an_validator_stats(const struct an_validator *v)
{
	return &v->st;
}

/* --- findings ------------------------------------------------------- */

/* True the first time (kind, zone, tag) is seen: findings mark the first
 * frame of each problem, the counts are in sig_checks. */
static int first_time(struct an_validator *v, const char *kind, const char *zone, int tag)
{
	uint64_t h = 1469598103934665603ull;
	for (const char *p = kind; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	for (const char *p = zone; p && *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	h = (h ^ (uint64_t)(tag + 1)) * 1099511628211ull;
	h |= 1; /* 0 marks an empty slot */
	size_t i = h % VAL_FIRSTS_MAX;
	for (size_t n = 0; n < VAL_FIRSTS_MAX; n++, i = (i + 1) % VAL_FIRSTS_MAX) {
		if (v->firsts[i] == h)
			return 0;
		if (v->firsts[i] == 0) {
			if (v->nfirsts * 2 > VAL_FIRSTS_MAX)
				return 0; /* full: no more findings of this sort */
			v->firsts[i] = h;
			v->nfirsts++;
			return 1;
		}
	}
	return 0;
}

void an_val_finding(struct an_validator *v, const struct val_ref *r, const char *kind,
		    const char *zone, int tag, const char *detail)
{
	if (!first_time(v, kind, zone, tag))
		return;
	struct an_db_finding f = { kind, zone, tag, detail, r->file, r->frame, r->msg_id, r->ts_ns };
	if (an_db_add_finding(v->db, &f) != ST_OK)
		v->err = ST_EDB;
}

/* --- the key store side ----------------------------------------------- */

static void store_key(struct an_validator *v, const struct val_ref *r, const struct dec_name *zone,
		      struct an_key *k)
{
	char ztext[DEC_NAME_TEXT_MAX], fp[65];
	struct dec_name lower = *zone;
	dec_name_lower(&lower);
	dec_name_to_text(&lower, ztext, sizeof(ztext));
	for (int i = 0; i < 32; i++)
		snprintf(fp + 2 * i, 3, "%02x", k->fingerprint[i]);
	struct an_db_key row = {
		.zone = ztext, .fingerprint = fp, .tag = k->dk.tag, .flags = k->dk.flags,
		.algorithm = k->dk.algorithm, .key_bits = (int)(k->dk.key_len * 8),
		.first_ts_ns = k->first_ns, .last_ts_ns = k->last_ns, .seen = k->seen,
		.ttl = k->ttl, .tag_collision = k->tag_collision,
		.rdata = k->rdata, .rdlen = k->rdlen,
	};
	int64_t id = an_db_add_key(v->db, &row);
	if (id < 0) {
		v->err = ST_EDB;
		return;
	}
	k->db_id = id;
	v->st.keys++;
	if (k->tag_collision) {
		char detail[160];
		snprintf(detail, sizeof(detail), "published DNSKEYs share key tag %u (algorithm %u)",
			 k->dk.tag, k->dk.algorithm);
		an_val_finding(v, r, "published_tag_collision", ztext, k->dk.tag, detail);
	}
}

/* The RRs of one RRset type per owner, gathered from a response: the
 * unit the key store updates with (a DNSKEY or DS RRset replaces the
 * zone's previous one). */
#define VAL_SET_MAX 64

static size_t gather(const struct dec_msg *m, uint16_t first, uint16_t type, int any_section,
		     const uint8_t **rd, uint16_t *len, uint16_t *idx)
{
	const struct dec_rr *f = &m->rr[first];
	size_t n = 0;
	for (uint16_t i = first; i < m->nrr && n < VAL_SET_MAX; i++) {
		const struct dec_rr *rr = &m->rr[i];
		if (rr->type != type || !val_same_owner(&rr->owner, &f->owner) ||
		    (!any_section && rr->section != f->section) || rr->section == DEC_SEC_QD)
			continue;
		rd[n] = m->wire + rr->rdata_off;
		len[n] = rr->rdlen;
		idx[n++] = i;
	}
	return n;
}

/* Whether an earlier RR of this type has the same owner (already done). */
static int seen_before(const struct dec_msg *m, uint16_t i, uint16_t type)
{
	for (uint16_t j = 0; j < i; j++)
		if (m->rr[j].type == type && m->rr[j].section != DEC_SEC_QD &&
		    val_same_owner(&m->rr[j].owner, &m->rr[i].owner))
			return 1;
	return 0;
}

static int ingest_dnskeys(struct an_validator *v, const struct val_ref *r, const struct dec_msg *m,
			  uint16_t first)
{
	const uint8_t *rd[VAL_SET_MAX];
	uint16_t len[VAL_SET_MAX], idx[VAL_SET_MAX];
	size_t n = gather(m, first, DEC_T_DNSKEY, 0, rd, len, idx);
	int fresh = 0;
	for (size_t k = 0; k < n; k++) {
		const struct dec_rr *rr = &m->rr[idx[k]];
		bool is_new = false;
		int err = ST_OK;
		struct an_key *key = an_keystore_add(v->ks, &rr->owner, rd[k], len[k], rr->ttl,
						     r->ts_ns, &is_new, &err);
		if (err)
			v->err = err;
		if (key && is_new) {
			store_key(v, r, &rr->owner, key);
			fresh++;
		}
	}
	if (an_keystore_publish(v->ks, &m->rr[first].owner, rd, len, n))
		fresh++;
	return fresh;
}

/* DNSKEY RRsets (answer section) and DS RRsets (answer, or authority in
 * a referral) enter the key store; returns how many keys were new or
 * whether a published set changed. */
static int ingest_keys(struct an_validator *v, const struct val_ref *r, const struct dec_msg *m)
{
	int fresh = 0;
	int referral = !m->aa && m->nsec[DEC_SEC_AN] == 0;
	for (uint16_t i = 0; i < m->nrr && !v->err; i++) {
		const struct dec_rr *rr = &m->rr[i];
		if (referral && rr->type == DEC_T_NS && rr->section == DEC_SEC_NS) {
			/* A zone cut: data below it belongs to that zone, signed or
			 * not, not to the parent (for the missing-RRSIG check). */
			struct an_zone_keys *z = an_keystore_zone_rw(v->ks, &rr->owner);
			if (z)
				z->is_cut = true;
			continue;
		}
		if (rr->type == DEC_T_DNSKEY && rr->section == DEC_SEC_AN &&
		    !seen_before(m, i, DEC_T_DNSKEY)) {
			fresh += ingest_dnskeys(v, r, m, i);
		} else if (rr->type == DEC_T_DS && (rr->section == DEC_SEC_AN || rr->section == DEC_SEC_NS) &&
			   !seen_before(m, i, DEC_T_DS)) {
			const uint8_t *rd[VAL_SET_MAX];
			uint16_t len[VAL_SET_MAX], idx[VAL_SET_MAX];
			size_t n = gather(m, i, DEC_T_DS, 1, rd, len, idx);
			if (an_keystore_set_ds(v->ks, &rr->owner, rd, len, n) == ST_ENOMEM)
				v->err = ST_ENOMEM;
		}
	}
	return fresh;
}

/* Candidate keys for an RRSIG: the signer's keys with its tag and
 * algorithm, at most AN_VAL_MAX_KEYS_PER_RRSIG. Returns how many exist in
 * all (so the caller can tell "none" from "capped"). */
static size_t candidates(const struct an_validator *v, const struct dec_rrsig *sig,
			 struct an_key **out, size_t *nout, int *zone_known)
{
	const struct an_zone_keys *z = an_keystore_zone(v->ks, &sig->signer);
	size_t total = 0;
	*nout = 0;
	/* Known means a DNSKEY RRset was seen: a zone entry made by a trust
	 * anchor or a DS record alone says nothing about its keys. */
	*zone_known = z != NULL && z->nkeys > 0;
	for (unsigned i = 0; z && i < z->nkeys; i++) {
		if (!z->keys[i].published || z->keys[i].dk.tag != sig->key_tag ||
		    z->keys[i].dk.algorithm != sig->algorithm)
			continue;
		if (*nout < AN_VAL_MAX_KEYS_PER_RRSIG)
			out[(*nout)++] = &z->keys[i];
		total++;
	}
	return total;
}

/* --- one RRSIG -------------------------------------------------------- */

/* The RDATAs of the RRset the RRSIG at index si covers (same section,
 * owner, class and type). Returns how many; 0 when the RRset is absent. */
static size_t rrset_of(const struct dec_msg *m, uint16_t si, uint16_t covered,
		       struct an_wire *rds, size_t max)
{
	const struct dec_rr *sig = &m->rr[si];
	size_t n = 0;
	for (uint16_t j = 0; j < m->nrr && n < max; j++) {
		const struct dec_rr *rr = &m->rr[j];
		if (rr->type != covered || rr->section != sig->section ||
		    rr->rclass != sig->rclass || !val_same_owner(&rr->owner, &sig->owner))
			continue;
		rds[n++] = (struct an_wire){ m->wire, m->len, rr->rdata_off, rr->rdlen };
	}
	return n;
}

/* Tries the candidate keys; the first valid one wins, otherwise the most
 * telling failure (a window failure means the crypto was right). */
static void try_keys(struct an_validator *v, const struct dec_rrsig *sig, struct an_key **keys,
		     size_t nkeys, uint32_t at, uint64_t *budget, struct val_outcome *o)
{
	struct an_result best = { .verdict = AN_BOGUS, .reason = AN_R_SIG_BAD, .ede = 6 };
	for (size_t i = 0; i < nkeys; i++) {
		if (*budget == 0) {
			best = (struct an_result){ .verdict = AN_INDETERMINATE, .reason = AN_R_LIMIT,
						   .ede = AN_EDE_DNSSEC_INDETERMINATE };
			v->st.limit_hits++;
			break;
		}
		uint64_t ops = v->sc.crypto_ops;
		struct an_result res;
		an_sigcheck_verify(&v->sc, sig, &keys[i]->dk, v->signed_data.data,
				   v->signed_data.len, at, &res);
		uint64_t used = v->sc.crypto_ops - ops;
		*budget = used >= *budget ? 0 : *budget - used;
		if (res.verdict == AN_VALID) {
			outcome_set(o, "valid", "valid", -1);
			o->key_id = keys[i]->db_id;
			o->key = keys[i];
			return;
		}
		if (res.reason != AN_R_SIG_BAD || best.reason == AN_R_SIG_BAD)
			best = res;
	}
	outcome_set(o, verdict_name(best.verdict), reason_code(best.reason), best.ede);
}

static void check_rrsig(struct an_validator *v, const struct val_ref *r, const struct dec_msg *m,
			uint16_t si, uint64_t *budget, struct val_outcome *o, struct dec_rrsig *sig)
{
	struct an_wire *rds = v->rds;
	const char *why = NULL;
	outcome_set(o, "bogus", "rrsig_malformed", AN_EDE_DNSSEC_BOGUS);
	/* record() reads the fields of a malformed RRSIG too: never garbage. */
	memset(sig, 0, sizeof(*sig));
	sig->signer.len = 1;
	if (dec_rrsig_parse(m, &m->rr[si], sig, &why) != ST_OK)
		return;
	size_t n = rrset_of(m, si, sig->type_covered, rds, AN_CANON_MAX_RRS);
	if (n == 0) {
		o->verdict = NULL; /* nothing to validate: not a check */
		v->st.no_rrset++;
		return;
	}
	if (!dec_name_is_subdomain(&m->rr[si].owner, &sig->signer)) {
		outcome_set(o, "bogus", "signer_not_ancestor", AN_EDE_DNSSEC_BOGUS);
		return;
	}
	struct an_wire sw = { m->wire, m->len, m->rr[si].rdata_off, m->rr[si].rdlen };
	int rc = an_canon_signed_data(&v->signed_data, &sw, &m->rr[si].owner, sig->type_covered,
				      m->rr[si].rclass, rds, n, &why);
	if (rc == ST_ENOMEM) {
		v->err = ST_ENOMEM;
		return;
	}
	if (rc != ST_OK) {
		outcome_set(o, rc == ST_ELIMIT ? "indeterminate" : "bogus",
			    rc == ST_ELIMIT ? "work_limit" : "labels_invalid",
			    rc == ST_ELIMIT ? AN_EDE_DNSSEC_INDETERMINATE : AN_EDE_DNSSEC_BOGUS);
		return;
	}
	struct an_key *keys[AN_VAL_MAX_KEYS_PER_RRSIG];
	size_t nkeys;
	int zone_known;
	size_t total = candidates(v, sig, keys, &nkeys, &zone_known);
	if (total == 0) {
		/* A zone whose keys were seen but none with this tag: the key is
		 * missing (EDE 9). Keys never seen: the capture cannot tell. */
		if (zone_known)
			outcome_set(o, "bogus", "key_missing", AN_EDE_DNSKEY_MISSING);
		else
			outcome_set(o, "indeterminate", "key_not_seen", AN_EDE_DNSKEY_MISSING);
		return;
	}
	try_keys(v, sig, keys, nkeys, (uint32_t)(r->ts_ns / 1000000000), budget, o);
	/* Not every key carrying the tag was tried (candidate cap), or the
	 * key store dropped keys of this zone (its cap): the signer may be
	 * one we did not try. That is a limit, not proof of a bad signature. */
	const struct an_zone_keys *z = an_keystore_zone(v->ks, &sig->signer);
	if (!strcmp(o->reason, "unpublished_key") && (total > nkeys || (z && z->key_cap_hit))) {
		outcome_set(o, "indeterminate", "work_limit", AN_EDE_DNSSEC_INDETERMINATE);
		v->st.limit_hits++;
		an_val_finding(v, r, "work_limit", NULL, -1,
			"more keys carry the RRSIG's tag than the candidate or key-store cap allows");
	}
}

/* --- recording -------------------------------------------------------- */

/* A distinct ECDSA signature that fails under the published key with its
 * tag: recover the keys that could have made it (the signed data is still
 * in v->signed_data) and count them. Budgeted like verification
 * (THREATS F14): at most AN_VAL_MAX_RECOVER in a whole run, and only once
 * per distinct signature. */
static void recover_signer(struct an_validator *v, const struct val_ref *r,
			   const struct dec_rrsig *sig)
{
	if ((sig->algorithm != 13 && sig->algorithm != 14) || v->recoveries >= AN_VAL_MAX_RECOVER)
		return;
	struct an_ec_candidate cand[AN_ECRECOVER_MAX];
	uint64_t ops = 0;
	v->recoveries++;
	int n = an_ecrecover(sig->algorithm, sig->sig, sig->sig_len, v->signed_data.data,
			     v->signed_data.len, cand, &ops);
	v->st.recovery_ops += ops;
	if (n > 0 && an_cluster_add(v->cluster, &sig->signer, sig->algorithm, sig->key_tag,
				    cand, n, r->ts_ns) != ST_OK)
		v->err = ST_ENOMEM;
}

/* A valid RRSIG over a DNSKEY RRset by one of the zone's own keys makes
 * that key a candidate entry point; a valid RRSIG over a DS RRset makes
 * the DS usable if its signer turns out secure (analyze/chain.h). */
static void note_trust(struct an_validator *v, const struct dec_msg *m, uint16_t si,
		       const struct dec_rrsig *sig, const struct val_outcome *o)
{
	const struct dec_name *owner = &m->rr[si].owner;
	if (sig->type_covered == DEC_T_DNSKEY && o->key && val_same_owner(owner, &sig->signer)) {
		if (!o->key->signs_keyset) {
			o->key->signs_keyset = true;
			an_keystore_touch(v->ks);
		}
	} else if (sig->type_covered == DEC_T_DS) {
		struct an_zone_keys *z = an_keystore_find(v->ks, owner);
		if (z && (!z->ds_validated || !val_same_owner(&z->ds_signer, &sig->signer))) {
			z->ds_validated = true;
			z->ds_signer = sig->signer;
			dec_name_lower(&z->ds_signer);
			an_keystore_touch(v->ks);
		}
	}
}

/* The chain-of-trust view of one check: a failing signature in a zone
 * proven secure is what makes a validator answer SERVFAIL. */
static const char *chain_of(struct an_validator *v, const struct dec_rrsig *sig, int valid)
{
	enum an_chain c = an_chain_zone(v->ks, &sig->signer);
	if (c == AN_CHAIN_SECURE)
		return valid ? "secure" : "bogus";
	return an_chain_name(c);
}

const char *an_val_worse(const char *a, const char *b)
{
	static const char *const order[] = { "secure", "insecure", "indeterminate", "bogus" };
	int ia = 0, ib = 0;
	for (int i = 0; i < 4; i++) {
		if (a && !strcmp(a, order[i]))
			ia = i;
		if (!strcmp(b, order[i]))
			ib = i;
	}
	return !a || ib > ia ? b : a;
}

static void record(struct an_validator *v, struct val_ref *r, const struct dec_msg *m,
		   uint16_t si, const struct dec_rrsig *sig, const struct val_outcome *o)
{
	char zone[DEC_NAME_TEXT_MAX], owner[DEC_NAME_TEXT_MAX];
	struct dec_name signer = sig->signer, own = m->rr[si].owner;
	dec_name_lower(&signer);
	dec_name_lower(&own);
	dec_name_to_text(&signer, zone, sizeof(zone));
	dec_name_to_text(&own, owner, sizeof(owner));
	/* A signature is its owner plus its RDATA: the same RRSIG re-sent in
	 * a thousand responses is one row with a thousand uses. */
	uint8_t digest[EVP_MAX_MD_SIZE];
	unsigned dlen = 0;
	if (!EVP_DigestInit_ex(v->md, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(v->md, own.wire, own.len) ||
	    !EVP_DigestUpdate(v->md, m->wire + m->rr[si].rdata_off, m->rr[si].rdlen) ||
	    !EVP_DigestFinal_ex(v->md, digest, &dlen)) {
		v->err = ST_ENOMEM;
		return;
	}
	int valid = strcmp(o->verdict, "valid") == 0;
	struct an_db_sig g = {
		.hash = digest, .zone = zone, .owner = owner,
		.type_covered = sig->type_covered, .key_tag = sig->key_tag,
		.algorithm = sig->algorithm, .labels = sig->labels, .orig_ttl = sig->orig_ttl,
		.inception = sig->inception, .expiration = sig->expiration,
		.ts_ns = r->ts_ns, .valid = valid, .reason = o->reason, .ede = o->ede,
		.key_id = o->key_id,
	};
	int64_t uses = 0;
	if (valid)
		note_trust(v, m, si, sig, o);
	const char *chain = chain_of(v, sig, valid);
	if (!strcmp(chain, "bogus")) {
		v->st.chain_bogus++;
		/* A good signature in a zone whose DS matches none of its
		 * published keys: the DS-mismatch incident (EDE 9). */
		const char *why = valid ? "ds_mismatch" : o->reason;
		int ede = valid ? AN_EDE_DNSKEY_MISSING : o->ede >= 0 ? o->ede : AN_EDE_DNSSEC_BOGUS;
		if (!r->bogus_reason) {
			r->bogus_reason = why;
			r->bogus_ede = ede;
		}
		if (valid)
			an_val_finding(v, r, "ds_mismatch", zone, -1,
				"no published DNSKEY of the zone matches its trusted DS: chain of trust broken");
	}
	if (m->rr[si].section != DEC_SEC_AR)
		r->worst = an_val_worse(r->worst, chain);
	/* The use count costs a wait for the database writer: ask for it
	 * only where it matters (first use of a signature to recover from). */
	int want_uses = !valid && o->reason && !strcmp(o->reason, "unpublished_key");
	int64_t sid = an_db_use_signature(v->db, &g, want_uses ? &uses : NULL);
	if (sid < 0 || an_db_add_sig_check(v->db, r->msg_id, sid, r->ts_ns, r->server,
					   o->verdict, o->reason, o->ede, chain) != ST_OK) {
		v->err = ST_EDB;
		return;
	}
	if (valid) {
		v->st.valid++;
		return;
	}
	if (!strcmp(o->verdict, "bogus"))
		v->st.bogus++;
	else if (!strcmp(o->verdict, "unsupported"))
		v->st.unsupported++;
	else
		v->st.indeterminate++;
	if (want_uses && uses == 1)
		recover_signer(v, r, sig);
	char detail[2 * DEC_NAME_TEXT_MAX + 128];
	snprintf(detail, sizeof(detail), "%s: RRSIG %s by %s key tag %u algorithm %u, from %s",
		 o->reason, owner, zone, sig->key_tag, sig->algorithm, r->server);
	an_val_finding(v, r, o->reason, zone, sig->key_tag, detail);
}

/* --- one response ----------------------------------------------------- */

/* True when some RRSIG's signer has no key with its tag and algorithm yet:
 * worth waiting for the DNSKEY response that usually follows. */
static int lacks_keys(const struct an_validator *v, const struct dec_msg *m)
{
	for (uint16_t i = 0; i < m->nrr; i++) {
		if (m->rr[i].type != DEC_T_RRSIG || m->rr[i].section == DEC_SEC_QD)
			continue;
		struct dec_rrsig sig;
		const char *why;
		if (dec_rrsig_parse(m, &m->rr[i], &sig, &why) != ST_OK)
			continue;
		struct an_key *keys[AN_VAL_MAX_KEYS_PER_RRSIG];
		size_t n;
		int known;
		if (candidates(v, &sig, keys, &n, &known) == 0)
			return 1;
	}
	return 0;
}

static void validate_response(struct an_validator *v, const struct val_ref *ref,
			      const struct dec_msg *m)
{
	struct val_ref rr = *ref, *r = &rr;
	r->worst = NULL;
	r->bogus_reason = NULL;
	r->bogus_ede = -1;
	uint64_t budget = AN_VAL_MAX_CRYPTO_PER_RESPONSE;
	unsigned looked = 0;
	memset(v->denial_ok, 0, m->nrr < VAL_MAX_RRS ? m->nrr : VAL_MAX_RRS);
	int counted = 0;
	for (uint16_t i = 0; i < m->nrr && !v->err; i++) {
		if (m->rr[i].type != DEC_T_RRSIG || m->rr[i].section == DEC_SEC_QD)
			continue;
		if (!counted++)
			v->st.responses++;
		struct val_outcome o;
		struct dec_rrsig sig;
		if (looked++ >= AN_VAL_MAX_RRSIGS_PER_RESPONSE || budget == 0) {
			v->st.limit_hits++;
			for (uint16_t k = i; k < m->nrr; k++) /* the rest is indeterminate */
				if (m->rr[k].type == DEC_T_RRSIG && m->rr[k].section != DEC_SEC_QD)
					v->st.indeterminate++;
			an_val_finding(v, r, "work_limit", NULL, -1,
				"RRSIGs or crypto operations per response over the cap: the rest is indeterminate");
			break;
		}
		v->st.rrsigs++;
		check_rrsig(v, r, m, i, &budget, &o, &sig);
		if (o.verdict)
			record(v, r, m, i, &sig, &o);
		if (o.verdict && !strcmp(o.verdict, "valid") &&
		    (sig.type_covered == DEC_T_NSEC || sig.type_covered == DEC_T_NSEC3))
			an_val_mark_denial(v, m, i, &sig);
	}
	an_val_check_unsigned(v, r, m);
	an_val_check_denial(v, r, m);
	/* What a validating resolver should have concluded from this answer. */
	if (r->worst && !v->err &&
	    an_db_add_response_verdict(v->db, r->msg_id, r->worst, r->bogus_reason,
				       r->bogus_ede) != ST_OK)
		v->err = ST_EDB;
}

static int has_rrsig(const struct dec_msg *m)
{
	for (uint16_t i = 0; i < m->nrr; i++)
		if (m->rr[i].type == DEC_T_RRSIG && m->rr[i].section != DEC_SEC_QD)
			return 1;
	return 0;
}

/* --- waiting for keys ------------------------------------------------- */

static struct val_pending *pend_at(struct an_validator *v, size_t i)
{
	return &v->pend[(v->phead + i) % AN_VAL_PENDING_MAX];
}

static void pend_pop(struct an_validator *v)
{
	struct val_pending *p = pend_at(v, 0);
	v->pbytes -= p->len;
	free(p->wire);
	p->wire = NULL;
	v->phead = (v->phead + 1) % AN_VAL_PENDING_MAX;
	v->pcount--;
}

/* Re-decodes a waiting response from its copy and validates it. */
static void pend_validate(struct an_validator *v, const struct val_pending *p)
{
	struct dec_msg m;
	st_arena_reset(v->arena);
	if (dec_msg_parse(&m, p->wire, p->len, v->arena) == ST_ENOMEM) {
		v->err = ST_ENOMEM;
		return;
	}
	validate_response(v, &p->ref, &m);
}

/* Validates, oldest first, the waiting responses whose grace is over at
 * now_ns (all of them when flush). */
static void pend_drain(struct an_validator *v, int64_t now_ns, int flush)
{
	while (v->pcount && !v->err) {
		struct val_pending *p = pend_at(v, 0);
		int64_t age;
		/* Hostile timestamps may be anywhere in int64: no overflow. */
		if (!flush && !__builtin_sub_overflow(now_ns, p->ref.ts_ns, &age) &&
		    age < v->grace_ns)
			break;
		pend_validate(v, p);
		pend_pop(v);
	}
}

/* New keys arrived: responses that now have all their keys go first.
 * The rest keep waiting, in order (rebuilt in place). */
static void pend_retry(struct an_validator *v)
{
	size_t n = v->pcount, kept = 0;
	for (size_t i = 0; i < n && !v->err; i++) {
		struct val_pending p = *pend_at(v, i);
		struct dec_msg m;
		st_arena_reset(v->arena);
		if (dec_msg_parse(&m, p.wire, p.len, v->arena) != ST_ENOMEM && !lacks_keys(v, &m)) {
			validate_response(v, &p.ref, &m);
			v->pbytes -= p.len;
			free(p.wire);
			continue;
		}
		*pend_at(v, kept++) = p;
	}
	v->pcount = kept;
}

static int pend_push(struct an_validator *v, const struct val_ref *r, const struct cap_msg *cm)
{
	while (v->pcount && (v->pcount == AN_VAL_PENDING_MAX ||
			     v->pbytes + cm->len > AN_VAL_PENDING_BYTES)) {
		/* Full: the oldest is validated now, with what is known. */
		v->st.pending_evicted++;
		pend_validate(v, pend_at(v, 0));
		pend_pop(v);
	}
	uint8_t *copy = malloc(cm->len ? cm->len : 1);
	if (!copy)
		return v->err = ST_ENOMEM;
	memcpy(copy, cm->wire, cm->len);
	struct val_pending *p = pend_at(v, v->pcount++);
	p->ref = *r;
	p->wire = copy;
	p->len = cm->len;
	v->pbytes += cm->len;
	v->st.deferred++;
	return ST_OK;
}

/* --- entry points ------------------------------------------------------ */

int an_validator_message(struct an_validator *v, const struct cap_msg *cm,
			 const struct dec_msg *m, int64_t msg_id)
{
	pend_drain(v, cm->ts_ns, 0);
	if (!m->qr || m->len < 12 || m->tc)
		return v->err;
	struct val_ref r = { cm->ts_ns, cm->file, cm->frame, msg_id, "", NULL, NULL, -1 };
	cap_endpoint_addr(&cm->src, r.server);
	int fresh = ingest_keys(v, &r, m);
	if (has_rrsig(m) && lacks_keys(v, m))
		return pend_push(v, &r, cm);
	/* A DNSKEY response first: its key-set signature is what makes the
	 * zone secure for the responses that waited for it. */
	validate_response(v, &r, m);
	if (fresh > 0 && v->pcount)
		pend_retry(v);
	return v->err;
}

static void store_zone_keys(void *ctx, struct an_zone_keys *z)
{
	struct an_validator *v = ctx;
	char ztext[DEC_NAME_TEXT_MAX];
	dec_name_to_text(&z->zone, ztext, sizeof(ztext));
	for (unsigned i = 0; i < z->nkeys && !v->err; i++) {
		struct an_key *k = &z->keys[i];
		struct an_db_key row = { .zone = ztext, .last_ts_ns = k->last_ns, .seen = k->seen,
					 .ttl = k->ttl, .tag_collision = k->tag_collision };
		if (k->db_id > 0 && an_db_update_key(v->db, k->db_id, &row) != ST_OK)
			v->err = ST_EDB;
	}
}

static void store_recovered(void *ctx, const struct an_cluster_key *k);

int an_validator_finish(struct an_validator *v)
{
	pend_drain(v, 0, 1);
	an_keystore_each(v->ks, store_zone_keys, v);
	/* A candidate behind two or more distinct failing signatures is a
	 * real key; the other candidates of each signature are noise. */
	an_cluster_each(v->cluster, 2, store_recovered, v);
	v->st.crypto_ops = v->sc.crypto_ops;
	v->st.memo_hits = v->sc.memo_hits;
	v->st.keystore_limited = an_keystore_limited(v->ks);
	return v->err;
}

/* --- unpublished keys, at the end ------------------------------------- */

static void store_recovered(void *ctx, const struct an_cluster_key *k)
{
	struct an_validator *v = ctx;
	if (v->err)
		return;
	char zone[DEC_NAME_TEXT_MAX], fp[65];
	dec_name_to_text(&k->zone, zone, sizeof(zone));
	/* Fingerprint of the DNSKEY this key would be as a ZSK, to compare
	 * with keys.fingerprint and with what a signer's key files say. */
	uint8_t rdata[4 + 96], digest[EVP_MAX_MD_SIZE];
	unsigned dlen = 0;
	rdata[0] = 1;
	rdata[1] = 0;
	rdata[2] = 3;
	rdata[3] = k->algorithm;
	memcpy(rdata + 4, k->key, k->key_len);
	if (!EVP_Digest(rdata, 4u + k->key_len, digest, &dlen, EVP_sha256(), NULL)) {
		v->err = ST_ENOMEM;
		return;
	}
	for (unsigned i = 0; i < 32; i++)
		snprintf(fp + 2 * i, 3, "%02x", digest[i]);
	struct an_db_recovered row = {
		.zone = zone, .fingerprint = fp, .algorithm = k->algorithm,
		.signature_tag = k->sig_tag, .tag_zsk = k->tag_zsk, .tag_ksk = k->tag_ksk,
		.key = k->key, .key_len = k->key_len, .signatures = k->signatures,
		.first_ts_ns = k->first_ns, .last_ts_ns = k->last_ns,
	};
	if (an_db_add_recovered(v->db, &row) != ST_OK)
		v->err = ST_EDB;
	v->st.recovered_keys++;
}
