/* capture/link.c -- link layers (see link.h). */
#include "capture/link.h"
#include "util/cur.h"

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd

static uint8_t net_of_ethertype(uint16_t t)
{
	return t == ETH_IPV4 ? 4 : t == ETH_IPV6 ? 6 : 0;
}

static bool is_vlan_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

/* Walks 802.1Q/802.1ad tags: type was just read, the cursor sits after
 * it. A tag is TCI then the next type. */
static int vlan_walk(struct st_cur *c, uint16_t type, struct cap_link *out)
{
	while (c->err == ST_OK && is_vlan_tpid(type)) {
		if (out->vlans == CAP_LINK_VLAN_MAX)
			return ST_ELIMIT;
		uint16_t tci = st_cur_u16(c);
		if (out->vlans++ == 0)
			out->vlan = tci & 0x0fff;
		type = st_cur_u16(c);
	}
	if (c->err != ST_OK)
		return c->err;
	out->net = net_of_ethertype(type);
	out->off = c->pos;
	return ST_OK;
}

static int raw_ip(struct st_cur *c, struct cap_link *out)
{
	uint8_t v = st_cur_u8(c) >> 4;
	if (c->err != ST_OK)
		return c->err;
	out->net = v == 4 ? 4 : v == 6 ? 6 : 0;
	out->off = 0;
	return ST_OK;
}

/* BSD AF values: AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD,
 * OpenBSD), 28 (FreeBSD) or 30 (macOS). The word is in the capturing
 * host's byte order for NULL and in network order for LOOP, but files
 * travel, so accept both orders for both. */
static int bsd_loop(struct st_cur *c, struct cap_link *out)
{
	uint32_t af = st_cur_u32(c);
	if (c->err != ST_OK)
		return c->err;
	if (af > 0xffff)
		af = __builtin_bswap32(af);
	out->net = af == 2 ? 4 : (af == 24 || af == 28 || af == 30) ? 6 : 0;
	out->off = 4;
	return ST_OK;
}

int cap_link_parse(int linktype, const uint8_t *data, size_t caplen,
		   struct cap_link *out)
{
	struct st_cur c = st_cur_make(data, caplen);
	*out = (struct cap_link){ 0 };
	switch (linktype) {
	case 1: { /* Ethernet: dst, src, type */
		st_cur_skip(&c, 12);
		uint16_t type = st_cur_u16(&c);
		return vlan_walk(&c, type, out);
	}
	case 113: { /* Linux SLL: pkttype, arphrd, addrlen, addr[8], protocol */
		st_cur_skip(&c, 14);
		uint16_t type = st_cur_u16(&c);
		return vlan_walk(&c, type, out);
	}
	case 276: { /* Linux SLL2: protocol, reserved, ifindex, arphrd,
		     * pkttype, addrlen, addr[8]; libpcap puts a VLAN tag
		     * after the 20 bytes with protocol 0x8100 */
		uint16_t type = st_cur_u16(&c);
		st_cur_skip(&c, 18);
		return vlan_walk(&c, type, out);
	}
	case 12: case 14: case 101: /* raw IP: version from the first nibble */
		return raw_ip(&c, out);
	case 228:
		out->net = 4;
		return ST_OK;
	case 229:
		out->net = 6;
		return ST_OK;
	case 0: case 108:
		return bsd_loop(&c, out);
	default:
		return ST_EUNSUPP;
	}
}
