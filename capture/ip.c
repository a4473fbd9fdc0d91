/* capture/ip.c -- IPv4 and IPv6 headers (see ip.h). */
#include <string.h>
#include "capture/ip.h"
#include "util/cur.h"

/* RFC 791 3.1. */
static int ipv4(struct st_cur *c, struct cap_ip *out, const char **why)
{
	uint8_t vihl = st_cur_u8(c);
	st_cur_skip(c, 1);
	uint16_t total = st_cur_u16(c);
	out->frag_id = st_cur_u16(c);
	uint16_t fl = st_cur_u16(c);
	st_cur_skip(c, 1);
	out->proto = st_cur_u8(c);
	st_cur_skip(c, 2);
	const uint8_t *s = st_cur_bytes(c, 4), *d = st_cur_bytes(c, 4);
	if (c->err != ST_OK) {
		*why = "ipv4_truncated";
		return ST_ETRUNC;
	}
	size_t ihl = (size_t)(vihl & 0x0f) * 4;
	if ((vihl >> 4) != 4 || ihl < 20) {
		*why = "ipv4_bad_ihl";
		return ST_EMALF;
	}
	if (total < ihl) {
		*why = "ipv4_bad_total_length";
		return ST_EMALF;
	}
	st_cur_skip(c, ihl - 20); /* options */
	if (c->err != ST_OK) {
		*why = "ipv4_truncated";
		return ST_ETRUNC;
	}
	out->family = 4;
	memcpy(out->src, s, 4);
	memcpy(out->dst, d, 4);
	out->frag_more = fl & 0x2000;
	out->frag_off = (uint32_t)(fl & 0x1fff) * 8;
	out->frag = out->frag_more || out->frag_off;
	out->claimed_len = total - ihl;
	size_t have = st_cur_left(c);
	out->snapcut = have < out->claimed_len;
	out->payload_len = out->snapcut ? have : out->claimed_len;
	out->payload = c->msg + c->pos;
	return ST_OK;
}

/* RFC 8200 4: every extension header we walk has the (next, length in
 * 8-octet units not counting the first) shape, except the fragment header
 * (fixed 8) and AH (RFC 4302: length in 4-octet units minus 2). stop_frag:
 * return at a fragment header with the cursor on it. */
static int ext_walk(struct st_cur *c, uint8_t *nh, bool stop_frag,
		    const char **why)
{
	for (int n = 0;; n++) {
		switch (*nh) {
		case 0: case 43: case 60: case 51: case 135: case 44:
			break;
		default:
			return ST_OK;
		}
		if (n == CAP_IP6_EXT_MAX) {
			*why = "ipv6_ext_limit";
			return ST_ELIMIT;
		}
		if (*nh == 44 && stop_frag)
			return ST_OK;
		if (*nh == 44) {
			*why = "ipv6_frag_in_frag";
			return ST_EMALF;
		}
		size_t start = c->pos;
		uint8_t next = st_cur_u8(c);
		uint8_t hl = st_cur_u8(c);
		size_t len = *nh == 51 ? ((size_t)hl + 2) * 4 : ((size_t)hl + 1) * 8;
		if (c->err == ST_OK)
			st_cur_skip(c, len - (c->pos - start));
		if (c->err != ST_OK) {
			*why = "ipv6_ext_truncated";
			return ST_ETRUNC;
		}
		*nh = next;
	}
}

int cap_ip6_skip_ext(uint8_t *nh, const uint8_t *buf, size_t len,
		     size_t *off, const char **why)
{
	struct st_cur c = st_cur_make(buf, len);
	int rc = ext_walk(&c, nh, false, why);
	*off = c.pos;
	return rc;
}

/* RFC 8200 3 and 4.5. */
static int ipv6(struct st_cur *c, struct cap_ip *out, const char **why)
{
	uint32_t vtf = st_cur_u32(c);
	uint16_t plen = st_cur_u16(c);
	uint8_t nh = st_cur_u8(c);
	st_cur_skip(c, 1);
	const uint8_t *s = st_cur_bytes(c, 16), *d = st_cur_bytes(c, 16);
	if (c->err != ST_OK) {
		*why = "ipv6_truncated";
		return ST_ETRUNC;
	}
	if ((vtf >> 28) != 6) {
		*why = "ipv6_bad_version";
		return ST_EMALF;
	}
	if (plen == 0) { /* jumbogram (RFC 2675) or TSO capture */
		*why = "ipv6_zero_payload_length";
		return ST_EUNSUPP;
	}
	out->family = 6;
	memcpy(out->src, s, 16);
	memcpy(out->dst, d, 16);
	/* Walk only what the header claims, never past what was captured. */
	size_t have = st_cur_left(c);
	out->snapcut = have < plen;
	size_t avail = out->snapcut ? have : plen;
	size_t base = c->pos;
	struct st_cur w = st_cur_make(c->msg, base + avail);
	w.pos = base;
	int rc = ext_walk(&w, &nh, true, why);
	if (rc != ST_OK)
		return rc;
	if (nh == 44) {
		st_cur_skip(&w, 2); /* next header (read below), reserved */
		uint16_t offm = st_cur_u16(&w);
		out->frag_id = st_cur_u32(&w);
		if (w.err != ST_OK) {
			*why = "ipv6_ext_truncated";
			return ST_ETRUNC;
		}
		nh = w.msg[w.pos - 8];
		out->frag_off = offm & 0xfff8;
		out->frag_more = offm & 1;
		out->frag = out->frag_off || out->frag_more;
		if (!out->frag) { /* atomic fragment: go on walking */
			rc = ext_walk(&w, &nh, false, why);
			if (rc != ST_OK)
				return rc;
		}
	}
	out->proto = nh;
	out->payload = w.msg + w.pos;
	out->payload_len = w.end - w.pos;
	out->claimed_len = plen - (w.pos - base);
	return ST_OK;
}

int cap_ip_parse(uint8_t net, const uint8_t *data, size_t len,
		 struct cap_ip *out, const char **why)
{
	struct st_cur c = st_cur_make(data, len);
	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (net == 4)
		return ipv4(&c, out, why);
	if (net == 6)
		return ipv6(&c, out, why);
	*why = "not_ip";
	return ST_EUNSUPP;
}
