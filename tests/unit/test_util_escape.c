/* tests/unit/test_util_escape.c -- util/escape.c: the one door out. */
#include <stdint.h>
#include <string.h>
#include "tests/tap.h"
#include "util/escape.h"

static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* Inverse of the dig escapes, to prove the escaping is lossless (H2). */
static size_t unescape(const char *s, uint8_t *out)
{
	size_t n = 0;
	while (*s) {
		if (*s == '\\' && s[1] >= '0' && s[1] <= '9') {
			out[n++] = (uint8_t)((s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'));
			s += 4;
		} else if (*s == '\\') {
			out[n++] = (uint8_t)s[1];
			s += 2;
		} else {
			out[n++] = (uint8_t)*s++;
		}
	}
	return n;
}

static void test_label(void)
{
	char buf[64];
	const uint8_t spec[] = ". ;()\\\"@$";
	size_t n = st_escape_label(buf, sizeof(buf), spec, sizeof(spec) - 1);
	is_str(buf, "\\.\\ \\;\\(\\)\\\\\\\"\\@\\$", "label specials escaped as \\X");
	is_int((long long)n, (long long)strlen(buf), "label returns full length");
	const uint8_t ctl[] = { 0x00, 0x1b, 0x7f, 0xff, 'a', '\'' };
	st_escape_label(buf, sizeof(buf), ctl, sizeof(ctl));
	is_str(buf, "\\000\\027\\127\\255a'", "D10 NUL/ESC/DEL/0xFF as \\DDD, quote kept");
}

static void test_text(void)
{
	char buf[128];
	const uint8_t t[] = "a\"b\\c\r\n\x1b]0;x\x07\xe2\x80\xae";
	st_escape_text(buf, sizeof(buf), t, sizeof(t) - 1);
	is_str(buf, "a\\\"b\\\\c\\013\\010\\027]0;x\\007\\226\\128\\174",
	       "E5 text: quotes, controls, OSC, bidi override all escaped");
	ok(printable(buf), "E5 text output printable ASCII");
	const uint8_t sp[] = "a b.c;d";
	st_escape_text(buf, sizeof(buf), sp, sizeof(sp) - 1);
	is_str(buf, "a b.c;d", "text keeps space, dot, semicolon");
}

static void test_truncation(void)
{
	char buf[6];
	const uint8_t t[] = { 0, 1, 2 };
	size_t n = st_escape_text(buf, sizeof(buf), t, 3);
	is_int((long long)n, 12, "truncated escape returns full length");
	is_str(buf, "\\000\\", "truncated output NUL-terminated in bounds");
	char one[1] = { 'x' };
	n = st_escape_label(one, 1, t, 3);
	ok(n == 12 && one[0] == '\0', "dstlen 1 writes only the NUL");
	char h[4];
	n = st_escape_html(h, sizeof(h), "<<");
	ok(n == 8 && strlen(h) == 3, "html truncation like snprintf");
}

static void test_html(void)
{
	char buf[256];
	st_escape_html(buf, sizeof(buf), "<script>alert('x')&\"</script>");
	is_str(buf, "&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;",
	       "H3 html entities for & < > \" '");
	st_escape_html(buf, sizeof(buf), "a\x01\x7f\xff");
	is_str(buf, "a&#1;&#127;&#255;", "html: bytes outside 0x20-0x7E as &#NNN;");
}

static void test_all_bytes(void)
{
	uint8_t all[256], back[256];
	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	char buf[4 * 256 + 1];
	st_escape_label(buf, sizeof(buf), all, sizeof(all));
	ok(printable(buf), "H2 label escape of every byte is printable ASCII");
	ok(unescape(buf, back) == 256 && memcmp(all, back, 256) == 0,
	   "H2 label escape round-trips every byte");
	st_escape_text(buf, sizeof(buf), all, sizeof(all));
	ok(printable(buf), "H2 text escape of every byte is printable ASCII");
	ok(unescape(buf, back) == 256 && memcmp(all, back, 256) == 0,
	   "H2 text escape round-trips every byte");
	char html[8 * 1024 + 1];
	st_escape_html(html, sizeof(html), buf);
	ok(printable(html) && !strpbrk(html, "<>\"'"), "html of escaped text has no markup");
}

int main(void)
{
	test_label();
	test_text();
	test_truncation();
	test_html();
	test_all_bytes();
	return done_testing();
}
