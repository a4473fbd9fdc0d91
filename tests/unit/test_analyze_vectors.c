/* tests/unit/test_analyze_vectors.c -- RFC test vectors through the whole
 * cryptographic core: canonical signed data (canon.c), key cache
 * (pkey.c), verification (sigcheck.c), window (serial.c), key tags.
 *
 * Sources (texts quoted from the RFCs; see the final report for how each
 * was found):
 *   RFC 4034 5.4       dskey.example.com DNSKEY, key id 60485
 *   RFC 4034 2.3/3.3   example.com DNSKEY 256 3 5, tag 2642 (the RRSIG
 *                      example in 3.3 names it)
 *   RFC 5702 6.1, 6.2  RSASHA256 (tag 9033), RSASHA512 (tag 3740)
 *   RFC 6605 6.1, 6.2  ECDSA P-256 (55648), P-384 (10771)
 *   RFC 8080 6.1, 6.2  Ed25519 (3613, 35217), Ed448 (9713, 38353) as
 *                      corrected by erratum 4935 (algorithm field present,
 *                      labels 2 instead of 3)
 * ECDSA signatures are randomized, so the vectors check verification only.
 * Each vector: valid inside its window, expired one second after, not yet
 * valid one second before; a flipped signature bit and a changed RRset do
 * not verify (EDE 6). */
#include <ldns/ldns.h>

#include "analyze/canon.h"
#include "analyze/ecrecover.h"
#include "analyze/keyshape.h"
#include "analyze/sigcheck.h"
#include "util/err.h"
#include "tests/tap.h"
#include "tests/unit/analyze_testutil.h"

struct vec {
	const char *name;
	const char *owner, *rr;     /* the RRset: one RR's type + rdata */
	const char *key_owner, *dnskey;
	const char *rrsig;
	uint16_t tag;
	const char *other_rr;       /* a different RRset the sig must not cover */
};

static const struct vec vecs[] = {
	{ "RFC 5702 6.1 RSASHA256", "www.example.net.", "A 192.0.2.91", "example.net.",
	  "256 3 8 AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8P"
	  "kxUdp6p/DlUmObdk=",
	  "A 8 3 3600 20300101000000 20000101000000 9033 example.net. kRCOH6u7l0QGy9qpC9"
	  "l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEacFYK/lPtPiVYP4bwg==",
	  9033, "A 192.0.2.92" },
	{ "RFC 5702 6.2 RSASHA512", "www.example.net.", "A 192.0.2.91", "example.net.",
	  "256 3 10 AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6pnWnjJQujX/AyhqFD"
	  "xj13tOnD9u/1kTg7cV6rklMrZDtJCQ5PCl/D7QNPsgVsMu1J2Q8gpMpztNFLpPBz1bWXjDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL",
	  "A 10 3 3600 20300101000000 20000101000000 3740 example.net. tsb4wnjRUDnB1BUi+t"
	  "6TMTXThjVnG+eCkWqjvvjhzQL1d0YRoOe0CbxrVDYd0xDtsuJRaeUw1ep94PzEWzr0iGYgZBWm/zpq+9fOuagYJRfDqfReKBzMweOL"
	  "DiNa8iP5g9vMhpuv6OPlvpXwm9Sa9ZXIbNl1MBGk0fthPgxdDLw=",
	  3740, "A 192.0.2.92" },
	{ "RFC 6605 6.1 ECDSAP256SHA256", "www.example.net.", "A 192.0.2.1", "example.net.",
	  "257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==",
	  "A 13 3 3600 20100909100439 20100812100439 55648 example.net. qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXA"
	  "yGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==",
	  55648, "A 192.0.2.2" },
	{ "RFC 6605 6.2 ECDSAP384SHA384", "www.example.net.", "A 192.0.2.1", "example.net.",
	  "257 3 14 xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8"
	  "/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40",
	  "A 14 3 3600 20100909102025 20100812102025 10771 example.net. /L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP"
	  "95hxQouuroGCeZOvzFaxsT8Glr74hbavRKayJNuydCuzWTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm",
	  10771, "A 192.0.2.2" },
	{ "RFC 8080 6.1 Ed25519 #1 (erratum 4935)", "example.com.", "MX 10 mail.example.com.", "example.com.",
	  "257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
	  "MX 15 2 3600 1440021600 1438207200 3613 example.com. oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3f"
	  "x8A4M3e23mRZ9VrbpMngwcrqNAg==",
	  3613, "MX 11 mail.example.com." },
	{ "RFC 8080 6.1 Ed25519 #2 (erratum 4935)", "example.com.", "MX 10 mail.example.com.", "example.com.",
	  "257 3 15 zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=",
	  "MX 15 2 3600 1440021600 1438207200 35217 example.com. zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQ"
	  "oSm5poJ7gD7AQR0O7KuI5k2pcBg==",
	  35217, "MX 11 mail.example.com." },
	{ "RFC 8080 6.2 Ed448 #1 (erratum 4935)", "example.com.", "MX 10 mail.example.com.", "example.com.",
	  "257 3 16 3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/OiBVHHSfPodx1FYYUcJKm1MDpJtIA",
	  "MX 16 2 3600 1440021600 1438207200 9713 example.com. 3cPAHkmlnxcDHMyg7vFC34l0blBhuG1qpwLmjInI8w1CMB29FkEAIJUA0am"
	  "xWndkmnBZ6SKiwZSAxGILn/NBtOXft0+Gj7FSvOKxE/07+4RQvE581N3Aj/JtIyaiYVdnYtyMWbSNyGEY2213WKsJlwEA",
	  9713, "MX 11 mail.example.com." },
	{ "RFC 8080 6.2 Ed448 #2 (erratum 4935)", "example.com.", "MX 10 mail.example.com.", "example.com.",
	  "257 3 16 kkreGWoccSDmUBGAe7+zsbG6ZAFQp+syPmYUurBRQc3tDjeMCJcVMRDmgcNLp5HlHAMy12VoISsA",
	  "MX 16 2 3600 1440021600 1438207200 38353 example.com. E1/oLjSGIbmLny/4fcgM1z4oL6aqo+izT3urCyHyvEp4Sp8Syg1eI+lJ57C"
	  "SnZqjJP41O/9l4m0AsQ4f7qI1gVnML8vWWiyW2KXhT9kuAICUSxv5OWbf81Rq7Yu60npabODB0QFPb/rkW3kUZmQ0YQUA",
	  38353, "MX 11 mail.example.com." },
};

/* Wire RDATA of one presentation-format RR (owner given). */
static int rr_wire(const char *owner, const char *type_rdata, uint8_t *buf, size_t cap,
		   size_t *len)
{
	char line[2048];
	snprintf(line, sizeof line, "%s 3600 IN %s", owner, type_rdata);
	ldns_rr *rr = NULL;
	if (ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL) != LDNS_STATUS_OK)
		return -1;
	ldns_buffer *b = ldns_buffer_new(4096);
	size_t n = 0;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++)
		ldns_rdf2buffer_wire(b, ldns_rr_rdf(rr, i));
	n = ldns_buffer_position(b);
	int rc = n <= cap ? 0 : -1;
	if (!rc)
		memcpy(buf, ldns_buffer_begin(b), n);
	*len = n;
	ldns_buffer_free(b);
	ldns_rr_free(rr);
	return rc;
}

/* Fields of an RRSIG RDATA (no decoder needed). */
static void fill_rrsig(const uint8_t *rd, size_t len, struct dec_rrsig *s)
{
	memset(s, 0, sizeof(*s));
	s->type_covered = (uint16_t)(rd[0] << 8 | rd[1]);
	s->algorithm = rd[2];
	s->labels = rd[3];
	s->orig_ttl = (uint32_t)rd[4] << 24 | (uint32_t)rd[5] << 16 | (uint32_t)rd[6] << 8 | rd[7];
	s->expiration = (uint32_t)rd[8] << 24 | (uint32_t)rd[9] << 16 | (uint32_t)rd[10] << 8 | rd[11];
	s->inception = (uint32_t)rd[12] << 24 | (uint32_t)rd[13] << 16 | (uint32_t)rd[14] << 8 | rd[15];
	s->key_tag = (uint16_t)(rd[16] << 8 | rd[17]);
	size_t p = tu_skip_name(rd, len, 18);
	s->sig = rd + p;
	s->sig_len = len - p;
	s->rdata = rd;
	s->rdata_len = len;
}

static void fill_dnskey(const uint8_t *rd, size_t len, struct dec_dnskey *k)
{
	k->flags = (uint16_t)(rd[0] << 8 | rd[1]);
	k->protocol = rd[2];
	k->algorithm = rd[3];
	k->key = rd + 4;
	k->key_len = len - 4;
	k->tag = an_keytag(k->flags, k->protocol, k->algorithm, k->key, k->key_len);
}

static int signed_data(const struct vec *v, const char *rr, const uint8_t *sig, size_t slen,
		       struct an_buf *out)
{
	uint8_t rd[512];
	size_t rdl;
	if (rr_wire(v->owner, rr, rd, sizeof rd, &rdl))
		return -1;
	struct dec_name owner;
	tu_dname(v->owner, &owner);
	struct an_wire w = { rd, rdl, 0, rdl }, ws = { sig, slen, 0, slen };
	const char *why;
	uint16_t type = (uint16_t)(sig[0] << 8 | sig[1]);
	return an_canon_signed_data(out, &ws, &owner, type, 1, &w, 1, &why);
}

static void run_vec(struct an_sigcheck *sc, const struct vec *v)
{
	uint8_t krd[1024], srd[1024];
	size_t kl, sl;
	char kline[2048];
	snprintf(kline, sizeof kline, "DNSKEY %s", v->dnskey);
	char sline[2048];
	snprintf(sline, sizeof sline, "RRSIG %s", v->rrsig);
	if (rr_wire(v->key_owner, kline, krd, sizeof krd, &kl) ||
	    rr_wire(v->owner, sline, srd, sizeof srd, &sl)) {
		ok(0, "%s: ldns parses the vector", v->name);
		return;
	}
	struct dec_dnskey key;
	struct dec_rrsig sig;
	fill_dnskey(krd, kl, &key);
	fill_rrsig(srd, sl, &sig);
	is_int(key.tag, v->tag, "%s: key tag %u", v->name, v->tag);
	is_int(sig.key_tag, v->tag, "%s: RRSIG names the tag", v->name);

	struct an_buf data;
	an_buf_init(&data, 0);
	is_int(signed_data(v, v->rr, srd, sl, &data), ST_OK, "%s: signed data", v->name);
	struct an_result r;
	uint32_t mid = sig.inception + (sig.expiration - sig.inception) / 2;
	an_sigcheck_verify(sc, &sig, &key, data.data, data.len, mid, &r);
	is_int(r.reason, AN_R_OK, "%s: valid inside the window (%s)", v->name, r.why);
	an_sigcheck_verify(sc, &sig, &key, data.data, data.len, sig.inception, &r);
	is_int(r.reason, AN_R_OK, "%s: valid at inception", v->name);
	an_sigcheck_verify(sc, &sig, &key, data.data, data.len, sig.expiration + 1, &r);
	ok(r.reason == AN_R_EXPIRED && r.ede == 7 && r.verdict == AN_BOGUS,
	   "%s: expired 1 s after (EDE %u)", v->name, r.ede);
	an_sigcheck_verify(sc, &sig, &key, data.data, data.len, sig.inception - 1, &r);
	ok(r.reason == AN_R_NOT_YET_VALID && r.ede == 8, "%s: not yet valid 1 s before (EDE %u)",
	   v->name, r.ede);

	if (sig.algorithm == 13 || sig.algorithm == 14) {
		struct an_ec_candidate c[AN_ECRECOVER_MAX];
		int n = an_ecrecover(sig.algorithm, sig.sig, sig.sig_len, data.data, data.len, c, NULL);
		int found = 0;
		for (int i = 0; i < n; i++)
			found |= c[i].key_len == key.key_len &&
				 memcmp(c[i].key, key.key, key.key_len) == 0 &&
				 c[i].tag_ksk == v->tag;
		ok(found, "%s: the RFC's key (KSK tag %u) recovered from the RFC's signature",
		   v->name, v->tag);
	}
	/* flipped signature bit */
	uint8_t bad[1024];
	memcpy(bad, srd, sl);
	bad[sl - 10] ^= 0x01;
	struct dec_rrsig bsig;
	fill_rrsig(bad, sl, &bsig);
	an_sigcheck_verify(sc, &bsig, &key, data.data, data.len, mid, &r);
	ok(r.reason == AN_R_SIG_BAD && r.ede == 6 && r.key_tag == v->tag,
	   "%s: flipped bit does not verify (EDE %u, tag %u: %s)", v->name, r.ede, r.key_tag, r.why);
	/* different RRset */
	signed_data(v, v->other_rr, srd, sl, &data);
	an_sigcheck_verify(sc, &sig, &key, data.data, data.len, mid, &r);
	ok(r.reason == AN_R_SIG_BAD, "%s: other RRset (%s) does not verify", v->name, v->other_rr);
	an_buf_clear(&data);
}

int main(void)
{
	struct an_sigcheck sc;
	if (an_sigcheck_init(&sc, 0, 0, 1) != ST_OK)
		return 1;
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++)
		run_vec(&sc, &vecs[i]);

	/* RFC 4034 5.4 key id 60485 and the 2.3 example key named 2642 in 3.3 */
	uint8_t k[512];
	int n = tu_b64("AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZ"
		       "DRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9Xzc"
		       "nOf+EPbtG9DMBmADjFDc2w/rljwvFw==", k, sizeof k);
	is_int(an_keytag(256, 3, 5, k, (size_t)n), 60485, "RFC 4034 5.4: key id 60485");
	n = tu_b64("AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/0PY1kxkmvHjcZc8nokfzj31GajIQKY+5CptLr3buXA10h"
		   "WqTkF7H6RfoRqXQeogmMHfpftf6zMv1LyBUgia7za6ZEzOJBOztyvhjL742iU/TpPSEDhm2SNKLijfUppn1U"
		   "aNvv4w==", k, sizeof k);
	is_int(an_keytag(256, 3, 5, k, (size_t)n), 2642, "RFC 4034 2.3 key: tag 2642 (3.3)");
	diag("crypto ops %llu, memo hits %llu", (unsigned long long)sc.crypto_ops,
	     (unsigned long long)sc.memo_hits);
	ok(sc.memo_hits > 0, "repeated checks hit the memo");
	an_sigcheck_clear(&sc);
	an_keyshape_cleanup();
	return done_testing();
}
