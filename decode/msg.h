/* decode/msg.h -- one DNS message, parsed and bounds-checked.
 *
 * dec_msg_parse() walks header, question, all three RR sections and the
 * EDNS0 OPT record, decompressing owner names. RDATA stays where it is in
 * the message (rdata_off/rdlen); decode/rdata.h decodes it field by field.
 * Every array lives in the arena given to the parser; the message bytes
 * are the caller's and must outlive the struct. A malformed message is
 * parsed as far as it goes: err/why/err_off say what broke and where, and
 * the sections read before the break are kept. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "decode/name.h"

struct st_arena;

enum dec_section { DEC_SEC_QD, DEC_SEC_AN, DEC_SEC_NS, DEC_SEC_AR };

/* Caps (THREATS.md E3): beyond them we stop walking and record ST_ELIMIT. */
#define DEC_EDNS_MAX_OPTIONS 100
#define DEC_EDE_MAX 16

struct dec_rr {
	uint8_t section;        /* enum dec_section */
	uint16_t type, rclass;
	uint32_t ttl;
	uint16_t owner_off;     /* where the owner starts in the message */
	uint16_t rdata_off, rdlen;
	struct dec_name owner;  /* decompressed */
};

struct dec_opt {
	uint16_t code, len;
	uint16_t off;           /* option data offset in the message */
};

struct dec_ede {
	uint16_t code;          /* RFC 8914 INFO-CODE */
	uint16_t text_off, text_len; /* EXTRA-TEXT bytes in the message */
};

struct dec_edns {
	bool present;
	uint16_t udp_size;
	uint8_t ext_rcode;      /* upper 8 bits of the 12-bit rcode */
	uint8_t version;
	bool do_bit;
	uint16_t z;             /* the 15 flag bits after DO */
	uint16_t nopt;
	struct dec_opt *opt;
	uint16_t nede;
	struct dec_ede *ede;
	int16_t nsid_idx;       /* index in opt of the first NSID, -1 if none */
	uint16_t extra_opt_rrs; /* OPT RRs after the first (malformed, E1) */
};

struct dec_msg {
	const uint8_t *wire;
	size_t len;
	uint16_t id;
	bool qr, aa, tc, rd, ra, z, ad, cd;
	uint8_t opcode;         /* 4 bits */
	uint8_t rcode;          /* 4 bits from the header */
	uint16_t rcode_full;    /* with the EDNS extended rcode */
	uint16_t qdcount, ancount, nscount, arcount; /* as the header says */
	bool has_question;
	struct dec_name qname;
	uint16_t qtype, qclass;
	uint16_t nrr;           /* RRs parsed, OPT included */
	struct dec_rr *rr;      /* in message order */
	uint16_t nsec[4];       /* RRs parsed per section */
	struct dec_edns edns;
	int err;                /* ST_OK, ST_ETRUNC, ST_EMALF, ST_ELIMIT */
	const char *why;        /* static reason when err != ST_OK */
	size_t err_off;         /* offset where it broke */
};

/* Returns m->err. Only a message shorter than the 12-byte header leaves
 * the header fields zero (err ST_ETRUNC). arena: where rr/opt/ede arrays
 * go; ST_ENOMEM if it runs out. */
int dec_msg_parse(struct dec_msg *m, const uint8_t *wire, size_t len,
		  struct st_arena *arena);
