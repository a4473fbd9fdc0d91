/* decode/rdata_text.c -- dig-style presentation of RDATA (RFC 1035 5.1,
 * RFC 4034 2.2/3.2/4.2/5.3, RFC 5155 3.3/4.3), RFC 3597 "\# len hex" for
 * unknown types and for RDATA that does not parse.
 *
 * Long hex and base64 fields are printed in one piece (dig +nosplit), so
 * a field is one token. Every byte taken from the packet goes through
 * st_escape_* or is printed as numbers, hex or base64: the output is
 * printable ASCII whatever the input. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include "decode/names.h"
#include "decode/rdata.h"
#include "util/escape.h"

struct txt {
	char *d;
	size_t cap;     /* dstlen */
	size_t n;       /* full length so far */
};

static void t_putc(struct txt *t, char ch)
{
	if (t->n + 1 < t->cap)
		t->d[t->n] = ch;
	t->n++;
}

static void t_puts(struct txt *t, const char *s)
{
	while (*s)
		t_putc(t, *s++);
}

static __attribute__((format(printf, 2, 3))) void t_printf(struct txt *t, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	t_puts(t, buf);
}

static void t_hex(struct txt *t, const uint8_t *p, size_t len)
{
	static const char hx[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		t_putc(t, hx[p[i] >> 4]);
		t_putc(t, hx[p[i] & 15]);
	}
}

/* RFC 4648 4, with padding. */
static void t_base64(struct txt *t, const uint8_t *p, size_t len)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		t_putc(t, b64[v >> 18 & 63]);
		t_putc(t, b64[v >> 12 & 63]);
		t_putc(t, i + 1 < len ? b64[v >> 6 & 63] : '=');
		t_putc(t, i + 2 < len ? b64[v & 63] : '=');
	}
}

/* RFC 4648 7 "base32hex", no padding, as RFC 5155 3.3 presents hashes. */
static void t_base32hex(struct txt *t, const uint8_t *p, size_t len)
{
	static const char b32[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8 | p[i]) & 0xffff;
		bits += 8;
		while (bits >= 5) {
			t_putc(t, b32[acc >> (bits - 5) & 31]);
			bits -= 5;
		}
	}
	if (bits > 0)
		t_putc(t, b32[acc << (5 - bits) & 31]);
}

static void t_name(struct txt *t, const struct dec_name *n)
{
	char buf[DEC_NAME_TEXT_MAX];
	dec_name_to_text(n, buf, sizeof(buf));
	t_puts(t, buf);
}

static void t_type(struct txt *t, uint16_t type)
{
	char buf[16];
	t_puts(t, dec_type_name(type, buf, sizeof(buf)));
}

/* YYYYMMDDHHMMSS in UTC (RFC 4034 3.2), from days since the epoch
 * (H. Hinnant's civil_from_days), without the C library's time zone. */
static void t_time(struct txt *t, uint32_t secs)
{
	uint32_t days = secs / 86400, sod = secs % 86400;
	uint32_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint32_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint32_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	uint32_t mo = mp < 10 ? mp + 3 : mp - 9;
	if (mo <= 2)
		y++;
	t_printf(t, "%04u%02u%02u%02u%02u%02u", (unsigned)y, (unsigned)mo,
		 (unsigned)d, (unsigned)(sod / 3600), (unsigned)(sod / 60 % 60),
		 (unsigned)(sod % 60));
}

/* Type list of a bitmap already checked by dec_bitmap_check. */
static void t_bitmap(struct txt *t, const uint8_t *bm, size_t len)
{
	for (size_t i = 0; i + 2 <= len; i += 2 + (size_t)bm[i + 1]) {
		uint8_t win = bm[i], blen = bm[i + 1];
		for (unsigned o = 0; o < blen && i + 2 + o < len; o++)
			for (unsigned b = 0; b < 8; b++)
				if (bm[i + 2 + o] & (0x80 >> b)) {
					t_putc(t, ' ');
					t_type(t, (uint16_t)(win << 8 | (o * 8 + b)));
				}
	}
}

static void t_salt(struct txt *t, const uint8_t *salt, size_t len)
{
	if (len == 0)
		t_putc(t, '-');
	else
		t_hex(t, salt, len);
}

static struct st_cur rd_cur(const struct dec_msg *m, const struct dec_rr *rr)
{
	struct st_cur c = st_cur_make(m->wire, m->len);
	c.pos = rr->rdata_off;
	c.end = (size_t)rr->rdata_off + rr->rdlen;
	if (c.end > m->len)
		c.err = ST_EMALF;
	return c;
}

/* A name that must sit inside the RDATA. */
static int rd_name(struct st_cur *c, struct txt *t)
{
	struct dec_name n;
	if (dec_name_read(c, &n, NULL) != ST_OK)
		return -1;
	t_name(t, &n);
	return 0;
}

/* NS, CNAME, PTR, DNAME, MX, SRV, SOA: numbers and names, RDATA fully
 * used (THREATS D8: no type may have fewer names than it needs). */
static int text_named(const struct dec_msg *m, const struct dec_rr *rr, struct txt *t)
{
	struct st_cur c = rd_cur(m, rr);
	if (rr->type == DEC_T_MX)
		t_printf(t, "%u ", (unsigned)st_cur_u16(&c));
	if (rr->type == DEC_T_SRV) {
		unsigned prio = st_cur_u16(&c), weight = st_cur_u16(&c);
		t_printf(t, "%u %u %u ", prio, weight, (unsigned)st_cur_u16(&c));
	}
	if (c.err != ST_OK || rd_name(&c, t) != 0)
		return -1;
	if (rr->type == DEC_T_SOA) {
		t_putc(t, ' ');
		if (rd_name(&c, t) != 0)
			return -1;
		for (int i = 0; i < 5; i++)
			t_printf(t, " %u", (unsigned)st_cur_u32(&c));
	}
	return c.err == ST_OK && st_cur_left(&c) == 0 ? 0 : -1;
}

/* RFC 1035 3.3.14: one or more <character-string>s. */
static int text_txt(const struct dec_msg *m, const struct dec_rr *rr, struct txt *t)
{
	struct st_cur c = rd_cur(m, rr);
	if (rr->rdlen == 0)
		return -1;
	for (int first = 1; c.err == ST_OK && st_cur_left(&c) > 0; first = 0) {
		uint8_t len = st_cur_u8(&c);
		const uint8_t *p = st_cur_bytes(&c, len);
		if (!p)
			return -1;
		if (!first)
			t_putc(t, ' ');
		t_putc(t, '"');
		char buf[4 * 255 + 1];
		st_escape_text(buf, sizeof(buf), p, len);
		t_puts(t, buf);
		t_putc(t, '"');
	}
	return c.err == ST_OK ? 0 : -1;
}

static int text_addr(const struct dec_msg *m, const struct dec_rr *rr, struct txt *t)
{
	char buf[INET6_ADDRSTRLEN];
	int af = rr->type == DEC_T_A ? AF_INET : AF_INET6;
	if (rr->rdlen != (af == AF_INET ? 4 : 16) || (size_t)rr->rdata_off + rr->rdlen > m->len)
		return -1;
	if (!inet_ntop(af, m->wire + rr->rdata_off, buf, sizeof(buf)))
		return -1;
	t_puts(t, buf);
	return 0;
}

static int text_dnssec(const struct dec_msg *m, const struct dec_rr *rr, struct txt *t)
{
	const char *why;
	switch (rr->type) {
	case DEC_T_DS:
	case DEC_T_CDS: {
		struct dec_ds ds;
		if (dec_ds_parse(m, rr, &ds, &why) != ST_OK)
			return -1;
		t_printf(t, "%u %u %u ", ds.key_tag, ds.algorithm, ds.digest_type);
		t_hex(t, ds.digest, ds.digest_len);
		return 0;
	}
	case DEC_T_DNSKEY:
	case DEC_T_CDNSKEY: {
		struct dec_dnskey k;
		if (dec_dnskey_parse(m, rr, &k, &why) != ST_OK)
			return -1;
		t_printf(t, "%u %u %u ", k.flags, k.protocol, k.algorithm);
		t_base64(t, k.key, k.key_len);
		return 0;
	}
	case DEC_T_RRSIG: {
		struct dec_rrsig s;
		if (dec_rrsig_parse(m, rr, &s, &why) != ST_OK)
			return -1;
		t_type(t, s.type_covered);
		t_printf(t, " %u %u %u ", s.algorithm, s.labels, (unsigned)s.orig_ttl);
		t_time(t, s.expiration);
		t_putc(t, ' ');
		t_time(t, s.inception);
		t_printf(t, " %u ", s.key_tag);
		t_name(t, &s.signer);
		t_putc(t, ' ');
		t_base64(t, s.sig, s.sig_len);
		return 0;
	}
	}
	return -1;
}

static int text_denial(const struct dec_msg *m, const struct dec_rr *rr, struct txt *t)
{
	const char *why;
	if (rr->type == DEC_T_NSEC) {
		struct dec_nsec n;
		if (dec_nsec_parse(m, rr, &n, &why) != ST_OK)
			return -1;
		t_name(t, &n.next);
		t_bitmap(t, n.bitmap, n.bitmap_len);
		return 0;
	}
	if (rr->type == DEC_T_NSEC3) {
		struct dec_nsec3 n;
		if (dec_nsec3_parse(m, rr, &n, &why) != ST_OK)
			return -1;
		t_printf(t, "%u %u %u ", n.hash_alg, n.flags, n.iterations);
		t_salt(t, n.salt, n.salt_len);
		t_putc(t, ' ');
		t_base32hex(t, n.next_hash, n.hash_len);
		t_bitmap(t, n.bitmap, n.bitmap_len);
		return 0;
	}
	struct dec_nsec3param p;
	if (dec_nsec3param_parse(m, rr, &p, &why) != ST_OK)
		return -1;
	t_printf(t, "%u %u %u ", p.hash_alg, p.flags, p.iterations);
	t_salt(t, p.salt, p.salt_len);
	return 0;
}

/* OPT has no master-file form; sigtrail prints each option as NAME:HEX,
 * and EDE as EDE:code:"escaped text". */
static int text_opt(const struct dec_msg *m, const struct dec_rr *rr, struct txt *t)
{
	struct st_cur c = rd_cur(m, rr);
	for (int first = 1; c.err == ST_OK && st_cur_left(&c) > 0; first = 0) {
		uint16_t code = st_cur_u16(&c), len = st_cur_u16(&c);
		const uint8_t *p = st_cur_bytes(&c, len);
		if (!p)
			return -1;
		char buf[16];
		if (!first)
			t_putc(t, ' ');
		t_puts(t, dec_option_name(code, buf, sizeof(buf)));
		t_putc(t, ':');
		if (code == 15 && len >= 2) {
			char esc[4 * 256];
			t_printf(t, "%u:\"", (unsigned)(p[0] << 8 | p[1]));
			for (size_t i = 2; i < len; i += 255) {
				size_t k = len - i < 255 ? len - i : 255;
				st_escape_text(esc, sizeof(esc), p + i, k);
				t_puts(t, esc);
			}
			t_putc(t, '"');
		} else {
			t_hex(t, p, len);
		}
	}
	return c.err == ST_OK ? 0 : -1;
}

/* RFC 3597 5 */
static void text_unknown(const struct dec_msg *m, const struct dec_rr *rr, struct txt *t)
{
	t_printf(t, "\\# %u", (unsigned)rr->rdlen);
	if (rr->rdlen == 0 || (size_t)rr->rdata_off + rr->rdlen > m->len)
		return;
	t_putc(t, ' ');
	t_hex(t, m->wire + rr->rdata_off, rr->rdlen);
}

static int text_known(const struct dec_msg *m, const struct dec_rr *rr, struct txt *t)
{
	switch (rr->type) {
	case DEC_T_A:
	case DEC_T_AAAA:
		return text_addr(m, rr, t);
	case DEC_T_NS: case DEC_T_CNAME: case DEC_T_PTR: case DEC_T_DNAME:
	case DEC_T_SOA: case DEC_T_MX: case DEC_T_SRV:
		return text_named(m, rr, t);
	case DEC_T_TXT:
		return text_txt(m, rr, t);
	case DEC_T_DS: case DEC_T_CDS: case DEC_T_DNSKEY: case DEC_T_CDNSKEY:
	case DEC_T_RRSIG:
		return text_dnssec(m, rr, t);
	case DEC_T_NSEC: case DEC_T_NSEC3: case DEC_T_NSEC3PARAM:
		return text_denial(m, rr, t);
	case DEC_T_OPT:
		return text_opt(m, rr, t);
	default:
		return -1;
	}
}

size_t dec_rdata_to_text(const struct dec_msg *m, const struct dec_rr *rr, char *dst, size_t dstlen)
{
	struct txt t = { dst, dstlen, 0 };
	/* A and AAAA are IN-specific (RFC 1035 3.4); other classes get the
	 * generic form. */
	int in_only = rr->type == DEC_T_A || rr->type == DEC_T_AAAA;
	if ((in_only && rr->rclass != 1) || text_known(m, rr, &t) != 0) {
		t.n = 0;
		text_unknown(m, rr, &t);
	}
	if (dstlen)
		dst[t.n < dstlen ? t.n : dstlen - 1] = '\0';
	return t.n;
}
