/* capture/udp.c -- UDP (see udp.h). */
#include "capture/udp.h"
#include "util/cur.h"

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	for (; n >= 2; p += 2, n -= 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

uint16_t cap_l4_cksum(const struct cap_ip *ip, uint8_t proto,
		      const uint8_t *seg, size_t len)
{
	size_t alen = ip->family == 4 ? 4 : 16;
	uint32_t s = sum16(0, ip->src, alen);
	s = sum16(s, ip->dst, alen);
	s += proto;
	s += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
	s = sum16(s, seg, len);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int cap_udp_parse(const struct cap_ip *ip, const uint8_t *seg, size_t len,
		  bool complete, struct cap_udp *out)
{
	struct st_cur c = st_cur_make(seg, len);
	out->sport = st_cur_u16(&c);
	out->dport = st_cur_u16(&c);
	size_t ulen = st_cur_u16(&c);
	uint16_t ck = st_cur_u16(&c);
	out->len_anomaly = NULL;
	out->cksum_bad = false;
	if (c.err != ST_OK)
		return ST_ETRUNC;
	/* THREATS C1: when the length field and IP disagree, use the smaller. */
	size_t use = len;
	if (ulen < 8) {
		out->len_anomaly = "udp_length_short";
	} else if (ulen > len) {
		out->len_anomaly = complete ? "udp_length_over_ip" : NULL;
	} else if (ulen < len) {
		out->len_anomaly = "udp_length_under_ip";
		use = ulen;
	}
	out->payload = st_cur_bytes(&c, use - 8);
	out->len = use - 8;
	if (complete && !out->len_anomaly) {
		if (ck == 0)
			out->cksum_bad = ip->family == 6;
		else
			out->cksum_bad = cap_l4_cksum(ip, 17, seg, use) != 0;
	}
	return ST_OK;
}
