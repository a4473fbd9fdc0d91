/* analyze/canon.h -- the data an RRSIG signs: RFC 4034 3.1.8.1, with the
 * canonical form and order of 6.2 and 6.3 (RFC 6840 5.1 applied) and the
 * wildcard owner of RFC 4035 5.3.2.
 *
 *   signed data = RRSIG RDATA without the signature, signer name in
 *                 canonical form (lowercase, uncompressed)
 *               | RR(1) | RR(2) | ...   sorted by canonical RDATA, no duplicates
 *   RR(i)       = owner | type | class | RRSIG original TTL | RDLENGTH | RDATA
 *
 * owner: lowercased; when the RRSIG's labels field is smaller than the
 * owner's label count, "*." + the rightmost `labels` labels (a wildcard
 * expansion). labels > owner's count is refused (THREATS F11).
 * RDATA: names inside the RDATA of NS, MD, MF, CNAME, SOA, MB, MG, MR, PTR,
 * MINFO, MX, RP, AFSDB, RT, SIG, PX, NXT, NAPTR, KX, SRV, DNAME, A6 and
 * RRSIG are decompressed and lowercased (RFC 4034 6.2 as corrected by RFC
 * 6840 5.1, which removes NSEC: an NSEC's next name is decompressed if a
 * sender compressed it, but keeps its case; HINFO carries no names). Other
 * types are copied as they are.
 *
 * Input RDATA stays where it is in its DNS message (struct an_wire), since
 * names inside it may be compressed against that message; names are read
 * with dec_name_read (decode/name.h), the one checked door.
 *
 * Output goes into a caller-owned growable buffer (struct an_buf). Caps:
 * AN_CANON_MAX_BYTES of output, AN_CANON_MAX_RRS records: beyond them the
 * call returns ST_ELIMIT. Errors: ST_EMALF/ST_ETRUNC with *why for RDATA
 * that contradicts its type's layout, ST_ENOMEM. On error the buffer's
 * contents are unspecified (but it stays valid to reuse or clear). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "decode/name.h"

#define AN_CANON_MAX_BYTES (65535 * 2)
#define AN_CANON_MAX_RRS 8192

/* A byte range inside a DNS message: RDATA at msg[off .. off+len). */
struct an_wire {
	const uint8_t *msg;
	size_t msg_len;
	size_t off;
	size_t len;
};

/* Growable byte buffer owned by the caller; max caps len. */
struct an_buf {
	uint8_t *data;
	size_t len, cap, max;
};

void an_buf_init(struct an_buf *b, size_t max); /* max 0: AN_CANON_MAX_BYTES */
void an_buf_clear(struct an_buf *b);            /* frees; init again to reuse */
/* Appends n bytes: ST_OK, ST_ELIMIT (would pass max), ST_ENOMEM. */
int an_buf_put(struct an_buf *b, const void *p, size_t n);

/* Appends the canonical form of one RDATA of the given type to out. */
int an_canon_rdata(struct an_buf *out, uint16_t type, const struct an_wire *rd,
		   const char **why);

/* Fills out (emptied first) with the signed data of RRSIG `rrsig` (its whole
 * RDATA, signature included) over the RRset (owner, type, rclass) whose n
 * RDATAs are rds[0..n). The RRSIG's type covered must equal type. */
int an_canon_signed_data(struct an_buf *out, const struct an_wire *rrsig,
			 const struct dec_name *owner, uint16_t type, uint16_t rclass,
			 const struct an_wire *rds, size_t n, const char **why);

/* Whether names in this type's RDATA are lowercased (RFC 6840 5.1 list). */
int an_canon_type_lowercases(uint16_t type);
