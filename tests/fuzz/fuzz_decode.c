/* tests/fuzz/fuzz_decode.c -- the input is one DNS message. Parses it,
 * runs every RDATA parser and dec_rdata_to_text on every RR (at full and
 * at a truncated buffer size, as Unbound's fuzz_2 does), prints owners
 * and EDE texts, and aborts if any text leaves printable ASCII. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "decode/msg.h"
#include "decode/names.h"
#include "decode/rdata.h"
#include "util/arena.h"
#include "util/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_print(const char *s, size_t full, size_t cap)
{
	size_t len = strlen(s);
	if (len >= cap || (full < cap && len != full))
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			abort();
}

static void run_parsers(const struct dec_msg *m, const struct dec_rr *rr)
{
	const char *why;
	struct dec_rrsig s;
	struct dec_dnskey k;
	struct dec_ds d;
	struct dec_nsec n;
	struct dec_nsec3 n3;
	struct dec_nsec3param p;
	char t[DEC_NAME_TEXT_MAX];
	if (dec_rrsig_parse(m, rr, &s, &why) == ST_OK)
		must_print(t, dec_name_to_text(&s.signer, t, sizeof(t)), sizeof(t));
	(void)dec_dnskey_parse(m, rr, &k, &why);
	(void)dec_ds_parse(m, rr, &d, &why);
	if (dec_nsec_parse(m, rr, &n, &why) == ST_OK) {
		(void)dec_bitmap_has(n.bitmap, n.bitmap_len, rr->type);
		if (dec_name_cmp(&n.next, &rr->owner) == 0 && !dec_name_is_subdomain(&n.next, &rr->owner))
			abort();
	}
	if (dec_nsec3_parse(m, rr, &n3, &why) == ST_OK)
		(void)dec_bitmap_has(n3.bitmap, n3.bitmap_len, 46);
	(void)dec_nsec3param_parse(m, rr, &p, &why);
	(void)dec_key_tag(m->wire + rr->rdata_off, rr->rdlen);
}

static void run_text(const struct dec_msg *m, const struct dec_rr *rr, size_t small)
{
	static char big[1 << 18];
	char tiny[64];
	size_t full = dec_rdata_to_text(m, rr, big, sizeof(big));
	must_print(big, full, sizeof(big));
	size_t cap = small % sizeof(tiny) + 1;
	size_t f2 = dec_rdata_to_text(m, rr, tiny, cap);
	if (f2 != full)
		abort();
	must_print(tiny, f2, cap);
	char t[DEC_NAME_TEXT_MAX], buf[16];
	must_print(t, dec_name_to_text(&rr->owner, t, sizeof(t)), sizeof(t));
	const char *tn = dec_type_name(rr->type, buf, sizeof(buf));
	must_print(tn, strlen(tn), 17);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct st_arena *arena;
	if (!arena && !(arena = st_arena_new(4 << 20)))
		abort();
	st_arena_reset(arena);
	struct dec_msg m;
	dec_msg_parse(&m, data, size, arena);
	if (m.nrr && !m.rr)
		abort();
	for (uint16_t i = 0; i < m.nrr; i++) {
		run_parsers(&m, &m.rr[i]);
		run_text(&m, &m.rr[i], size ? data[size - 1] : 0);
	}
	for (uint16_t i = 0; i < m.edns.nede; i++) {
		static char esc[4 * 65536 + 1];
		const struct dec_ede *e = &m.edns.ede[i];
		if ((size_t)e->text_off + e->text_len > m.len)
			abort();
		size_t full = st_escape_text(esc, sizeof(esc), m.wire + e->text_off, e->text_len);
		must_print(esc, full, sizeof(esc));
		(void)dec_ede_name(e->code);
	}
	if (m.has_question) {
		char t[DEC_NAME_TEXT_MAX];
		must_print(t, dec_name_to_text(&m.qname, t, sizeof(t)), sizeof(t));
	}
	return 0;
}
