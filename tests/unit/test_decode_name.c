/* tests/unit/test_decode_name.c -- decode/name.c, hostile names included
 * (THREATS D1-D5, D10). */
#include <time.h>
#include "decode/name.h"
#include "tests/tap.h"
#include "tests/unit/dns_build.h"

static struct bld w;

/* Reads the name at off in w; returns the code, fills n and why. */
static int rd(size_t off, struct dec_name *n, const char **why, size_t *after)
{
	struct st_cur c = st_cur_make(w.b, w.n);
	c.pos = off;
	*why = NULL;
	int rc = dec_name_read(&c, n, why);
	if (after)
		*after = c.pos;
	return rc;
}

static void hdr(void)
{
	b_hdr(&w, 0, 0, 0, 0, 0, 0);
}

static void test_basic(void)
{
	struct dec_name n;
	const char *why;
	char txt[DEC_NAME_TEXT_MAX];
	size_t after;
	hdr();
	b_name(&w, "www.Example.com");
	size_t p = w.n;
	b_u8(&w, 3); b_bytes(&w, "ftp", 3); b_u16(&w, 0xc000 | 16); /* ftp + ->Example.com */
	is_int(rd(12, &n, &why, &after), ST_OK, "plain name");
	is_int(n.len, 17, "plain name wire length");
	is_int(n.labels, 3, "label count");
	is_int((long long)after, 29, "cursor after plain name");
	dec_name_to_text(&n, txt, sizeof(txt));
	is_str(txt, "www.Example.com.", "text with trailing dot");
	is_int(rd(p, &n, &why, &after), ST_OK, "compressed name");
	is_int((long long)after, (long long)p + 6, "cursor after the pointer, not the target");
	dec_name_to_text(&n, txt, sizeof(txt));
	is_str(txt, "ftp.Example.com.", "decompressed text");
	hdr();
	b_u8(&w, 0);
	is_int(rd(12, &n, &why, NULL), ST_OK, "root name");
	dec_name_to_text(&n, txt, sizeof(txt));
	is_str(txt, ".", "root is a single dot");
}

static void test_d1(void)
{
	struct dec_name n;
	const char *why;
	hdr();
	b_u16(&w, 0xc000 | 12);
	is_int(rd(12, &n, &why, NULL), ST_EMALF, "D1 pointer to itself rejected");
	is_str(why, "compression pointer not backwards", "D1 reason");
	hdr();
	b_u16(&w, 0xc000 | 14);
	b_u16(&w, 0xc000 | 12);
	is_int(rd(14, &n, &why, NULL), ST_EMALF, "D1 two pointers pointing at each other rejected");
	hdr();
	b_u8(&w, 1); b_u8(&w, 'a'); b_u16(&w, 0xc000 | 12);
	is_int(rd(12, &n, &why, NULL), ST_EMALF, "D1 pointer back to its own name start rejected");
	/* 8000 pointers each to the one before: legal, and linear. */
	hdr();
	b_name(&w, "end");
	size_t prev = 12;
	for (int i = 0; i < 8000; i++) {
		size_t here = w.n;
		b_u16(&w, 0xc000 | (unsigned)prev);
		prev = here;
	}
	clock_t t0 = clock();
	int rc = rd(prev, &n, &why, NULL);
	double ms = (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC;
	ok(rc == ST_OK && n.len == 5, "D1 chain of 8000 backwards pointers decodes");
	ok(ms < 50, "D1 pointer chain takes %.2f ms (< 50)", ms);
	/* The same chain pointing forwards: rejected at the first hop. */
	hdr();
	for (int i = 0; i < 8000; i++)
		b_u16(&w, 0xc000 | (unsigned)(w.n + 2));
	b_u8(&w, 0);
	is_int(rd(12, &n, &why, NULL), ST_EMALF, "D1 chain of 8000 forward pointers rejected");
}

static void test_d2_d3(void)
{
	struct dec_name n;
	const char *why;
	hdr();
	b_u16(&w, 0xc000 | 14);
	b_name(&w, "fwd");
	is_int(rd(12, &n, &why, NULL), ST_EMALF, "D2 forward pointer rejected");
	hdr();
	b_u16(&w, 0xc000 | 5);
	is_int(rd(12, &n, &why, NULL), ST_EMALF, "D3 pointer into the header rejected");
	is_str(why, "compression pointer into the header", "D3 header reason");
	hdr();
	b_name(&w, "abc");
	size_t p = w.n;
	b_u16(&w, 0xc000 | 14); /* 'b' = 0x62: a 0x40-type label */
	is_int(rd(p, &n, &why, NULL), ST_EMALF, "D3 pointer into the middle of a label rejected");
	hdr();
	b_u16(&w, 0xc000 | 0x3fff);
	is_int(rd(12, &n, &why, NULL), ST_EMALF, "D3 pointer beyond the message rejected");
	hdr();
	b_u8(&w, 0xc0);
	is_int(rd(12, &n, &why, NULL), ST_ETRUNC, "half a pointer at the end is truncation");
	hdr();
	b_u8(&w, 5); b_bytes(&w, "ab", 2);
	is_int(rd(12, &n, &why, NULL), ST_ETRUNC, "label past the end is truncation");
}

static void test_d4(void)
{
	struct dec_name n;
	const char *why;
	hdr();
	b_u8(&w, 0x41); b_bytes(&w, "x", 1); b_u8(&w, 0);
	is_int(rd(12, &n, &why, NULL), ST_EMALF, "D4 label type 0x40 (length 65) rejected");
	is_str(why, "bad label type (0x40/0x80)", "D4 reason");
	hdr();
	b_u8(&w, 0x80); b_u8(&w, 0);
	is_int(rd(12, &n, &why, NULL), ST_EMALF, "D4 label type 0x80 rejected");
	hdr();
	b_u8(&w, 63);
	for (int i = 0; i < 63; i++)
		b_u8(&w, 'a');
	b_u8(&w, 0);
	is_int(rd(12, &n, &why, NULL), ST_OK, "D4 label of 63 accepted");
}

/* Name of wire length total: three 63-byte labels and a filler label. */
static void long_name(size_t total)
{
	hdr();
	for (int l = 0; l < 3; l++) {
		b_u8(&w, 63);
		for (int i = 0; i < 63; i++)
			b_u8(&w, 'a' + l);
	}
	size_t last = total - 192 - 1 - 1;
	b_u8(&w, (unsigned)last);
	for (size_t i = 0; i < last; i++)
		b_u8(&w, 'z');
	b_u8(&w, 0);
}

static void test_d5(void)
{
	struct dec_name n;
	const char *why;
	char txt[DEC_NAME_TEXT_MAX];
	for (size_t len = 253; len <= 256; len++) {
		long_name(len);
		int rc = rd(12, &n, &why, NULL);
		if (len <= 255) {
			ok(rc == ST_OK && n.len == len, "D5 name of %zu bytes accepted", len);
		} else {
			is_int(rc, ST_EMALF, "D5 name of %zu bytes rejected", len);
			is_str(why, "name longer than 255 bytes", "D5 256 reason");
		}
	}
	long_name(255);
	rd(12, &n, &why, NULL);
	size_t tl = dec_name_to_text(&n, txt, sizeof(txt));
	is_int((long long)tl, 254, "D5 255-byte name text length");
	/* Compression that pushes a name to 256 after decompression. */
	long_name(255);
	size_t p = w.n;
	b_u8(&w, 1); b_u8(&w, 'x'); b_u16(&w, 0xc000 | 12);
	is_int(rd(p, &n, &why, NULL), ST_EMALF, "D5 name over 255 after decompression rejected");
}

static void test_d10(void)
{
	struct dec_name n;
	const char *why;
	char txt[DEC_NAME_TEXT_MAX];
	hdr();
	const uint8_t lab[] = { 'a', '.', 'b', '\\', 0, 0xff, ' ', '"', '\'', '$', '\x1b' };
	b_u8(&w, sizeof(lab));
	b_bytes(&w, lab, sizeof(lab));
	b_u8(&w, 0);
	is_int(rd(12, &n, &why, NULL), ST_OK, "D10 odd bytes decode");
	dec_name_to_text(&n, txt, sizeof(txt));
	is_str(txt, "a\\.b\\\\\\000\\255\\ \\\"'\\$\\027.", "D10 escaped presentation, NUL does not truncate");
	/* A full 255-byte name of 0xff bytes fits DEC_NAME_TEXT_MAX. */
	hdr();
	for (int l = 0; l < 4; l++) {
		int k = l < 3 ? 63 : 61;
		b_u8(&w, (unsigned)k);
		for (int i = 0; i < k; i++)
			b_u8(&w, 0xff);
	}
	b_u8(&w, 0);
	rd(12, &n, &why, NULL);
	size_t tl = dec_name_to_text(&n, txt, sizeof(txt));
	ok(tl == 250 * 4 + 4 && strlen(txt) == tl, "worst-case text fits DEC_NAME_TEXT_MAX");
	char small[8];
	tl = dec_name_to_text(&n, small, sizeof(small));
	ok(tl == strlen(small) && tl < sizeof(small), "to_text truncates safely");
}

static struct dec_name mk(const char *dotted)
{
	struct dec_name n;
	const char *why;
	hdr();
	b_name(&w, dotted);
	rd(12, &n, &why, NULL);
	return n;
}

static void test_cmp(void)
{
	/* RFC 4034 6.1 example order (\001 and \200 as raw bytes). */
	const char *order[] = { "example", "a.example", "yljkjljk.a.example",
		"Z.a.example", "zABC.a.EXAMPLE", "z.example", "\001.z.example",
		"*.z.example", "\200.z.example" };
	int good = 1;
	for (size_t i = 0; i + 1 < sizeof(order) / sizeof(order[0]); i++) {
		struct dec_name a = mk(order[i]), b = mk(order[i + 1]);
		if (!(dec_name_cmp(&a, &b) < 0 && dec_name_cmp(&b, &a) > 0))
			good = 0, diag("order broken at %zu", i);
	}
	ok(good, "RFC 4034 6.1 canonical order example");
	struct dec_name a = mk("WWW.example.COM"), b = mk("www.EXAMPLE.com");
	is_int(dec_name_cmp(&a, &b), 0, "cmp is case-insensitive");
	dec_name_lower(&a);
	char txt[DEC_NAME_TEXT_MAX];
	dec_name_to_text(&a, txt, sizeof(txt));
	is_str(txt, "www.example.com.", "lower");
	struct dec_name root = mk("."), com = mk("COM"), ex = mk("example.com");
	ok(dec_name_is_subdomain(&ex, &com), "example.com under COM");
	ok(dec_name_is_subdomain(&ex, &root), "everything under root");
	ok(dec_name_is_subdomain(&ex, &ex), "a name is under itself");
	ok(!dec_name_is_subdomain(&com, &ex), "parent not under child");
	struct dec_name xcom = mk("xcom"), bcom = mk("b.xcom");
	ok(!dec_name_is_subdomain(&bcom, &com), "b.xcom not under com (label boundary)");
	(void)xcom;
}

int main(void)
{
	test_basic();
	test_d1();
	test_d2_d3();
	test_d4();
	test_d5();
	test_d10();
	test_cmp();
	return done_testing();
}
