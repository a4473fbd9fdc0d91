/* tests/unit/test_decode_msg.c -- decode/msg.c and decode/edns.c with
 * crafted messages (THREATS D6, D7, D11, E1-E6) and real ones. */
#include "decode/msg.h"
#include "decode/names.h"
#include "decode/rdata.h"
#include "tests/tap.h"
#include "tests/unit/dns_build.h"
#include "util/arena.h"

static struct bld w;
static struct st_arena *arena;
static struct dec_msg m;

static int parse(void)
{
	st_arena_reset(arena);
	return dec_msg_parse(&m, w.b, w.n, arena);
}

static void question(const char *qname, unsigned qtype)
{
	b_name(&w, qname);
	b_u16(&w, qtype);
	b_u16(&w, 1);
}

static void test_basic(void)
{
	b_hdr(&w, 0x1234, 0x8180, 1, 2, 0, 0);
	question("example.com", 1);
	size_t r = b_rr(&w, "example.com", 1, 1, 300);
	b_u32(&w, 0xc0000201);
	b_rr_end(&w, r);
	b_u16(&w, 0xc00c); b_u16(&w, 28); b_u16(&w, 1); b_u32(&w, 60); b_u16(&w, 16);
	for (int i = 0; i < 16; i++)
		b_u8(&w, i == 15);
	is_int(parse(), ST_OK, "simple response parses");
	ok(m.id == 0x1234 && m.qr && m.rd && m.ra && !m.aa && !m.tc, "header fields");
	ok(m.has_question && m.qtype == 1 && m.qclass == 1, "question");
	is_int(m.nrr, 2, "two answers");
	is_int(m.nsec[DEC_SEC_AN], 2, "answer section count");
	is_int(m.rr[1].owner.len, 13, "compressed owner decompressed");
	is_int(m.rr[1].owner_off, 56, "owner offset");
	char txt[128];
	dec_rdata_to_text(&m, &m.rr[0], txt, sizeof(txt));
	is_str(txt, "192.0.2.1", "A text");
	dec_rdata_to_text(&m, &m.rr[1], txt, sizeof(txt));
	is_str(txt, "::1", "AAAA text");
	ok(!m.edns.present && m.edns.nsid_idx == -1, "no EDNS");
}

static void test_short(void)
{
	w.n = 0;
	b_u16(&w, 7);
	is_int(parse(), ST_ETRUNC, "message shorter than the header");
	ok(m.id == 0 && m.nrr == 0, "header left zero");
}

static void test_d6(void)
{
	b_hdr(&w, 1, 0x8000, 65535, 65535, 65535, 65535);
	question("abcd.ef", 1); /* then three 5-byte root questions */
	while (w.n < 40)
		b_u8(&w, 0);
	struct st_arena *tiny = st_arena_new(1024);
	int rc = dec_msg_parse(&m, w.b, w.n, tiny);
	is_int(rc, ST_EMALF, "D6 QDCOUNT=65535 in 40 bytes: malformed");
	is_str(m.why, "count mismatch", "D6 reason is count mismatch");
	ok(m.has_question && m.qtype == 1, "D6 first question kept");
	is_int(m.qdcount, 65535, "D6 header count kept as sent");
	st_arena_free(tiny);
	/* More answers claimed than sent; the ones present are kept. */
	b_hdr(&w, 1, 0x8000, 1, 5, 0, 0);
	question("a", 1);
	size_t r = b_rr(&w, "a", 1, 1, 1);
	b_u32(&w, 0x01020304);
	b_rr_end(&w, r);
	is_int(parse(), ST_EMALF, "D6 ANCOUNT too large: malformed");
	is_int(m.nrr, 1, "D6 the answer present is kept");
	/* Several questions: all walked, the first kept. */
	b_hdr(&w, 1, 0, 3, 0, 0, 0);
	question("first", 1);
	question("second", 28);
	question("third", 16);
	is_int(parse(), ST_OK, "QDCOUNT 3 parses");
	is_int(m.qname.len, 7, "first question kept");
}

static void test_d7(void)
{
	b_hdr(&w, 1, 0x8000, 0, 1, 0, 0);
	b_name(&w, "a"); b_u16(&w, 16); b_u16(&w, 1); b_u32(&w, 0); b_u16(&w, 50);
	b_u8(&w, 1);
	is_int(parse(), ST_EMALF, "D7 rdlength past the end rejected");
	is_str(m.why, "rdlength past the end of the message", "D7 reason");
	is_int((long long)m.err_off, 23, "D7 offset points at RDLENGTH");
	is_int(m.nrr, 0, "D7 bad RR not kept");
	b_hdr(&w, 1, 0x8000, 0, 2, 0, 0);
	size_t r = b_rr(&w, "a", 1, 1, 0);
	b_rr_end(&w, r);
	r = b_rr(&w, "b", 16, 1, 0);
	b_u8(&w, 1); b_u8(&w, 'x');
	b_rr_end(&w, r);
	is_int(parse(), ST_EMALF, "D7 rdlength 0 for A: malformed");
	ok(m.nrr == 1 && m.rr[0].type == 16, "D7 A dropped, next RR still parsed");
	/* rdlength >= 32768 must not go negative anywhere. */
	b_hdr(&w, 1, 0x8000, 0, 1, 0, 0);
	r = b_rr(&w, "big", 65280, 1, 0);
	for (int i = 0; i < 40000; i++)
		b_u8(&w, i & 0xff);
	b_rr_end(&w, r);
	is_int(parse(), ST_OK, "D7 rdlength 40000 parses");
	is_int(m.rr[0].rdlen, 40000, "D7 rdlength kept unsigned");
	w.n -= 1;
	is_int(parse(), ST_EMALF, "D7 rdlength 40000, one byte short: malformed");
}

static void test_d11(void)
{
	b_hdr(&w, 9, 0x7a0f, 1, 1, 0, 0); /* QR=0, opcode 15, TC, rcode 15 */
	question("x", 1);
	size_t r = b_rr(&w, "x", 1, 1, 0);
	b_u32(&w, 0x7f000001);
	b_rr_end(&w, r);
	is_int(parse(), ST_OK, "D11 QR=0 with an answer, opcode 15, rcode 15 decoded");
	ok(!m.qr && m.opcode == 15 && m.rcode == 15 && m.tc && m.nrr == 1,
	   "D11 fields as they are");
	char buf[16];
	is_str(dec_opcode_name(15, buf, sizeof(buf)), "OPCODE15", "D11 unknown opcode name");
	is_str(dec_rcode_name(15, buf, sizeof(buf)), "RCODE15", "D11 unknown rcode name");
}

/* OPT RR in the additional section; returns its RDATA start. */
static size_t opt_begin(const char *owner, unsigned ext_rcode)
{
	return b_rr(&w, owner, 41, 1232, (uint32_t)ext_rcode << 24 | 0x8000);
}

static void option(unsigned code, const void *data, size_t len)
{
	b_u16(&w, code);
	b_u16(&w, (unsigned)len);
	b_bytes(&w, data, len);
}

static void test_edns_basic(void)
{
	b_hdr(&w, 1, 0x8000, 0, 0, 0, 1);
	size_t r = opt_begin("", 1);
	option(3, "ns1", 3);
	const uint8_t ede[] = { 0, 9, 'n', 'o', ' ', 'k', 'e', 'y' };
	option(15, ede, sizeof(ede));
	option(12, "", 0);
	b_rr_end(&w, r);
	is_int(parse(), ST_OK, "EDNS with NSID, EDE, PADDING");
	ok(m.edns.present && m.edns.udp_size == 1232 && m.edns.do_bit && m.edns.version == 0,
	   "OPT fields");
	is_int(m.rcode_full, 16, "BADVERS: ext_rcode 1, rcode 0 -> 16");
	char buf[16];
	is_str(dec_rcode_name(m.rcode_full, buf, sizeof(buf)), "BADVERS", "BADVERS name");
	is_int(m.edns.nopt, 3, "three options");
	is_int(m.edns.nsid_idx, 0, "NSID index");
	ok(m.edns.nede == 1 && m.edns.ede[0].code == 9 && m.edns.ede[0].text_len == 6 &&
	   memcmp(w.b + m.edns.ede[0].text_off, "no key", 6) == 0, "EDE code and text offsets");
	char txt[256];
	dec_rdata_to_text(&m, &m.rr[0], txt, sizeof(txt));
	is_str(txt, "NSID:6E7331 EDE:9:\"no key\" PADDING:", "OPT text");
	b_hdr(&w, 1, 0x8007, 0, 0, 0, 1);
	r = opt_begin("", 1);
	b_rr_end(&w, r);
	parse();
	is_int(m.rcode_full, 23, "BADCOOKIE: ext_rcode 1, rcode 7 -> 23");
	is_str(dec_rcode_name(23, buf, sizeof(buf)), "BADCOOKIE", "BADCOOKIE name");
}

static void test_e1(void)
{
	b_hdr(&w, 1, 0x8000, 0, 0, 0, 2);
	size_t r = opt_begin("", 0);
	option(3, "a", 1);
	b_rr_end(&w, r);
	r = opt_begin("", 0);
	b_rr_end(&w, r);
	is_int(parse(), ST_EMALF, "E1 two OPT RRs: malformed");
	is_str(m.why, "more than one OPT RR", "E1 reason");
	ok(m.edns.present && m.edns.nopt == 1 && m.edns.extra_opt_rrs == 1, "E1 first decoded, second counted");
	b_hdr(&w, 1, 0x8000, 0, 1, 0, 0);
	r = opt_begin("", 0);
	b_rr_end(&w, r);
	is_int(parse(), ST_EMALF, "E1 OPT in the answer section: malformed");
	ok(!m.edns.present && m.edns.extra_opt_rrs == 1 && m.nrr == 1, "E1 wrong-section OPT not decoded");
	b_hdr(&w, 1, 0x8000, 0, 0, 0, 1);
	r = opt_begin("evil", 0);
	b_rr_end(&w, r);
	is_int(parse(), ST_EMALF, "E1 OPT with a non-root owner: malformed");
	ok(m.edns.present, "E1 non-root OPT still decoded");
}

static void test_e2(void)
{
	b_hdr(&w, 1, 0x8000, 0, 0, 0, 1);
	size_t r = opt_begin("", 0);
	option(3, "ab", 2);
	b_u16(&w, 10); b_u16(&w, 20); b_u32(&w, 0);
	b_rr_end(&w, r);
	is_int(parse(), ST_EMALF, "E2 option length past the OPT RDATA: malformed");
	is_str(m.why, "EDNS option runs past the OPT RDATA", "E2 reason");
	is_int(m.edns.nopt, 1, "E2 options before the break kept");
	b_hdr(&w, 1, 0x8000, 0, 0, 0, 1);
	r = opt_begin("", 0);
	b_u16(&w, 3); b_u8(&w, 0);
	b_rr_end(&w, r);
	is_int(parse(), ST_EMALF, "E2 truncated option header: malformed");
	b_hdr(&w, 1, 0x8000, 0, 0, 0, 1);
	r = opt_begin("", 0);
	option(15, "\x00", 1);
	b_rr_end(&w, r);
	is_int(parse(), ST_EMALF, "E2 EDE shorter than 2 bytes: malformed");
	is_int(m.edns.nede, 0, "E2 short EDE not stored");
}

static void test_e3(void)
{
	b_hdr(&w, 1, 0x8000, 0, 0, 0, 1);
	size_t r = opt_begin("", 0);
	for (int i = 0; i < 5000; i++)
		option(12, "", 0);
	b_rr_end(&w, r);
	is_int(parse(), ST_ELIMIT, "E3 5000 options: limit");
	is_int(m.edns.nopt, DEC_EDNS_MAX_OPTIONS, "E3 walk capped at 100");
	b_hdr(&w, 1, 0x8000, 0, 0, 0, 1);
	r = opt_begin("", 0);
	for (int i = 0; i < 40; i++)
		option(15, "\x00\x06", 2);
	b_rr_end(&w, r);
	is_int(parse(), ST_ELIMIT, "E3 40 EDE options: limit");
	ok(m.edns.nede == DEC_EDE_MAX && m.edns.nopt == 40, "E3 16 EDE kept, all options walked");
}

static void test_e4_e5(void)
{
	b_hdr(&w, 1, 0x8000, 0, 0, 0, 1);
	size_t r = opt_begin("", 0);
	option(15, "\xff\xff", 2);
	option(15, "\x00\x21", 2);
	b_rr_end(&w, r);
	is_int(parse(), ST_OK, "E4 unknown EDE codes parse");
	ok(m.edns.ede[0].code == 65535 && m.edns.ede[1].code == 33, "E4 codes stored numerically");
	ok(dec_ede_name(65535) == NULL, "E4 65535 has no name");
	is_str(dec_ede_name(33), "Negative Trust Anchor", "E4 33 is Negative Trust Anchor");
	is_str(dec_ede_name(27), "Unsupported NSEC3 Iterations Value", "EDE 27 name");
	is_str(dec_ede_name(0), "Other Error", "EDE 0 name");
	/* EXTRA-TEXT: NUL, ESC, C1, bidi, invalid UTF-8, 60 KB. */
	b_hdr(&w, 1, 0x8000, 0, 0, 0, 1);
	r = opt_begin("", 0);
	b_u16(&w, 15); b_u16(&w, 60002); b_u16(&w, 6);
	const uint8_t nasty[] = { 0, 0x1b, '[', '2', 'J', 0xc2, 0x9b, 0xe2, 0x80, 0xae, 0xff, '"' };
	for (int i = 0; i < 5000; i++)
		b_bytes(&w, nasty, sizeof(nasty));
	b_rr_end(&w, r);
	is_int(parse(), ST_OK, "E5 60 KB hostile EXTRA-TEXT parses");
	is_int(m.edns.ede[0].text_len, 60000, "E5 full text length kept");
	static char txt[400000];
	size_t n = dec_rdata_to_text(&m, &m.rr[0], txt, sizeof(txt));
	ok(n < sizeof(txt) && all_printable(txt), "E5 OPT text is printable ASCII");
	char small[32];
	size_t n2 = dec_rdata_to_text(&m, &m.rr[0], small, sizeof(small));
	ok(n2 == n && strlen(small) == sizeof(small) - 1, "E5 truncated text, full length returned");
}

static void test_e6(void)
{
	b_hdr(&w, 1, 0x8000, 0, 0, 0, 1);
	size_t r = opt_begin("", 0);
	option(8, "\x00\x01\x21\x00\x01\x02\x03\x04\x05", 9); /* IPv4 /33 */
	b_rr_end(&w, r);
	is_int(parse(), ST_EMALF, "E6 ECS source prefix 33 for IPv4: malformed");
	is_int(m.edns.nopt, 1, "E6 ECS kept raw");
	b_hdr(&w, 1, 0x8000, 0, 0, 0, 1);
	r = opt_begin("", 0);
	option(8, "\x00\x01\x18\x00\x01\x02", 6); /* /24 with 2 bytes */
	b_rr_end(&w, r);
	is_int(parse(), ST_EMALF, "E6 ECS address bytes not matching the prefix: malformed");
	b_hdr(&w, 1, 0x8000, 0, 0, 0, 1);
	r = opt_begin("", 0);
	option(8, "\x00\x01\x18\x00\x01\x02\x03", 7);
	option(10, "12345678", 8);
	b_rr_end(&w, r);
	is_int(parse(), ST_OK, "E6 good ECS /24 and 8-byte COOKIE");
	b_hdr(&w, 1, 0x8000, 0, 0, 0, 1);
	r = opt_begin("", 0);
	option(10, "12345", 5);
	b_rr_end(&w, r);
	is_int(parse(), ST_EMALF, "E6 COOKIE with a bad length: malformed");
	is_str(m.why, "COOKIE option with a bad length", "E6 reason");
}

static void test_enomem(void)
{
	b_hdr(&w, 1, 0x8000, 0, 10, 0, 0);
	for (int i = 0; i < 10; i++) {
		size_t r = b_rr(&w, "a", 16, 1, 0);
		b_u8(&w, 0);
		b_rr_end(&w, r);
	}
	struct st_arena *tiny = st_arena_new(64);
	is_int(dec_msg_parse(&m, w.b, w.n, tiny), ST_ENOMEM, "arena budget spent: ENOMEM");
	st_arena_free(tiny);
}

/* A real response from the corpus, field by field against tshark. */
static void test_real(void)
{
	size_t len;
	uint8_t *buf = b_slurp("tests/fuzz/fuzz_decode.in/real-tcpdump-dns-badvers-2.bin", &len);
	if (!buf) {
		ok(1, "# SKIP corpus seed not found (run from the repository root)");
		return;
	}
	int rc = dec_msg_parse(&m, buf, len, arena);
	is_int(rc, ST_OK, "tcpdump dns-badvers response parses");
	diag("rcode_full %u, udp %u, version %u", m.rcode_full, m.edns.udp_size, m.edns.version);
	ok(m.edns.present && m.rcode_full == 16, "BADVERS as tshark shows it");
	free(buf);
}

int main(void)
{
	arena = st_arena_new(1 << 20);
	test_basic();
	test_short();
	test_d6();
	test_d7();
	test_d11();
	test_edns_basic();
	test_e1();
	test_e2();
	test_e3();
	test_e4_e5();
	test_e6();
	test_enomem();
	test_real();
	st_arena_free(arena);
	return done_testing();
}
