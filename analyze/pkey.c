/* analyze/pkey.c -- DNSKEY to EVP_PKEY, cached.
 *
 * Keys are built with OpenSSL 3's EVP_PKEY_fromdata() (RSA, EC) and
 * EVP_PKEY_new_raw_public_key() (EdDSA) rather than ldns's converters:
 * ldns_key_buf2rsa_raw() and ldns_ecdsa2pkey_raw() go through the RSA and
 * EC_KEY APIs that OpenSSL 3 deprecates (our -Werror build would need
 * warnings silenced), and they parse the RFC 3110 encoding without the
 * limits keyshape.c enforces. We parse ourselves after the shape check. */
#include "analyze/pkey.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "analyze/keyshape.h"
#include "util/err.h"

struct slot {
	uint64_t stamp;       /* 0: empty; else last use (higher = newer) */
	uint8_t id[32];       /* SHA-256(alg || key) */
	struct an_pkey k;     /* all NULL when refused */
	int rc;               /* ST_OK or the shape check's code */
	const char *why;
};

struct an_pkey_cache {
	struct slot *slots;
	size_t nsets;         /* power of two */
	uint64_t clock;
	EVP_MD *sha256;
	EVP_MD_CTX *md;       /* reused for every lookup */
	struct an_pkey_stats st;
};

static void key_free(struct an_pkey *k)
{
	EVP_PKEY_CTX_free(k->pctx);
	EVP_MD_CTX_free(k->mctx);
	EVP_PKEY_free(k->pkey);
	memset(k, 0, sizeof(*k));
}

/* The verify context kept with the key (see pkey.h). */
static int prepare(uint8_t alg, struct an_pkey *k)
{
	if (alg == AN_ALG_ED25519 || alg == AN_ALG_ED448) {
		k->mctx = EVP_MD_CTX_new();
		return k->mctx && EVP_DigestVerifyInit(k->mctx, NULL, NULL, NULL, k->pkey) == 1 ?
		       ST_OK : ST_ENOMEM;
	}
	const EVP_MD *md = alg == AN_ALG_RSASHA256 || alg == AN_ALG_ECDSAP256SHA256 ? EVP_sha256() :
			   alg == AN_ALG_ECDSAP384SHA384 ? EVP_sha384() :
			   alg == AN_ALG_RSASHA512 ? EVP_sha512() : EVP_sha1();
	k->pctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	return k->pctx && EVP_PKEY_verify_init(k->pctx) == 1 &&
	       EVP_PKEY_CTX_set_signature_md(k->pctx, md) == 1 ? ST_OK : ST_ENOMEM;
}

struct an_pkey_cache *an_pkey_cache_new(size_t max_keys)
{
	if (max_keys == 0)
		max_keys = AN_PKEY_CACHE_MAX;
	size_t nsets = 1;
	while (nsets * AN_PKEY_WAYS < max_keys)
		nsets <<= 1;
	struct an_pkey_cache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->slots = calloc(nsets * AN_PKEY_WAYS, sizeof(*c->slots));
	c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	c->md = EVP_MD_CTX_new();
	if (!c->slots || !c->sha256 || !c->md) {
		an_pkey_cache_free(c);
		return NULL;
	}
	c->nsets = nsets;
	return c;
}

void an_pkey_cache_free(struct an_pkey_cache *c)
{
	if (!c)
		return;
	if (c->slots)
		for (size_t i = 0; i < c->nsets * AN_PKEY_WAYS; i++)
			key_free(&c->slots[i].k);
	free(c->slots);
	EVP_MD_free(c->sha256);
	EVP_MD_CTX_free(c->md);
	free(c);
}

void an_pkey_cache_stats(const struct an_pkey_cache *c, struct an_pkey_stats *st)
{
	*st = c->st;
}

static int fromdata(const char *type, OSSL_PARAM_BLD *bld, EVP_PKEY **out)
{
	int rc = ST_EINVAL;
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) == 1)
		rc = ST_OK;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return rc;
}

/* RFC 3110 2; the shape check has validated the lengths. */
static int build_rsa(const uint8_t *key, size_t len, EVP_PKEY **out)
{
	size_t elen = key[0], off = 1;
	if (elen == 0) {
		elen = (size_t)key[1] << 8 | key[2];
		off = 3;
	}
	BIGNUM *e = BN_bin2bn(key + off, (int)elen, NULL);
	BIGNUM *n = BN_bin2bn(key + off + elen, (int)(len - off - elen), NULL);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	int rc = ST_ENOMEM;
	if (e && n && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		rc = fromdata("RSA", bld, out);
	OSSL_PARAM_BLD_free(bld);
	BN_free(e);
	BN_free(n);
	return rc;
}

/* RFC 6605 4: x||y; OpenSSL wants the SEC 1 uncompressed point 04||x||y. */
static int build_ec(uint8_t alg, const uint8_t *key, size_t len, EVP_PKEY **out)
{
	uint8_t pt[97];
	pt[0] = 0x04;
	memcpy(pt + 1, key, len);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	int rc = ST_ENOMEM;
	if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
			alg == AN_ALG_ECDSAP256SHA256 ? "P-256" : "P-384", 0) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, len + 1))
		rc = fromdata("EC", bld, out);
	OSSL_PARAM_BLD_free(bld);
	return rc;
}

int an_pkey_build(uint8_t alg, const uint8_t *key, size_t len, EVP_PKEY **out,
		  const char **why)
{
	*out = NULL;
	int rc = an_keyshape_check(alg, key, len, why);
	if (rc != ST_OK)
		return rc;
	switch (alg) {
	case AN_ALG_ECDSAP256SHA256: case AN_ALG_ECDSAP384SHA384:
		rc = build_ec(alg, key, len, out);
		break;
	case AN_ALG_ED25519: case AN_ALG_ED448:
		*out = EVP_PKEY_new_raw_public_key(alg == AN_ALG_ED25519 ?
						   EVP_PKEY_ED25519 : EVP_PKEY_ED448,
						   NULL, key, len);
		rc = *out ? ST_OK : ST_EINVAL;
		break;
	default:
		rc = build_rsa(key, len, out);
		break;
	}
	if (rc != ST_OK) {
		ERR_clear_error();
		EVP_PKEY_free(*out);
		*out = NULL;
		*why = rc == ST_ENOMEM ? "out of memory" : "OpenSSL refused the public key";
	}
	return rc;
}

int an_pkey_get(struct an_pkey_cache *c, uint8_t alg, const uint8_t *key, size_t len,
		const struct an_pkey **out, const char **why)
{
	uint8_t id[32];
	EVP_MD_CTX *md = c->md;
	unsigned idlen = 0;
	int ok = EVP_DigestInit_ex(md, c->sha256, NULL) == 1 &&
		 EVP_DigestUpdate(md, &alg, 1) == 1 &&
		 EVP_DigestUpdate(md, key, len) == 1 &&
		 EVP_DigestFinal_ex(md, id, &idlen) == 1;
	*out = NULL;
	if (!ok) {
		*why = "out of memory";
		return ST_ENOMEM;
	}
	c->st.lookups++;
	uint64_t h;
	memcpy(&h, id, sizeof h);
	struct slot *set = c->slots + (h & (c->nsets - 1)) * AN_PKEY_WAYS;
	struct slot *victim = set;
	for (int i = 0; i < AN_PKEY_WAYS; i++) {
		struct slot *s = &set[i];
		if (s->stamp && memcmp(s->id, id, sizeof id) == 0) {
			c->st.hits++;
			s->stamp = ++c->clock;
			*out = s->rc == ST_OK ? &s->k : NULL;
			*why = s->why;
			return s->rc;
		}
		if (s->stamp < victim->stamp)
			victim = s;
	}
	struct an_pkey k = { 0 };
	int rc = an_pkey_build(alg, key, len, &k.pkey, why);
	if (rc == ST_OK && prepare(alg, &k) != ST_OK) {
		ERR_clear_error();
		key_free(&k);
		*why = "OpenSSL could not set up verification";
		return ST_ENOMEM;
	}
	if (rc == ST_ENOMEM)
		return rc;
	if (rc == ST_OK)
		c->st.builds++;
	else
		c->st.refused++;
	if (victim->stamp) {
		c->st.evictions++;
		key_free(&victim->k);
	} else {
		c->st.held++;
	}
	victim->stamp = ++c->clock;
	memcpy(victim->id, id, sizeof id);
	victim->k = k;
	victim->rc = rc;
	victim->why = *why;
	*out = rc == ST_OK ? &victim->k : NULL;
	return rc;
}
