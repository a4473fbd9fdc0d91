/* decode/edns.c -- the EDNS0 OPT RR (RFC 6891 6.1) and its options:
 * NSID (RFC 5001), COOKIE shape (RFC 7873 4), ECS shape (RFC 7871 6) and
 * Extended DNS Errors (RFC 8914 2).
 *
 * The option walk is linear and capped at DEC_EDNS_MAX_OPTIONS (Unbound's
 * MAX_PARSED_EDNS_OPTIONS, after CVE-2026-41292); arrays are sized from
 * the OPT RDATA length, never from anything the packet claims. */
#include "decode/edns.h"
#include "decode/rdata.h"
#include "util/arena.h"

enum {
	OPT_NSID = 3, OPT_ECS = 8, OPT_COOKIE = 10, OPT_EDE = 15,
};

/* RFC 7873 4: an 8-byte client cookie, optionally followed by a server
 * cookie of 8 to 32 bytes. */
static int cookie_ok(uint16_t len)
{
	return len == 8 || (len >= 16 && len <= 40);
}

/* RFC 7871 6: FAMILY, SOURCE PREFIX, SCOPE PREFIX, then exactly
 * ceil(source/8) address bytes. Unknown families are left alone. */
static int ecs_ok(const uint8_t *p, uint16_t len)
{
	if (len < 4)
		return 0;
	uint16_t family = (uint16_t)(p[0] << 8 | p[1]);
	unsigned src = p[2], scope = p[3], max;
	if (family == 1)
		max = 32;
	else if (family == 2)
		max = 128;
	else
		return 1;
	if (src > max || scope > max)
		return 0;
	return (unsigned)(len - 4) == (src + 7) / 8;
}

static void option_seen(struct dec_msg *m, uint16_t idx, size_t ede_cap)
{
	struct dec_edns *e = &m->edns;
	const struct dec_opt *o = &e->opt[idx];
	const uint8_t *p = m->wire + o->off;
	switch (o->code) {
	case OPT_NSID:
		if (e->nsid_idx < 0)
			e->nsid_idx = (int16_t)idx;
		break;
	case OPT_COOKIE:
		if (!cookie_ok(o->len))
			dec_msg_note(m, ST_EMALF, "COOKIE option with a bad length", o->off - 4u);
		break;
	case OPT_ECS:
		if (!ecs_ok(p, o->len))
			dec_msg_note(m, ST_EMALF, "ECS option malformed", o->off - 4u);
		break;
	case OPT_EDE:
		if (o->len < 2) {
			dec_msg_note(m, ST_EMALF, "EDE option shorter than 2 bytes", o->off - 4u);
		} else if (e->nede >= ede_cap) {
			dec_msg_note(m, ST_ELIMIT, "too many EDE options", o->off - 4u);
		} else {
			struct dec_ede *d = &e->ede[e->nede++];
			d->code = (uint16_t)(p[0] << 8 | p[1]);
			d->text_off = (uint16_t)(o->off + 2);
			d->text_len = (uint16_t)(o->len - 2);
		}
		break;
	}
}

/* RFC 6891 6.1.2: {OPTION-CODE, OPTION-LENGTH, OPTION-DATA}* to the end
 * of the RDATA. */
static int options_walk(struct dec_msg *m, const struct dec_rr *rr, struct st_arena *a)
{
	struct dec_edns *e = &m->edns;
	size_t cap = rr->rdlen / 4, ede_cap = rr->rdlen / 6;
	if (cap > DEC_EDNS_MAX_OPTIONS)
		cap = DEC_EDNS_MAX_OPTIONS;
	if (ede_cap > DEC_EDE_MAX)
		ede_cap = DEC_EDE_MAX;
	if (cap && !(e->opt = st_arena_alloc(a, cap * sizeof(*e->opt))))
		return ST_ENOMEM;
	if (ede_cap && !(e->ede = st_arena_alloc(a, ede_cap * sizeof(*e->ede))))
		return ST_ENOMEM;
	struct st_cur c = st_cur_make(m->wire, m->len);
	c.pos = rr->rdata_off;
	c.end = (size_t)rr->rdata_off + rr->rdlen;
	while (st_cur_left(&c) > 0) {
		size_t at = c.pos;
		if (st_cur_left(&c) < 4) {
			dec_msg_note(m, ST_EMALF, "EDNS option header truncated", at);
			break;
		}
		/* Each option takes >= 4 bytes, so only the named cap can
		 * stop us here. */
		if (e->nopt >= cap) {
			dec_msg_note(m, ST_ELIMIT, "too many EDNS options", at);
			break;
		}
		uint16_t code = st_cur_u16(&c), len = st_cur_u16(&c);
		if (len > st_cur_left(&c)) {
			dec_msg_note(m, ST_EMALF, "EDNS option runs past the OPT RDATA", at);
			break;
		}
		struct dec_opt *o = &e->opt[e->nopt];
		o->code = code;
		o->len = len;
		o->off = (uint16_t)c.pos;
		st_cur_skip(&c, len);
		option_seen(m, e->nopt++, ede_cap);
	}
	return ST_OK;
}

int dec_edns_opt(struct dec_msg *m, const struct dec_rr *rr, struct st_arena *arena)
{
	struct dec_edns *e = &m->edns;
	if (rr->section != DEC_SEC_AR) {
		e->extra_opt_rrs++;
		dec_msg_note(m, ST_EMALF, "OPT RR outside the additional section", rr->owner_off);
		return ST_OK;
	}
	if (e->present) {
		e->extra_opt_rrs++;
		dec_msg_note(m, ST_EMALF, "more than one OPT RR", rr->owner_off);
		return ST_OK;
	}
	if (rr->owner.len != 1)
		dec_msg_note(m, ST_EMALF, "OPT RR with a non-root owner", rr->owner_off);
	/* RFC 6891 6.1.3: CLASS is the UDP payload size, TTL holds
	 * EXTENDED-RCODE, VERSION, DO and Z. */
	e->present = true;
	e->udp_size = rr->rclass;
	e->ext_rcode = (uint8_t)(rr->ttl >> 24);
	e->version = (uint8_t)(rr->ttl >> 16);
	e->do_bit = (rr->ttl >> 15) & 1;
	e->z = (uint16_t)(rr->ttl & 0x7fff);
	return options_walk(m, rr, arena);
}
