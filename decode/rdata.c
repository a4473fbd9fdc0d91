/* decode/rdata.c -- field-by-field parsers for the DNSSEC RR types
 * (RFC 4034, RFC 5155), the key tag and type bitmaps. Presentation text
 * lives in rdata_text.c.
 *
 * Every parser reads through a cursor bounded by the RR's RDATA (THREATS
 * D7, D8): an embedded name that runs past RDLENGTH is malformed even if
 * the message goes on. */
#include "decode/rdata.h"

/* Cursor over one RR's RDATA; msg stays the whole message so compression
 * pointers in embedded names resolve (and are then flagged, D9). */
static struct st_cur rdata_cur(const struct dec_msg *m, const struct dec_rr *rr)
{
	struct st_cur c = st_cur_make(m->wire, m->len);
	c.pos = rr->rdata_off;
	c.end = (size_t)rr->rdata_off + rr->rdlen;
	if (c.end > m->len || c.pos > c.end)
		c.err = ST_EMALF; /* a dec_rr we did not produce */
	return c;
}

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return ST_EMALF;
}

/* Reads a name inside RDATA; *compressed says whether it used a pointer.
 * Uncompressed, the bytes consumed equal the name's length; with a
 * pointer they cannot (a pointer's 2 bytes stand for >= 1 byte, and no
 * name is 2 bytes long). */
static int rdata_name(struct st_cur *c, struct dec_name *n, int *compressed,
		      const char **why, const char *what)
{
	size_t start = c->pos;
	const char *nwhy = NULL;
	int rc = dec_name_read(c, n, &nwhy);
	if (rc == ST_ETRUNC)
		return fail(why, what);
	if (rc != ST_OK)
		return fail(why, nwhy);
	if (compressed)
		*compressed = (c->pos - start) != n->len;
	return ST_OK;
}

/* RFC 4034 3.1 */
int dec_rrsig_parse(const struct dec_msg *m, const struct dec_rr *rr, struct dec_rrsig *out, const char **why)
{
	struct st_cur c = rdata_cur(m, rr);
	out->type_covered = st_cur_u16(&c);
	out->algorithm = st_cur_u8(&c);
	out->labels = st_cur_u8(&c);
	out->orig_ttl = st_cur_u32(&c);
	out->expiration = st_cur_u32(&c);
	out->inception = st_cur_u32(&c);
	out->key_tag = st_cur_u16(&c);
	if (c.err != ST_OK)
		return fail(why, "RRSIG shorter than its fixed fields");
	int rc = rdata_name(&c, &out->signer, &out->compressed, why,
			    "RRSIG signer name overruns the RDATA");
	if (rc != ST_OK)
		return rc;
	out->sig_len = st_cur_left(&c);
	if (out->sig_len == 0)
		return fail(why, "RRSIG without a signature");
	out->sig = st_cur_bytes(&c, out->sig_len);
	out->rdata = m->wire + rr->rdata_off;
	out->rdata_len = rr->rdlen;
	return ST_OK;
}

/* RFC 4034 2.1 */
int dec_dnskey_parse(const struct dec_msg *m, const struct dec_rr *rr, struct dec_dnskey *out, const char **why)
{
	struct st_cur c = rdata_cur(m, rr);
	out->flags = st_cur_u16(&c);
	out->protocol = st_cur_u8(&c);
	out->algorithm = st_cur_u8(&c);
	if (c.err != ST_OK)
		return fail(why, "DNSKEY shorter than 4 bytes");
	out->key_len = st_cur_left(&c);
	if (out->key_len == 0)
		return fail(why, "DNSKEY without a public key");
	out->key = st_cur_bytes(&c, out->key_len);
	out->tag = dec_key_tag(m->wire + rr->rdata_off, rr->rdlen);
	return ST_OK;
}

/* Digest sizes of the IANA DS digest types; 0 = not known here. */
static size_t ds_digest_len(uint8_t type)
{
	switch (type) {
	case 1: return 20; /* SHA-1, RFC 4034 5.1.4 */
	case 2: return 32; /* SHA-256, RFC 4509 */
	case 3: return 32; /* GOST R 34.11-94, RFC 5933 */
	case 4: return 48; /* SHA-384, RFC 6605 */
	default: return 0;
	}
}

/* RFC 4034 5.1 */
int dec_ds_parse(const struct dec_msg *m, const struct dec_rr *rr, struct dec_ds *out, const char **why)
{
	struct st_cur c = rdata_cur(m, rr);
	out->key_tag = st_cur_u16(&c);
	out->algorithm = st_cur_u8(&c);
	out->digest_type = st_cur_u8(&c);
	if (c.err != ST_OK)
		return fail(why, "DS shorter than 4 bytes");
	out->digest_len = st_cur_left(&c);
	if (out->digest_len == 0)
		return fail(why, "DS without a digest");
	size_t want = ds_digest_len(out->digest_type);
	if (want && want != out->digest_len)
		return fail(why, "DS digest length does not match its type");
	out->digest = st_cur_bytes(&c, out->digest_len);
	return ST_OK;
}

/* RFC 4034 4.1 */
int dec_nsec_parse(const struct dec_msg *m, const struct dec_rr *rr, struct dec_nsec *out, const char **why)
{
	struct st_cur c = rdata_cur(m, rr);
	if (c.err != ST_OK)
		return fail(why, "RR outside the message");
	int rc = rdata_name(&c, &out->next, &out->compressed, why,
			    "NSEC next name overruns the RDATA");
	if (rc != ST_OK)
		return rc;
	out->bitmap_len = st_cur_left(&c);
	out->bitmap = m->wire + c.pos;
	return dec_bitmap_check(out->bitmap, out->bitmap_len, why);
}

/* RFC 5155 3.2. A SHA-1 hash (algorithm 1) must be 20 bytes (THREATS
 * F6); other algorithms are unknown and left to the validator. */
int dec_nsec3_parse(const struct dec_msg *m, const struct dec_rr *rr, struct dec_nsec3 *out, const char **why)
{
	struct st_cur c = rdata_cur(m, rr);
	out->hash_alg = st_cur_u8(&c);
	out->flags = st_cur_u8(&c);
	out->iterations = st_cur_u16(&c);
	out->salt_len = st_cur_u8(&c);
	out->salt = st_cur_bytes(&c, out->salt_len);
	if (c.err != ST_OK)
		return fail(why, "NSEC3 salt overruns the RDATA");
	out->hash_len = st_cur_u8(&c);
	out->next_hash = st_cur_bytes(&c, out->hash_len);
	if (c.err != ST_OK)
		return fail(why, "NSEC3 next hash overruns the RDATA");
	if (out->hash_len == 0)
		return fail(why, "NSEC3 with an empty next hash");
	if (out->hash_alg == 1 && out->hash_len != 20)
		return fail(why, "NSEC3 SHA-1 hash is not 20 bytes");
	out->bitmap_len = st_cur_left(&c);
	out->bitmap = m->wire + c.pos;
	return dec_bitmap_check(out->bitmap, out->bitmap_len, why);
}

/* RFC 5155 4.2 */
int dec_nsec3param_parse(const struct dec_msg *m, const struct dec_rr *rr, struct dec_nsec3param *out, const char **why)
{
	struct st_cur c = rdata_cur(m, rr);
	out->hash_alg = st_cur_u8(&c);
	out->flags = st_cur_u8(&c);
	out->iterations = st_cur_u16(&c);
	out->salt_len = st_cur_u8(&c);
	out->salt = st_cur_bytes(&c, out->salt_len);
	if (c.err != ST_OK)
		return fail(why, "NSEC3PARAM salt overruns the RDATA");
	if (st_cur_left(&c) != 0)
		return fail(why, "NSEC3PARAM with trailing bytes");
	return ST_OK;
}

/* RFC 4034 appendix B. Algorithm 1 (RSA/MD5) uses the most significant
 * 16 of the least significant 24 bits of the modulus (B.1). */
uint16_t dec_key_tag(const uint8_t *rdata, size_t len)
{
	if (len < 4)
		return 0;
	if (rdata[3] == 1) {
		if (len < 4 + 3)
			return 0;
		return (uint16_t)(rdata[len - 3] << 8 | rdata[len - 2]);
	}
	uint32_t ac = 0;
	for (size_t i = 0; i < len; i++)
		ac += (i & 1) ? rdata[i] : (uint32_t)rdata[i] << 8;
	ac += (ac >> 16) & 0xffff;
	return (uint16_t)(ac & 0xffff);
}

/* RFC 4034 4.1.2: (window, length 1..32, bitmap)*, windows strictly
 * ascending, trailing zero octets omitted (THREATS F12). */
int dec_bitmap_check(const uint8_t *bm, size_t len, const char **why)
{
	size_t i = 0;
	int prev = -1;
	while (i < len) {
		if (len - i < 2)
			return fail(why, "type bitmap window header truncated");
		uint8_t win = bm[i], blen = bm[i + 1];
		if ((int)win <= prev)
			return fail(why, "type bitmap windows not ascending");
		if (blen < 1 || blen > 32)
			return fail(why, "type bitmap window length not 1..32");
		if (len - i - 2 < blen)
			return fail(why, "type bitmap window overruns the RDATA");
		if (bm[i + 1 + blen] == 0)
			return fail(why, "type bitmap window ends with a zero octet");
		prev = win;
		i += 2 + (size_t)blen;
	}
	return ST_OK;
}

int dec_bitmap_has(const uint8_t *bm, size_t len, uint16_t type)
{
	uint8_t want = (uint8_t)(type >> 8), octet = (uint8_t)((type & 0xff) >> 3);
	size_t i = 0;
	while (len - i >= 2) {
		uint8_t win = bm[i], blen = bm[i + 1];
		if (len - i - 2 < blen)
			return 0;
		if (win == want)
			return octet < blen && (bm[i + 2 + octet] & (0x80 >> (type & 7)));
		if (win > want)
			return 0;
		i += 2 + (size_t)blen;
	}
	return 0;
}
