/* analyze/ecrecover.c -- ECDSA public key recovery (SEC 1 v2, 4.1.6). */
#include "analyze/ecrecover.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "analyze/keyshape.h"
#include "util/err.h"

struct rec {
	EC_GROUP *g;
	BN_CTX *ctx;
	BIGNUM *r, *s, *e, *u1, *u2, *x, *y, *p, *rx; /* rx: x(R) */
	EC_POINT *R, *Q;
	const BIGNUM *n;
	size_t half;
};

static void rec_free(struct rec *k)
{
	EC_POINT_free(k->R);
	EC_POINT_free(k->Q);
	BN_CTX_free(k->ctx); /* frees the BN_CTX_get numbers */
	EC_GROUP_free(k->g);
}

static int rec_init(struct rec *k, uint8_t alg)
{
	memset(k, 0, sizeof(*k));
	k->half = alg == AN_ALG_ECDSAP256SHA256 ? 32 : 48;
	k->g = EC_GROUP_new_by_curve_name(alg == AN_ALG_ECDSAP256SHA256 ?
					  NID_X9_62_prime256v1 : NID_secp384r1);
	k->ctx = BN_CTX_new();
	if (!k->g || !k->ctx)
		return ST_ENOMEM;
	BN_CTX_start(k->ctx);
	BIGNUM **v[] = { &k->r, &k->s, &k->e, &k->u1, &k->u2, &k->x, &k->y, &k->p, &k->rx };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (!(*v[i] = BN_CTX_get(k->ctx)))
			return ST_ENOMEM;
	k->R = EC_POINT_new(k->g);
	k->Q = EC_POINT_new(k->g);
	k->n = EC_GROUP_get0_order(k->g);
	if (!k->R || !k->Q || !k->n ||
	    !EC_GROUP_get_curve(k->g, k->p, k->x, k->y, k->ctx)) /* x, y: scratch a, b */
		return ST_ENOMEM;
	return ST_OK;
}

/* u1 = -e r^-1 mod n, u2 = s r^-1 mod n. */
static int scalars(struct rec *k, const uint8_t *sig, const uint8_t *dg, size_t dlen)
{
	if (!BN_bin2bn(sig, (int)k->half, k->r) || !BN_bin2bn(sig + k->half, (int)k->half, k->s) ||
	    !BN_bin2bn(dg, (int)dlen, k->e))
		return ST_ENOMEM;
	if (BN_is_zero(k->r) || BN_is_zero(k->s) || BN_cmp(k->r, k->n) >= 0 ||
	    BN_cmp(k->s, k->n) >= 0)
		return ST_EMALF;
	/* the digest is as long as the order (256/384 bits): no truncation */
	BIGNUM *rinv = k->y;
	if (!BN_mod_inverse(rinv, k->r, k->n, k->ctx) ||
	    !BN_mod_mul(k->u2, k->s, rinv, k->n, k->ctx) ||
	    !BN_mod_mul(k->u1, k->e, rinv, k->n, k->ctx) ||
	    !BN_mod_sub(k->u1, k->n, k->u1, k->n, k->ctx))
		return ST_ENOMEM;
	return ST_OK;
}

static int emit(struct rec *k, uint8_t alg, struct an_ec_candidate *c)
{
	if (!EC_POINT_get_affine_coordinates(k->g, k->Q, k->x, k->y, k->ctx) ||
	    BN_bn2binpad(k->x, c->key, (int)k->half) < 0 ||
	    BN_bn2binpad(k->y, c->key + k->half, (int)k->half) < 0)
		return 0;
	c->key_len = 2 * k->half;
	c->tag_zsk = an_keytag(256, 3, alg, c->key, c->key_len);
	c->tag_ksk = an_keytag(257, 3, alg, c->key, c->key_len);
	return 1;
}

int an_ecrecover_digest(uint8_t alg, const uint8_t *sig, size_t sig_len,
			const uint8_t *digest, size_t dlen,
			struct an_ec_candidate out[AN_ECRECOVER_MAX], uint64_t *ops)
{
	if (alg != AN_ALG_ECDSAP256SHA256 && alg != AN_ALG_ECDSAP384SHA384)
		return ST_EUNSUPP;
	struct rec k;
	int rc = rec_init(&k, alg);
	if (rc == ST_OK && (sig_len != 2 * k.half || dlen != k.half))
		rc = ST_EMALF;
	if (rc == ST_OK)
		rc = scalars(&k, sig, digest, dlen);
	int found = 0;
	for (int j = 0; rc == ST_OK && j < 2; j++) {
		/* x = r + j n, a field element only if below p */
		if (!BN_copy(k.rx, k.r) || (j && !BN_add(k.rx, k.rx, k.n))) {
			rc = ST_ENOMEM;
			break;
		}
		if (BN_cmp(k.rx, k.p) >= 0)
			break;
		for (int ybit = 0; ybit < 2; ybit++) {
			if (!EC_POINT_set_compressed_coordinates(k.g, k.R, k.rx, ybit, k.ctx)) {
				ERR_clear_error(); /* x is not on the curve */
				break;
			}
			if (ops)
				(*ops)++;
			if (!EC_POINT_mul(k.g, k.Q, k.u1, k.R, k.u2, k.ctx)) {
				rc = ST_ENOMEM;
				break;
			}
			if (EC_POINT_is_at_infinity(k.g, k.Q))
				continue;
			found += emit(&k, alg, &out[found]);
		}
	}
	rec_free(&k);
	return rc == ST_OK ? found : rc;
}

int an_ecrecover(uint8_t alg, const uint8_t *sig, size_t sig_len, const uint8_t *data,
		 size_t len, struct an_ec_candidate out[AN_ECRECOVER_MAX], uint64_t *ops)
{
	if (alg != AN_ALG_ECDSAP256SHA256 && alg != AN_ALG_ECDSAP384SHA384)
		return ST_EUNSUPP;
	uint8_t dg[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	if (EVP_Digest(data, len, dg, &dl, alg == AN_ALG_ECDSAP256SHA256 ?
		       EVP_sha256() : EVP_sha384(), NULL) != 1)
		return ST_ENOMEM;
	return an_ecrecover_digest(alg, sig, sig_len, dg, dl, out, ops);
}
