/* util/escape.c -- the one door out for packet bytes (see escape.h).
 *
 * Every function writes through a small sink that counts the full length
 * while writing at most dstlen-1 bytes, so truncation behaves like
 * snprintf and the result is always NUL-terminated. */
#include "util/escape.h"

struct esc_sink {
	char *dst;
	size_t cap;     /* bytes we may write, NUL excluded */
	size_t n;       /* length the full output has so far */
};

static void sink_init(struct esc_sink *s, char *dst, size_t dstlen)
{
	s->dst = dst;
	s->cap = dstlen ? dstlen - 1 : 0;
	s->n = 0;
}

static inline void sink_put(struct esc_sink *s, char ch)
{
	if (s->n < s->cap)
		s->dst[s->n] = ch;
	s->n++;
}

static void sink_str(struct esc_sink *s, const char *str)
{
	while (*str)
		sink_put(s, *str++);
}

/* \DDD with three decimal digits (RFC 1035 5.1). */
static void sink_ddd(struct esc_sink *s, uint8_t b)
{
	sink_put(s, '\\');
	sink_put(s, (char)('0' + b / 100));
	sink_put(s, (char)('0' + b / 10 % 10));
	sink_put(s, (char)('0' + b % 10));
}

static size_t sink_done(struct esc_sink *s, size_t dstlen)
{
	if (dstlen)
		s->dst[s->n < s->cap ? s->n : s->cap] = '\0';
	return s->n;
}

static inline int is_print(uint8_t b)
{
	return b >= 0x20 && b <= 0x7e;
}

/* Characters with a meaning in master files (RFC 1035 5.1), plus space. */
static int is_label_special(uint8_t b)
{
	switch (b) {
	case '.': case ';': case '(': case ')': case '\\': case '"':
	case '@': case '$': case ' ':
		return 1;
	default:
		return 0;
	}
}

size_t st_escape_label(char *dst, size_t dstlen, const uint8_t *src, size_t len)
{
	struct esc_sink s;
	sink_init(&s, dst, dstlen);
	for (size_t i = 0; i < len; i++) {
		uint8_t b = src[i];
		if (is_label_special(b)) {
			sink_put(&s, '\\');
			sink_put(&s, (char)b);
		} else if (is_print(b)) {
			sink_put(&s, (char)b);
		} else {
			sink_ddd(&s, b);
		}
	}
	return sink_done(&s, dstlen);
}

size_t st_escape_text(char *dst, size_t dstlen, const uint8_t *src, size_t len)
{
	struct esc_sink s;
	sink_init(&s, dst, dstlen);
	for (size_t i = 0; i < len; i++) {
		uint8_t b = src[i];
		if (b == '\\' || b == '"') {
			sink_put(&s, '\\');
			sink_put(&s, (char)b);
		} else if (is_print(b)) {
			sink_put(&s, (char)b);
		} else {
			sink_ddd(&s, b);
		}
	}
	return sink_done(&s, dstlen);
}

size_t st_escape_html(char *dst, size_t dstlen, const char *src)
{
	struct esc_sink s;
	sink_init(&s, dst, dstlen);
	for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
		switch (*p) {
		case '&': sink_str(&s, "&amp;"); break;
		case '<': sink_str(&s, "&lt;"); break;
		case '>': sink_str(&s, "&gt;"); break;
		case '"': sink_str(&s, "&quot;"); break;
		case '\'': sink_str(&s, "&#39;"); break;
		default:
			if (is_print(*p)) {
				sink_put(&s, (char)*p);
			} else {
				/* &#NNN; keeps the page ASCII whatever the byte. */
				sink_str(&s, "&#");
				if (*p >= 100)
					sink_put(&s, (char)('0' + *p / 100));
				if (*p >= 10)
					sink_put(&s, (char)('0' + *p / 10 % 10));
				sink_put(&s, (char)('0' + *p % 10));
				sink_put(&s, ';');
			}
		}
	}
	return sink_done(&s, dstlen);
}
