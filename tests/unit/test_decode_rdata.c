/* tests/unit/test_decode_rdata.c -- decode/rdata.c and rdata_text.c:
 * DNSSEC parsers, key tags, bitmaps, presentation (THREATS D8, D9, F6,
 * F9 shape, F12), against RFC 4034 vectors and real corpus messages. */
#include "decode/msg.h"
#include "decode/rdata.h"
#include "tests/tap.h"
#include "tests/unit/dns_build.h"
#include "util/arena.h"

static const uint8_t rfc4034_key[] = {
	0x01, 0x00, 0x03, 0x05, 0x01, 0x03, 0x9e, 0x8a, 0x24, 0x74, 0x18, 0xe3,
	0x18, 0x90, 0x3b, 0x21, 0x5a, 0x84, 0x8a, 0xcf, 0xd5, 0xf3, 0x7f, 0x02,
	0x6b, 0xd4, 0x06, 0x2d, 0xb2, 0x6c, 0x77, 0x4c, 0x69, 0x09, 0x68, 0xd5,
	0xd5, 0x6d, 0xf8, 0xbf, 0xda, 0x91, 0xe6, 0xf3, 0x6d, 0x9a, 0x27, 0x98,
	0x88, 0xf4, 0x13, 0x33, 0x35, 0x7c, 0x5e, 0x60, 0x29, 0x99, 0x0d, 0x10,
	0xfd, 0xf5, 0x66, 0x30, 0x62, 0xa5, 0x12, 0x76, 0x33, 0x26, 0x98, 0x0a,
	0x61, 0x5d, 0xdb, 0xf1, 0x7a, 0x05, 0xdd, 0xfc, 0xce, 0x7e, 0x5f, 0xb3,
	0xab, 0xcc, 0xa0, 0x5a, 0x31, 0xb0, 0x95, 0x74, 0x52, 0xd4, 0x52, 0x1e,
	0x83, 0x87, 0x07, 0x89, 0x06, 0x31, 0x15, 0xbf, 0x97, 0xf6, 0xc3, 0x08,
	0xcc, 0xf5, 0x7c, 0xdc, 0x9c, 0xe7, 0xfe, 0x10, 0xf6, 0xed, 0x1b, 0xd0,
	0xcc, 0x06, 0x60, 0x03, 0x8c, 0x50, 0xdc, 0xdb, 0x0f, 0xeb, 0x96, 0x3c,
	0x2f, 0x17,
};
static const uint8_t root_ksk_20326[] = {
	0x01, 0x01, 0x03, 0x08, 0x03, 0x01, 0x00, 0x01, 0xac, 0xff, 0xb4, 0x09,
	0xbc, 0xc9, 0x39, 0xf8, 0x31, 0xf7, 0xa1, 0xe5, 0xec, 0x88, 0xf7, 0xa5,
	0x92, 0x55, 0xec, 0x53, 0x04, 0x0b, 0xe4, 0x32, 0x02, 0x73, 0x90, 0xa4,
	0xce, 0x89, 0x6d, 0x6f, 0x90, 0x86, 0xf3, 0xc5, 0xe1, 0x77, 0xfb, 0xfe,
	0x11, 0x81, 0x63, 0xaa, 0xec, 0x7a, 0xf1, 0x46, 0x2c, 0x47, 0x94, 0x59,
	0x44, 0xc4, 0xe2, 0xc0, 0x26, 0xbe, 0x5e, 0x98, 0xbb, 0xcd, 0xed, 0x25,
	0x97, 0x82, 0x72, 0xe1, 0xe3, 0xe0, 0x79, 0xc5, 0x09, 0x4d, 0x57, 0x3f,
	0x0e, 0x83, 0xc9, 0x2f, 0x02, 0xb3, 0x2d, 0x35, 0x13, 0xb1, 0x55, 0x0b,
	0x82, 0x69, 0x29, 0xc8, 0x0d, 0xd0, 0xf9, 0x2c, 0xac, 0x96, 0x6d, 0x17,
	0x76, 0x9f, 0xd5, 0x86, 0x7b, 0x64, 0x7c, 0x3f, 0x38, 0x02, 0x9a, 0xbd,
	0xc4, 0x81, 0x52, 0xeb, 0x8f, 0x20, 0x71, 0x59, 0xec, 0xc5, 0xd2, 0x32,
	0xc7, 0xc1, 0x53, 0x7c, 0x79, 0xf4, 0xb7, 0xac, 0x28, 0xff, 0x11, 0x68,
	0x2f, 0x21, 0x68, 0x1b, 0xf6, 0xd6, 0xab, 0xa5, 0x55, 0x03, 0x2b, 0xf6,
	0xf9, 0xf0, 0x36, 0xbe, 0xb2, 0xaa, 0xa5, 0xb3, 0x77, 0x8d, 0x6e, 0xeb,
	0xfb, 0xa6, 0xbf, 0x9e, 0xa1, 0x91, 0xbe, 0x4a, 0xb0, 0xca, 0xea, 0x75,
	0x9e, 0x2f, 0x77, 0x3a, 0x1f, 0x90, 0x29, 0xc7, 0x3e, 0xcb, 0x8d, 0x57,
	0x35, 0xb9, 0x32, 0x1d, 0xb0, 0x85, 0xf1, 0xb8, 0xe2, 0xd8, 0x03, 0x8f,
	0xe2, 0x94, 0x19, 0x92, 0x54, 0x8c, 0xee, 0x0d, 0x67, 0xdd, 0x45, 0x47,
	0xe1, 0x1d, 0xd6, 0x3a, 0xf9, 0xc9, 0xfc, 0x1c, 0x54, 0x66, 0xfb, 0x68,
	0x4c, 0xf0, 0x09, 0xd7, 0x19, 0x7c, 0x2c, 0xf7, 0x9e, 0x79, 0x2a, 0xb5,
	0x01, 0xe6, 0xa8, 0xa1, 0xca, 0x51, 0x9a, 0xf2, 0xcb, 0x9b, 0x5f, 0x63,
	0x67, 0xe9, 0x4c, 0x0d, 0x47, 0x50, 0x24, 0x51, 0x35, 0x7b, 0xe1, 0xb5,
};

static struct bld w;
static struct st_arena *arena;
static struct dec_msg m;
static char txt[8192];
static const char *why;

/* A response "owner.example." with one answer of type/rdata; the owner
 * sits at offset 12 so RDATA can point back at it (0xc00c). */
static const struct dec_rr *one_rr(unsigned type, const void *rd, size_t len)
{
	b_hdr(&w, 1, 0x8400, 0, 1, 0, 0);
	size_t r = b_rr(&w, "owner.example", type, 1, 3600);
	b_bytes(&w, rd, len);
	b_rr_end(&w, r);
	st_arena_reset(arena);
	if (dec_msg_parse(&m, w.b, w.n, arena) != ST_OK || m.nrr != 1)
		return NULL;
	return &m.rr[0];
}

static const char *text_of(unsigned type, const void *rd, size_t len)
{
	const struct dec_rr *rr = one_rr(type, rd, len);
	if (!rr)
		return "(parse failed)";
	dec_rdata_to_text(&m, rr, txt, sizeof(txt));
	return txt;
}

static void test_key_tag(void)
{
	is_int(dec_key_tag(rfc4034_key, sizeof(rfc4034_key)), 60485,
	       "RFC 4034 5.4 example DNSKEY has key tag 60485");
	is_int(dec_key_tag(root_ksk_20326, sizeof(root_ksk_20326)), 20326,
	       "root KSK (root.key) has key tag 20326");
	uint8_t md5[4 + 10] = { 1, 0, 3, 1, 1, 3, 9, 9, 9, 9, 0xab, 0xcd, 0xef, 0x01 };
	is_int(dec_key_tag(md5, sizeof(md5)), 0xcdef,
	       "algorithm 1 key tag is bits 8..23 of the modulus' tail");
	const struct dec_rr *rr = one_rr(48, rfc4034_key, sizeof(rfc4034_key));
	struct dec_dnskey k;
	ok(rr && dec_dnskey_parse(&m, rr, &k, &why) == ST_OK, "RFC 4034 DNSKEY parses");
	ok(k.flags == 256 && k.protocol == 3 && k.algorithm == 5 && k.tag == 60485 &&
	   k.key_len == sizeof(rfc4034_key) - 4, "DNSKEY fields and tag");
	dec_rdata_to_text(&m, rr, txt, sizeof(txt));
	is_str(txt, "256 3 5 AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==",
	       "DNSKEY text round-trips the RFC base64");
	const uint8_t ds[] = { 0xec, 0x45, 5, 1, 0x2b, 0xb1, 0x83, 0xaf, 0x5f, 0x22,
		0x58, 0x81, 0x79, 0xa5, 0x3b, 0x0a, 0x98, 0x63, 0x1f, 0xad, 0x1a, 0x29,
		0x21, 0x18 };
	is_str(text_of(43, ds, sizeof(ds)), "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
	       "RFC 4034 5.4 DS text");
	is_str(text_of(59, ds, sizeof(ds)), "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
	       "CDS text");
	struct dec_ds d;
	rr = one_rr(43, ds, sizeof(ds) - 1);
	is_int(dec_ds_parse(&m, rr, &d, &why), ST_EMALF, "SHA-1 DS digest of 19 bytes rejected");
}

/* Seeds taken with scapy from dqy's captures; values as tshark prints. */
static int load(const char *name)
{
	static uint8_t *buf;
	size_t len;
	char path[256];
	free(buf);
	snprintf(path, sizeof(path), "tests/fuzz/fuzz_decode.in/%s", name);
	buf = b_slurp(path, &len);
	if (!buf)
		return -1;
	st_arena_reset(arena);
	return dec_msg_parse(&m, buf, len, arena);
}

static void test_real(void)
{
	if (load("real-dqy-dnskey-2.bin") != ST_OK) {
		ok(1, "# SKIP corpus seeds not found (run from the repository root)");
		return;
	}
	struct dec_dnskey k;
	ok(dec_dnskey_parse(&m, &m.rr[0], &k, &why) == ST_OK && k.tag == 51266 &&
	   k.algorithm == 13 && k.flags == 0x0101 && k.key_len == 64,
	   "real DNSKEY: tag 51266 alg 13 flags 0x0101 (tshark dns.dnskey.key_id)");
	dec_rdata_to_text(&m, &m.rr[0], txt, sizeof(txt));
	is_str(txt, "257 3 13 XEn4q8CbG2a4Hw47Ih244BDkwY1tOuprXWKEzMyLPtjO9iIRVt4HLLbx9YaeaYzRcH91mvCstP8I5liQ0Mn1bA==",
	       "real DNSKEY text");
	load("real-dqy-rrsig-2.bin");
	struct dec_rrsig s;
	ok(m.nrr == 3 && dec_rrsig_parse(&m, &m.rr[0], &s, &why) == ST_OK, "real RRSIG parses");
	ok(s.type_covered == 16 && s.algorithm == 13 && s.labels == 4 && s.orig_ttl == 3600 &&
	   s.key_tag == 61102 && s.sig_len == 64 && !s.compressed,
	   "real RRSIG fields as tshark (TXT, 13, 4, 3600, 61102)");
	dec_rdata_to_text(&m, &m.rr[0], txt, sizeof(txt));
	is_str(txt, "TXT 13 4 3600 20240105225356 20231222220918 61102 dns.netmeister.org. 1dKF+G83fLep6Hk1ylM0c5VEkoj8ZTHQj9O30iH0Ldz2+bisTRE7WtDVXCnz0OHL8OOnwpGTLZItfj9kpuvpDw==",
	       "real RRSIG text (expiration Jan 5 2024 22:53:56 UTC as tshark)");
	load("real-dqy-nsec3-2.bin");
	struct dec_nsec3 n3;
	ok(dec_nsec3_parse(&m, &m.rr[2], &n3, &why) == ST_OK && n3.hash_len == 20 &&
	   n3.salt_len == 8 && n3.iterations == 15, "real NSEC3 parses (hash 20, salt 8)");
	dec_rdata_to_text(&m, &m.rr[2], txt, sizeof(txt));
	is_str(txt, "1 0 15 508B7248F76E19FD LL09LIMI7ICRJ66K6SOO4D8MFLIQ0QUU NS SOA TXT RRSIG DNSKEY NSEC3PARAM CDS CDNSKEY",
	       "real NSEC3 text");
	dec_rdata_to_text(&m, &m.rr[0], txt, sizeof(txt));
	is_str(txt, "panix.netmeister.org. jschauma.netmeister.org. 2021073555 3600 300 3600000 3600",
	       "real SOA text");
	load("real-dqy-nsec-2.bin");
	dec_rdata_to_text(&m, &m.rr[0], txt, sizeof(txt));
	is_str(txt, "nsec3.dns.netmeister.org. TXT RRSIG NSEC", "real NSEC text");
	load("real-dqy-ds-2.bin");
	dec_rdata_to_text(&m, &m.rr[0], txt, sizeof(txt));
	is_str(txt, "56393 13 2 BD36DD608262A026083721FA19E2F7B474F531BB3179CC00A0C38FF00CA11657",
	       "real DS text");
}

static void test_text_simple(void)
{
	is_str(text_of(2, "\x02ns\xc0\x0c", 5), "ns.owner.example.", "NS with a compressed name");
	is_str(text_of(5, "\x01" "a\x00", 3), "a.", "CNAME");
	is_str(text_of(12, "\x00", 1), ".", "PTR to the root");
	is_str(text_of(39, "\xc0\x12", 2), "example.", "DNAME pointing into the owner");
	is_str(text_of(15, "\x00\x0a\x04mail\xc0\x0c", 9), "10 mail.owner.example.", "MX");
	is_str(text_of(33, "\x00\x01\x00\x02\x01\xbb\x00", 7), "1 2 443 .", "SRV");
	const uint8_t soa[] = { 2, 'n', 's', 0, 1, 'h', 0, 0, 0, 0, 1, 0, 0, 0, 2,
		0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5 };
	is_str(text_of(6, soa, sizeof(soa)), "ns. h. 1 2 3 4 5", "SOA");
	is_str(text_of(16, "\x03" "a\"b\x02\x00\xff\x00", 8), "\"a\\\"b\" \"\\000\\255\" \"\"", "TXT strings escaped");
	is_str(text_of(65280, "\x0a\x00\x00\x01", 4), "\\# 4 0A000001", "unknown type as RFC 3597");
	is_str(text_of(65280, "", 0), "\\# 0", "empty unknown RDATA");
	is_str(text_of(51, "\x01\x00\x00\x0a\x00", 5), "1 0 10 -", "NSEC3PARAM without salt");
	is_str(text_of(51, "\x01\x01\x00\x00\x02\xab\xcd", 7), "1 1 0 ABCD", "NSEC3PARAM salt hex");
	const struct dec_rr *rr = one_rr(1, "\x7f\x00\x00\x01", 4);
	char small[5];
	size_t n = dec_rdata_to_text(&m, rr, small, sizeof(small));
	ok(n == 9 && strcmp(small, "127.") == 0, "truncated text returns full length");
	/* Another class: A is IN-only (RFC 1035 3.4). */
	b_hdr(&w, 1, 0x8400, 0, 1, 0, 0);
	size_t r = b_rr(&w, "x", 1, 3, 0);
	b_bytes(&w, "\x01\x02\x03\x04", 4);
	b_rr_end(&w, r);
	dec_msg_parse(&m, w.b, w.n, arena);
	dec_rdata_to_text(&m, &m.rr[0], txt, sizeof(txt));
	is_str(txt, "\\# 4 01020304", "CH A printed generically");
}

static void test_d8(void)
{
	is_str(text_of(6, "\x02ns\x00", 4), "\\# 4 026E7300", "D8 SOA with one name rejected to \\#");
	is_str(text_of(15, "\x00\x0a", 2), "\\# 2 000A", "D8 MX without exchange rejected");
	is_str(text_of(2, "\x05" "ab", 3), "\\# 3 056162", "D8 NS name overrunning RDLENGTH rejected");
	is_str(text_of(33, "\x00\x01\x00\x02\x01\xbb", 6), "\\# 6 0001000201BB", "D8 SRV without target rejected");
	is_str(text_of(5, "\x01" "a\x00\x00", 4), "\\# 4 01610000", "D8 CNAME with trailing bytes rejected");
	uint8_t sig[18 + 3] = { 0, 1, 13, 2 };
	sig[18] = 5; sig[19] = 'a'; sig[20] = 'b';
	const struct dec_rr *rr = one_rr(46, sig, sizeof(sig));
	struct dec_rrsig s;
	is_int(dec_rrsig_parse(&m, rr, &s, &why), ST_EMALF, "D8 RRSIG signer overrunning RDATA rejected");
	is_str(why, "RRSIG signer name overruns the RDATA", "D8 RRSIG reason");
	is_int(dec_rrsig_parse(&m, one_rr(46, sig, 17), &s, &why), ST_EMALF, "RRSIG shorter than 18 bytes rejected");
	struct dec_nsec n;
	is_int(dec_nsec_parse(&m, one_rr(47, "\x04next", 5), &n, &why), ST_EMALF,
	       "D8 NSEC next name overrunning RDATA rejected");
	/* The name would be complete if read past RDLENGTH: still rejected. */
	b_hdr(&w, 1, 0x8400, 0, 1, 0, 0);
	size_t r = b_rr(&w, "x", 2, 1, 0);
	b_bytes(&w, "\x01" "a", 2);
	b_rr_end(&w, r);
	b_u8(&w, 0);
	dec_msg_parse(&m, w.b, w.n, arena);
	dec_rdata_to_text(&m, &m.rr[0], txt, sizeof(txt));
	is_str(txt, "\\# 2 0161", "D8 name ending beyond RDLENGTH but inside the message rejected");
}

static void test_d9(void)
{
	uint8_t sig[18 + 2 + 4] = { 0, 1, 13, 2 };
	sig[18] = 0xc0; sig[19] = 0x12; /* -> "example." */
	memcpy(sig + 20, "\x01\x02\x03\x04", 4);
	const struct dec_rr *rr = one_rr(46, sig, sizeof(sig));
	struct dec_rrsig s;
	ok(dec_rrsig_parse(&m, rr, &s, &why) == ST_OK && s.compressed && s.sig_len == 4,
	   "D9 compressed RRSIG signer decoded and flagged");
	char t[64];
	dec_name_to_text(&s.signer, t, sizeof(t));
	is_str(t, "example.", "D9 signer decompressed");
	struct dec_nsec n;
	rr = one_rr(47, "\x01" "a\xc0\x0c\x00\x01\x40", 7);
	ok(rr && dec_nsec_parse(&m, rr, &n, &why) == ST_OK && n.compressed,
	   "D9 compressed NSEC next name flagged");
	rr = one_rr(47, "\x01" "a\x00\x00\x01\x40", 6);
	ok(rr && dec_nsec_parse(&m, rr, &n, &why) == ST_OK && !n.compressed,
	   "uncompressed NSEC next name not flagged");
}

static void nsec3(uint8_t alg, uint8_t hlen, const char *bitmap, size_t blen)
{
	uint8_t rd[300] = { alg, 0, 0, 0, 0, hlen };
	size_t n = 6;
	for (int i = 0; i < hlen; i++)
		rd[n++] = (uint8_t)i;
	memcpy(rd + n, bitmap, blen);
	one_rr(50, rd, n + blen);
}

static void test_f6(void)
{
	struct dec_nsec3 n;
	nsec3(1, 20, "\x00\x01\x40", 3);
	ok(dec_nsec3_parse(&m, &m.rr[0], &n, &why) == ST_OK && n.hash_len == 20 && n.salt_len == 0,
	   "NSEC3 SHA-1 with 20-byte hash");
	dec_rdata_to_text(&m, &m.rr[0], txt, sizeof(txt));
	is_str(txt, "1 0 0 - 000G40O40K30E209185GO38E1S8124GJ A",
	       "NSEC3 text: no salt, base32hex hash (python b32hexencode)");
	nsec3(1, 19, "", 0);
	is_int(dec_nsec3_parse(&m, &m.rr[0], &n, &why), ST_EMALF, "F6 NSEC3 SHA-1 hash of 19 bytes rejected");
	is_str(why, "NSEC3 SHA-1 hash is not 20 bytes", "F6 reason");
	nsec3(1, 0, "", 0);
	is_int(dec_nsec3_parse(&m, &m.rr[0], &n, &why), ST_EMALF, "F6 NSEC3 empty hash rejected");
	nsec3(2, 32, "", 0);
	ok(dec_nsec3_parse(&m, &m.rr[0], &n, &why) == ST_OK && n.hash_alg == 2,
	   "F6 unknown hash algorithm parsed, left to the validator");
	is_int(dec_nsec3_parse(&m, one_rr(50, "\x01\x00\x00\x00\x09\x01", 6), &n, &why), ST_EMALF,
	       "F6 NSEC3 salt overrunning RDATA rejected");
	is_int(dec_nsec3_parse(&m, one_rr(50, "\x01\x00\x00\x00\x00\x14\x01", 7), &n, &why), ST_EMALF,
	       "F6 NSEC3 hash overrunning RDATA rejected");
	struct dec_nsec3param p;
	is_int(dec_nsec3param_parse(&m, one_rr(51, "\x01\x00\x00\x00\x00\xff", 6), &p, &why), ST_EMALF,
	       "NSEC3PARAM with trailing bytes rejected");
	is_int(dec_nsec3param_parse(&m, one_rr(51, "\x01\x00\x00\x00\x05", 5), &p, &why), ST_EMALF,
	       "NSEC3PARAM salt overrun rejected");
}

static void test_f9_shape(void)
{
	uint8_t key[4 + 63] = { 1, 1, 3, 13 };
	struct dec_dnskey k;
	ok(dec_dnskey_parse(&m, one_rr(48, key, sizeof(key)), &k, &why) == ST_OK && k.key_len == 63,
	   "F9 P-256 key of 63 bytes decoded with its true length (shape check is analyze/'s)");
	is_int(dec_dnskey_parse(&m, one_rr(48, key, 4), &k, &why), ST_EMALF, "DNSKEY without key bytes rejected");
	is_int(dec_dnskey_parse(&m, one_rr(48, key, 3), &k, &why), ST_EMALF, "DNSKEY of 3 bytes rejected");
	uint8_t sig[18 + 1 + 63] = { 0, 1, 13, 2 };
	struct dec_rrsig s;
	ok(dec_rrsig_parse(&m, one_rr(46, sig, sizeof(sig)), &s, &why) == ST_OK && s.sig_len == 63,
	   "F9 P-256 signature of 63 bytes decoded with its true length");
	is_int(dec_rrsig_parse(&m, one_rr(46, sig, 19), &s, &why), ST_EMALF, "RRSIG without signature rejected");
}

static void test_f12(void)
{
	const char *bm = "\x00\x06\x40\x01\x00\x00\x00\x03\x01\x01\x40";
	is_int(dec_bitmap_check((const uint8_t *)bm, 11, &why), ST_OK, "good bitmap (A NS SOA MX TXT AAAA, CAA)");
	ok(dec_bitmap_has((const uint8_t *)bm, 11, 1) && dec_bitmap_has((const uint8_t *)bm, 11, 15) &&
	   dec_bitmap_has((const uint8_t *)bm, 11, 46) && dec_bitmap_has((const uint8_t *)bm, 11, 257),
	   "bitmap has A, MX, RRSIG, CAA");
	ok(!dec_bitmap_has((const uint8_t *)bm, 11, 2) && !dec_bitmap_has((const uint8_t *)bm, 11, 600) &&
	   !dec_bitmap_has((const uint8_t *)bm, 11, 65535), "bitmap lacks NS, 600, 65535");
	is_int(dec_bitmap_check((const uint8_t *)"\x01\x01\x40\x00\x01\x40", 6, &why), ST_EMALF,
	       "F12 windows out of order rejected");
	is_int(dec_bitmap_check((const uint8_t *)"\x00\x01\x40\x00\x01\x20", 6, &why), ST_EMALF,
	       "F12 duplicate window rejected");
	is_int(dec_bitmap_check((const uint8_t *)"\x00\x00", 2, &why), ST_EMALF,
	       "F12 window length 0 rejected");
	uint8_t big[2 + 33] = { 0, 33 };
	big[34] = 1;
	is_int(dec_bitmap_check(big, sizeof(big), &why), ST_EMALF, "F12 window length 33 rejected");
	big[1] = 32;
	big[33] = 1;
	is_int(dec_bitmap_check(big, 34, &why), ST_OK, "window length 32 accepted");
	is_int(dec_bitmap_check((const uint8_t *)"\x00\x02\x40\x00", 4, &why), ST_EMALF,
	       "F12 trailing zero octet rejected");
	is_int(dec_bitmap_check((const uint8_t *)"\x00\x05\x40", 3, &why), ST_EMALF,
	       "F12 window overrunning the RDATA rejected");
	is_int(dec_bitmap_check((const uint8_t *)"\x00", 1, &why), ST_EMALF, "F12 lone window byte rejected");
	struct dec_nsec n;
	is_int(dec_nsec_parse(&m, one_rr(47, "\x00\x01\x01\x40\x00\x01\x40", 7), &n, &why), ST_EMALF,
	       "F12 NSEC with windows out of order rejected");
	dec_rdata_to_text(&m, &m.rr[0], txt, sizeof(txt));
	is_str(txt, "\\# 7 00010140000140", "F12 malformed NSEC printed as \\#");
}

static void test_rrsig_text(void)
{
	uint8_t sig[18 + 1 + 3] = { 0, 48, 8, 0, 0, 0, 0x0e, 0x10,
		0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0x4f, 0x66, 0, 'a', 'b', 'c' };
	is_str(text_of(46, sig, sizeof(sig)), "DNSKEY 8 0 3600 21060207062815 19700101000000 20326 . YWJj",
	       "RRSIG text: times at both ends of the 32-bit range");
}

int main(void)
{
	arena = st_arena_new(1 << 20);
	test_key_tag();
	test_real();
	test_text_simple();
	test_d8();
	test_d9();
	test_f6();
	test_f9_shape();
	test_f12();
	test_rrsig_text();
	st_arena_free(arena);
	return done_testing();
}
