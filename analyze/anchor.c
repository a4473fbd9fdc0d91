/* analyze/anchor.c -- built-in root anchors and anchor files (anchor.h). */
#include <errno.h>
#include <ldns/ldns.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include "analyze/anchor.h"
#include "decode/rdata.h"
#include "util/err.h"

/* The IANA root zone KSKs, from https://data.iana.org/root-anchors/ (and
 * Debian's dns-root-data: tests/system/t_root_anchors.sh compares). */
static const struct {
	uint16_t tag;
	const char *sha256;
} root_ksk[] = {
	{ 20326, "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D" },
	{ 38696, "683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16" },
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void an_anchors_builtin(struct an_anchors *out)
{
	for (size_t i = 0; i < sizeof(root_ksk) / sizeof(root_ksk[0]) && out->n < AN_ANCHORS_MAX; i++) {
		struct an_anchor *a = &out->a[out->n++];
		memset(a, 0, sizeof(*a));
		a->zone.len = 1; /* the root: one zero byte */
		a->rdata[0] = (uint8_t)(root_ksk[i].tag >> 8);
		a->rdata[1] = (uint8_t)root_ksk[i].tag;
		a->rdata[2] = 8;  /* RSASHA256 */
		a->rdata[3] = 2;  /* SHA-256 */
		for (int j = 0; j < 32; j++)
			a->rdata[4 + j] = (uint8_t)(hexval(root_ksk[i].sha256[2 * j]) << 4 |
						    hexval(root_ksk[i].sha256[2 * j + 1]));
		a->rdlen = 36;
	}
}

size_t an_ds_digest(uint8_t digest_type, const struct dec_name *owner,
		    const uint8_t *dnskey_rdata, size_t rdlen, uint8_t *out, size_t outlen)
{
	const EVP_MD *md = digest_type == 1 ? EVP_sha1() : digest_type == 2 ? EVP_sha256()
			 : digest_type == 4 ? EVP_sha384() : NULL;
	if (!md || outlen < (size_t)EVP_MD_get_size(md))
		return 0;
	struct dec_name lower = *owner;
	dec_name_lower(&lower);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned len = 0;
	int ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) &&
		 EVP_DigestUpdate(ctx, lower.wire, lower.len) &&
		 EVP_DigestUpdate(ctx, dnskey_rdata, rdlen) && EVP_DigestFinal_ex(ctx, out, &len);
	EVP_MD_CTX_free(ctx);
	return ok ? len : 0;
}

/* One ldns RR into an anchor: DS as it is, DNSKEY as its SHA-256 DS. */
static int anchor_from_rr(struct an_anchor *a, const ldns_rr *rr)
{
	ldns_buffer *b = ldns_buffer_new(512);
	struct st_cur c;
	const char *why;
	int rc = ST_EFORMAT;
	if (!b)
		return ST_ENOMEM;
	memset(a, 0, sizeof(*a));
	if (ldns_dname2buffer_wire(b, ldns_rr_owner(rr)) != LDNS_STATUS_OK)
		goto out;
	c = st_cur_make(ldns_buffer_begin(b), ldns_buffer_position(b));
	if (dec_name_read(&c, &a->zone, &why) != ST_OK)
		goto out;
	ldns_buffer_clear(b);
	if (ldns_rr_rdata2buffer_wire(b, rr) != LDNS_STATUS_OK)
		goto out;
	const uint8_t *rd = ldns_buffer_begin(b);
	size_t rdlen = ldns_buffer_position(b);
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DS) {
		if (rdlen < 5 || rdlen > sizeof(a->rdata))
			goto out;
		memcpy(a->rdata, rd, rdlen);
		a->rdlen = (uint8_t)rdlen;
	} else {
		if (rdlen < 5)
			goto out;
		uint16_t tag = dec_key_tag(rd, rdlen);
		a->rdata[0] = (uint8_t)(tag >> 8);
		a->rdata[1] = (uint8_t)tag;
		a->rdata[2] = rd[3];
		a->rdata[3] = 2;
		size_t n = an_ds_digest(2, &a->zone, rd, rdlen, a->rdata + 4, sizeof(a->rdata) - 4);
		if (!n)
			goto out;
		a->rdlen = (uint8_t)(4 + n);
	}
	rc = ST_OK;
out:
	ldns_buffer_free(b);
	return rc;
}

int an_anchors_load(struct an_anchors *out, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ST_EIO;
	}
	char line[8192];
	int lineno = 0, rc = ST_OK;
	size_t before = out->n;
	while (rc == ST_OK && fgets(line, sizeof(line), f)) {
		lineno++;
		char *p = line + strspn(line, " \t");
		if (*p == ';' || *p == '#' || *p == '\n' || *p == '\0')
			continue;
		ldns_rr *rr = NULL;
		if (ldns_rr_new_frm_str(&rr, p, 0, NULL, NULL) != LDNS_STATUS_OK) {
			snprintf(err, errlen, "%s:%d: not a DS or DNSKEY record", path, lineno);
			rc = ST_EFORMAT;
			break;
		}
		ldns_rr_type t = ldns_rr_get_type(rr);
		if (t == LDNS_RR_TYPE_DS || t == LDNS_RR_TYPE_DNSKEY) {
			if (out->n >= AN_ANCHORS_MAX) {
				snprintf(err, errlen, "%s:%d: more than %d anchors", path, lineno, AN_ANCHORS_MAX);
				rc = ST_ELIMIT;
			} else if ((rc = anchor_from_rr(&out->a[out->n], rr)) == ST_OK) {
				out->n++;
			} else {
				snprintf(err, errlen, "%s:%d: unusable %s record", path, lineno,
					 t == LDNS_RR_TYPE_DS ? "DS" : "DNSKEY");
			}
		}
		ldns_rr_free(rr);
	}
	fclose(f);
	if (rc == ST_OK && out->n == before) {
		snprintf(err, errlen, "%s: no DS or DNSKEY record", path);
		rc = ST_EFORMAT;
	}
	return rc;
}
