/* analyze/sigcheck.c -- verify one RRSIG with one DNSKEY (see sigcheck.h). */
#include "analyze/sigcheck.h"

#include <string.h>

#include <openssl/err.h>

#include "analyze/keyshape.h"
#include "analyze/serial.h"
#include "util/err.h"

int an_sigcheck_init(struct an_sigcheck *sc, size_t max_keys, size_t memo_entries,
		     int use_memo)
{
	memset(sc, 0, sizeof(*sc));
	sc->keys = an_pkey_cache_new(max_keys);
	sc->memo = use_memo ? an_memo_new(memo_entries) : NULL;
	/* Fetch the digests once: an implicit fetch per EVP_DigestVerifyInit
	 * costs a lock and a lookup in OpenSSL 3. */
	sc->md_sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	sc->md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	sc->md_sha384 = EVP_MD_fetch(NULL, "SHA384", NULL);
	sc->md_sha512 = EVP_MD_fetch(NULL, "SHA512", NULL);
	if (!sc->keys || (use_memo && !sc->memo) || !sc->md_sha1 ||
	    !sc->md_sha256 || !sc->md_sha384 || !sc->md_sha512) {
		an_sigcheck_clear(sc);
		return ST_ENOMEM;
	}
	return ST_OK;
}

void an_sigcheck_clear(struct an_sigcheck *sc)
{
	an_pkey_cache_free(sc->keys);
	an_memo_free(sc->memo);
	EVP_MD_free(sc->md_sha1);
	EVP_MD_free(sc->md_sha256);
	EVP_MD_free(sc->md_sha384);
	EVP_MD_free(sc->md_sha512);
	memset(sc, 0, sizeof(*sc));
}

/* DER INTEGER of an unsigned big-endian number. */
static size_t der_int(const uint8_t *v, size_t n, uint8_t *out)
{
	while (n > 1 && v[0] == 0) {
		v++;
		n--;
	}
	size_t pad = v[0] & 0x80 ? 1 : 0;
	out[0] = 0x02;
	out[1] = (uint8_t)(n + pad);
	out[2] = 0;
	memcpy(out + 2 + pad, v, n);
	return 2 + pad + n;
}

/* RFC 6605 4: the signature is r||s, each half the size of the curve order.
 * Halves of at most 66 octets keep every DER length in the short form. */
size_t an_ecdsa_sig_to_der(const uint8_t *rs, size_t half, uint8_t *der, size_t cap)
{
	if (half == 0 || half > 66 || cap < 2 * (half + 3) + 2)
		return 0;
	size_t n = 2;
	n += der_int(rs, half, der + n);
	n += der_int(rs + half, half, der + n);
	der[0] = 0x30;
	der[1] = (uint8_t)(n - 2);
	return n;
}

static enum an_reason set(struct an_result *res, enum an_verdict v, enum an_reason r,
			  uint16_t ede, const char *why)
{
	res->verdict = v;
	res->reason = r;
	res->ede = ede;
	res->why = why ? why : an_reason_str(r);
	return r;
}

static size_t sig_len_for(uint8_t alg, const EVP_PKEY *pk)
{
	switch (alg) {
	case AN_ALG_ECDSAP256SHA256: return 64;
	case AN_ALG_ECDSAP384SHA384: return 96;
	case AN_ALG_ED25519: return 64;
	case AN_ALG_ED448: return 114;
	default: return (size_t)EVP_PKEY_get_size(pk); /* RSA: modulus octets */
	}
}

static const EVP_MD *md_for(const struct an_sigcheck *sc, uint8_t alg)
{
	switch (alg) {
	case AN_ALG_RSASHA1: case AN_ALG_RSASHA1_NSEC3_SHA1: return sc->md_sha1;
	case AN_ALG_RSASHA256: case AN_ALG_ECDSAP256SHA256: return sc->md_sha256;
	case AN_ALG_ECDSAP384SHA384: return sc->md_sha384;
	case AN_ALG_RSASHA512: return sc->md_sha512;
	default: return NULL; /* EdDSA: one-shot, no digest */
	}
}

/* Step 6: one verification with the key's prepared context (pkey.h).
 * Returns 1 valid, 0 invalid, -1 library error. */
static int do_verify(struct an_sigcheck *sc, const struct an_pkey *k, uint8_t alg,
		     const uint8_t *sig, size_t sig_len, const uint8_t *data, size_t len)
{
	int rc;
	sc->crypto_ops++;
	if (k->mctx) {
		/* EdDSA one-shot; the context is reusable (as openssl speed does) */
		rc = EVP_DigestVerify(k->mctx, sig, sig_len, data, len);
	} else {
		uint8_t der[2 * (48 + 3) + 2], dg[EVP_MAX_MD_SIZE];
		unsigned dl = 0;
		if (alg == AN_ALG_ECDSAP256SHA256 || alg == AN_ALG_ECDSAP384SHA384) {
			sig_len = an_ecdsa_sig_to_der(sig, sig_len / 2, der, sizeof der);
			sig = der;
		}
		if (EVP_Digest(data, len, dg, &dl, md_for(sc, alg), NULL) != 1) {
			ERR_clear_error();
			return -1;
		}
		rc = EVP_PKEY_verify(k->pctx, sig, sig_len, dg, dl);
	}
	/* 0 is "bad signature"; OpenSSL may also return a negative value for
	 * a signature it cannot even parse (RSA value >= modulus): both mean
	 * the signature does not verify. Drop the error queue either way. */
	if (rc != 1)
		ERR_clear_error();
	return rc == 1;
}

static enum an_reason key_checks(struct an_sigcheck *sc, const struct dec_rrsig *sig,
				 const struct dec_dnskey *key, const struct an_pkey **pk,
				 struct an_result *res)
{
	const char *why;
	if (sig->algorithm != key->algorithm)
		return set(res, AN_BOGUS, AN_R_ALG_MISMATCH, AN_EDE_DNSKEY_MISSING, NULL);
	if (!an_alg_supported(key->algorithm))
		return set(res, AN_UNSUPPORTED, AN_R_ALG_UNSUPPORTED,
			   AN_EDE_UNSUPPORTED_DNSKEY_ALG, NULL);
	if (an_dnskey_usable(key->flags, key->protocol, &why) != ST_OK)
		return set(res, AN_BOGUS, AN_R_KEY_UNUSABLE,
			   key->flags & AN_DNSKEY_F_ZONE ? AN_EDE_DNSSEC_BOGUS :
			   AN_EDE_NO_ZONE_KEY_BIT_SET, why);
	int rc = an_pkey_get(sc->keys, key->algorithm, key->key, key->key_len, pk, &why);
	if (rc == ST_EUNSUPP)
		return set(res, AN_UNSUPPORTED, AN_R_KEY_UNSUPPORTED,
			   AN_EDE_UNSUPPORTED_DNSKEY_ALG, why);
	if (rc == ST_EMALF)
		return set(res, AN_BOGUS, AN_R_KEY_MALFORMED, AN_EDE_DNSSEC_BOGUS, why);
	if (rc != ST_OK)
		return set(res, AN_INDETERMINATE, AN_R_INTERNAL, AN_EDE_DNSSEC_INDETERMINATE, why);
	if (sig->sig_len != sig_len_for(key->algorithm, (*pk)->pkey))
		return set(res, AN_BOGUS, AN_R_SIG_MALFORMED, AN_EDE_DNSSEC_BOGUS, NULL);
	return AN_R_OK;
}

enum an_reason an_sigcheck_crypto(struct an_sigcheck *sc, const struct dec_rrsig *sig,
				  const struct dec_dnskey *key, const uint8_t *data,
				  size_t len, struct an_result *res)
{
	const struct an_pkey *pk = NULL;
	res->at = 0;
	res->key_tag = key->tag;
	sc->checks++;
	if (key_checks(sc, sig, key, &pk, res) != AN_R_OK)
		return res->reason;
	uint8_t mk[AN_MEMO_KEY_LEN];
	int have_mk = sc->memo &&
		      an_memo_key(sc->memo, data, len, sig->algorithm, sig->sig, sig->sig_len,
				  key->flags, key->protocol, key->algorithm, key->key,
				  key->key_len, mk) == ST_OK;
	if (have_mk && an_memo_get(sc->memo, mk, res)) {
		sc->memo_hits++;
		return res->reason;
	}
	int v = do_verify(sc, pk, key->algorithm, sig->sig, sig->sig_len, data, len);
	if (v < 0)
		return set(res, AN_INDETERMINATE, AN_R_INTERNAL, AN_EDE_DNSSEC_INDETERMINATE, NULL);
	if (v == 1)
		set(res, AN_VALID, AN_R_OK, AN_EDE_NONE, NULL);
	else
		set(res, AN_BOGUS, AN_R_SIG_BAD, AN_EDE_DNSSEC_BOGUS,
		    "signature does not verify under the key with tag T");
	if (have_mk)
		an_memo_put(sc->memo, mk, res);
	return res->reason;
}

enum an_reason an_sigcheck_verify(struct an_sigcheck *sc, const struct dec_rrsig *sig,
				  const struct dec_dnskey *key, const uint8_t *data,
				  size_t len, uint32_t at, struct an_result *res)
{
	if (an_sigcheck_crypto(sc, sig, key, data, len, res) != AN_R_OK) {
		res->at = at;
		return res->reason;
	}
	uint16_t tag = res->key_tag;
	an_rrsig_window(sig->inception, sig->expiration, at, res);
	res->key_tag = tag;
	return res->reason;
}
