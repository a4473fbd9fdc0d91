/* tests/unit/test_capture_link.c -- capture/link.c (THREATS B1, B2). */
#include "tests/tap.h"
#include "capture/link.h"
#include "util/err.h"

static void test_vlan(void)
{
	uint8_t f[64] = { 0 };
	size_t o = 12;
	for (int i = 0; i < 9; i++) {
		f[o] = i % 2 ? 0x81 : 0x88;
		f[o + 1] = i % 2 ? 0x00 : 0xa8;
		f[o + 2] = 0;
		f[o + 3] = (uint8_t)(10 + i);
		o += 4;
	}
	f[o] = 0x08;
	f[o + 1] = 0x00;
	struct cap_link l;
	is_int(cap_link_parse(1, f, o + 2 + 20, &l), ST_ELIMIT,
	       "B1 9 VLAN tags: over CAP_LINK_VLAN_MAX, ST_ELIMIT");
	/* 8 tags: fine, outer id kept */
	memmove(f + 12, f + 16, o + 2 - 16);
	is_int(cap_link_parse(1, f, o - 2 + 20, &l), ST_OK, "B1 8 VLAN tags accepted");
	ok(l.net == 4 && l.vlan == 11 && l.vlans == 8 && l.off == 12 + 32 + 2,
	   "B1 8 tags: IPv4 at offset 46, outer VLAN id kept");
	is_int(cap_link_parse(1, f, 20, &l), ST_ETRUNC, "B1 tag stack cut: ST_ETRUNC");
}

static void test_null(void)
{
	static const uint8_t v6le[] = { 30, 0, 0, 0, 0x60 }, v6be[] = { 0, 0, 0, 24, 0x60 },
			     v4le[] = { 2, 0, 0, 0, 0x45 }, v4be[] = { 0, 0, 0, 2, 0x45 },
			     v6fb[] = { 28, 0, 0, 0, 0x60 }, other[] = { 7, 0, 0, 0, 0 };
	struct cap_link l;
	ok(cap_link_parse(0, v6le, 5, &l) == ST_OK && l.net == 6 && l.off == 4,
	   "B2 NULL AF_INET6=30 little-endian");
	ok(cap_link_parse(0, v6be, 5, &l) == ST_OK && l.net == 6, "B2 NULL AF_INET6=24 big-endian");
	ok(cap_link_parse(108, v4le, 5, &l) == ST_OK && l.net == 4, "B2 LOOP AF_INET little-endian");
	ok(cap_link_parse(108, v4be, 5, &l) == ST_OK && l.net == 4, "B2 LOOP AF_INET big-endian");
	ok(cap_link_parse(0, v6fb, 5, &l) == ST_OK && l.net == 6, "B2 NULL AF_INET6=28 (FreeBSD)");
	ok(cap_link_parse(0, other, 5, &l) == ST_OK && l.net == 0, "B2 NULL other AF: not IP");
}

static void test_others(void)
{
	uint8_t sll[20] = { 0 }, sll2[24] = { 0 }, raw[1] = { 0x60 };
	struct cap_link l;
	sll[14] = 0x86;
	sll[15] = 0xdd;
	ok(cap_link_parse(113, sll, 20, &l) == ST_OK && l.net == 6 && l.off == 16, "SLL IPv6 at 16");
	sll2[0] = 0x08;
	ok(cap_link_parse(276, sll2, 24, &l) == ST_OK && l.net == 4 && l.off == 20, "SLL2 IPv4 at 20");
	ok(cap_link_parse(101, raw, 1, &l) == ST_OK && l.net == 6, "LINKTYPE_RAW: version nibble");
	ok(cap_link_parse(12, raw, 1, &l) == ST_OK && l.net == 6, "DLT_RAW 12");
	ok(cap_link_parse(228, raw, 1, &l) == ST_OK && l.net == 4, "LINKTYPE_IPV4");
	ok(cap_link_parse(229, raw, 1, &l) == ST_OK && l.net == 6, "LINKTYPE_IPV6");
	is_int(cap_link_parse(239, raw, 1, &l), ST_EUNSUPP, "NFLOG: unsupported");
	is_int(cap_link_parse(1, raw, 1, &l), ST_ETRUNC, "Ethernet cut: ST_ETRUNC");
}

int main(void)
{
	test_vlan();
	test_null();
	test_others();
	return done_testing();
}
