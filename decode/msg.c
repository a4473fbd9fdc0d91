/* decode/msg.c -- one DNS message: header, question, RR sections
 * (RFC 1035 4.1). EDNS0 is in edns.c.
 *
 * Nothing is sized from the header counts: the RR array holds at most
 * (len - 12) / 11 entries, the fewest bytes an RR can take (a one-byte
 * root owner plus 10 fixed bytes), so a hostile ANCOUNT of 65535 in a
 * 40-byte message allocates nothing (THREATS D6). */
#include <string.h>
#include "decode/edns.h"
#include "decode/msg.h"
#include "decode/rdata.h"
#include "util/arena.h"

#define DNS_HEADER_LEN 12
#define DNS_MSG_MAX 65535
#define RR_MIN_LEN 11

void dec_msg_note(struct dec_msg *m, int err, const char *why, size_t off)
{
	if (m->err != ST_OK && err != ST_ENOMEM)
		return;
	m->err = err;
	m->why = why;
	m->err_off = off;
}

/* RFC 1035 4.1.1 */
static void parse_header(struct dec_msg *m, struct st_cur *c)
{
	m->id = st_cur_u16(c);
	uint8_t f1 = st_cur_u8(c), f2 = st_cur_u8(c);
	m->qdcount = st_cur_u16(c);
	m->ancount = st_cur_u16(c);
	m->nscount = st_cur_u16(c);
	m->arcount = st_cur_u16(c);
	m->qr = f1 >> 7;
	m->opcode = (f1 >> 3) & 0x0f;
	m->aa = (f1 >> 2) & 1;
	m->tc = (f1 >> 1) & 1;
	m->rd = f1 & 1;
	m->ra = f2 >> 7;
	m->z = (f2 >> 6) & 1;
	m->ad = (f2 >> 5) & 1;
	m->cd = (f2 >> 4) & 1;
	m->rcode = f2 & 0x0f;
	m->rcode_full = m->rcode;
}

/* RFC 1035 4.1.2. Every entry is walked (QDCOUNT > 1 happens), the first
 * one is kept as the question. */
static int parse_questions(struct dec_msg *m, struct st_cur *c)
{
	for (unsigned i = 0; i < m->qdcount; i++) {
		size_t at = c->pos;
		if (st_cur_left(c) == 0) {
			dec_msg_note(m, ST_EMALF, "count mismatch", at);
			return -1;
		}
		struct dec_name tmp;
		struct dec_name *qn = i == 0 ? &m->qname : &tmp;
		const char *why = NULL;
		if (dec_name_read(c, qn, &why) != ST_OK) {
			dec_msg_note(m, c->err, why, at);
			return -1;
		}
		uint16_t qtype = st_cur_u16(c), qclass = st_cur_u16(c);
		if (c->err != ST_OK) {
			dec_msg_note(m, ST_ETRUNC, "question truncated", at);
			return -1;
		}
		if (i == 0) {
			m->has_question = true;
			m->qtype = qtype;
			m->qclass = qclass;
		}
	}
	return 0;
}

/* RFC 1035 4.1.3: owner, TYPE, CLASS, TTL, RDLENGTH, RDATA. */
static int parse_rr(struct dec_msg *m, struct st_cur *c, struct dec_rr *rr)
{
	size_t at = c->pos;
	const char *why = NULL;
	rr->owner_off = (uint16_t)at;
	if (dec_name_read(c, &rr->owner, &why) != ST_OK) {
		dec_msg_note(m, c->err, why, at);
		return -1;
	}
	rr->type = st_cur_u16(c);
	rr->rclass = st_cur_u16(c);
	rr->ttl = st_cur_u32(c);
	rr->rdlen = st_cur_u16(c);
	if (c->err != ST_OK) {
		dec_msg_note(m, ST_ETRUNC, "RR header truncated", at);
		return -1;
	}
	if (rr->rdlen > st_cur_left(c)) {
		dec_msg_note(m, ST_EMALF, "rdlength past the end of the message", c->pos - 2);
		return -1;
	}
	rr->rdata_off = (uint16_t)c->pos;
	st_cur_skip(c, rr->rdlen);
	return 0;
}

/* Fixed-size RDATA whose length the framing alone can refute (THREATS
 * D7): such an RR is dropped, the message marked malformed. */
static int rdlen_wrong(const struct dec_rr *rr)
{
	if (rr->rclass != 1)
		return 0;
	return (rr->type == DEC_T_A && rr->rdlen != 4) ||
	       (rr->type == DEC_T_AAAA && rr->rdlen != 16);
}

static int parse_sections(struct dec_msg *m, struct st_cur *c, size_t cap,
			  struct st_arena *arena)
{
	const uint16_t count[3] = { m->ancount, m->nscount, m->arcount };
	for (int s = 0; s < 3; s++) {
		for (unsigned i = 0; i < count[s]; i++) {
			if (st_cur_left(c) == 0 || m->nrr >= cap) {
				dec_msg_note(m, ST_EMALF, "count mismatch", c->pos);
				return -1;
			}
			struct dec_rr *rr = &m->rr[m->nrr];
			rr->section = (uint8_t)(DEC_SEC_AN + s);
			if (parse_rr(m, c, rr) != 0)
				return -1;
			if (rdlen_wrong(rr)) {
				dec_msg_note(m, ST_EMALF, "A/AAAA rdlength wrong", rr->rdata_off - 2u);
				continue;
			}
			m->nrr++;
			m->nsec[rr->section]++;
			if (rr->type == DEC_T_OPT &&
			    dec_edns_opt(m, rr, arena) == ST_ENOMEM) {
				dec_msg_note(m, ST_ENOMEM, "arena spent", rr->owner_off);
				return -1;
			}
		}
	}
	return 0;
}

int dec_msg_parse(struct dec_msg *m, const uint8_t *wire, size_t len,
		  struct st_arena *arena)
{
	memset(m, 0, sizeof(*m));
	m->edns.nsid_idx = -1;
	m->wire = wire;
	if (len > DNS_MSG_MAX) {
		dec_msg_note(m, ST_EMALF, "message longer than 65535 bytes", DNS_MSG_MAX);
		len = DNS_MSG_MAX; /* offsets are 16-bit; parse what fits */
	}
	m->len = len;
	if (len < DNS_HEADER_LEN) {
		dec_msg_note(m, ST_ETRUNC, "shorter than the DNS header", len);
		return m->err;
	}
	struct st_cur c = st_cur_make(wire, len);
	parse_header(m, &c);
	size_t cap = (size_t)m->ancount + m->nscount + m->arcount;
	if (cap > (len - DNS_HEADER_LEN) / RR_MIN_LEN)
		cap = (len - DNS_HEADER_LEN) / RR_MIN_LEN;
	if (cap && !(m->rr = st_arena_alloc(arena, cap * sizeof(*m->rr)))) {
		dec_msg_note(m, ST_ENOMEM, "arena spent", DNS_HEADER_LEN);
		return m->err;
	}
	if (parse_questions(m, &c) == 0)
		parse_sections(m, &c, cap, arena);
	if (m->edns.present)
		m->rcode_full = (uint16_t)(m->edns.ext_rcode << 4 | m->rcode);
	return m->err;
}
