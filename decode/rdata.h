/* decode/rdata.h -- RDATA of the DNSSEC types, field by field, plus a
 * generic presentation of any RR.
 *
 * Each parser takes the message and one RR from dec_msg_parse() and fills
 * a struct whose pointers point into the message. Returns ST_OK, or
 * ST_EMALF/ST_ETRUNC with *why set, and then the struct is not usable.
 * Embedded names are decoded with dec_name_read (compression accepted but
 * it is recorded in `compressed`, RFC 4034 says it must not be used). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "decode/msg.h"

enum {
	DEC_T_A = 1, DEC_T_NS = 2, DEC_T_CNAME = 5, DEC_T_SOA = 6,
	DEC_T_PTR = 12, DEC_T_MX = 15, DEC_T_TXT = 16, DEC_T_AAAA = 28,
	DEC_T_SRV = 33, DEC_T_DNAME = 39, DEC_T_OPT = 41, DEC_T_DS = 43,
	DEC_T_RRSIG = 46, DEC_T_NSEC = 47, DEC_T_DNSKEY = 48,
	DEC_T_NSEC3 = 50, DEC_T_NSEC3PARAM = 51, DEC_T_CDS = 59,
	DEC_T_CDNSKEY = 60, DEC_T_ANY = 255,
};

struct dec_rrsig {
	uint16_t type_covered;
	uint8_t algorithm, labels;
	uint32_t orig_ttl, expiration, inception;
	uint16_t key_tag;
	struct dec_name signer;
	int compressed;               /* signer was compressed (non-canonical) */
	const uint8_t *sig;
	size_t sig_len;
	const uint8_t *rdata;         /* whole RDATA, for canonical form */
	size_t rdata_len;
};

struct dec_dnskey {                   /* also CDNSKEY */
	uint16_t flags;
	uint8_t protocol, algorithm;
	const uint8_t *key;
	size_t key_len;
	uint16_t tag;                 /* RFC 4034 appendix B */
};

struct dec_ds {                       /* also CDS */
	uint16_t key_tag;
	uint8_t algorithm, digest_type;
	const uint8_t *digest;
	size_t digest_len;
};

struct dec_nsec {
	struct dec_name next;
	int compressed;
	const uint8_t *bitmap;
	size_t bitmap_len;
};

struct dec_nsec3 {
	uint8_t hash_alg, flags;
	uint16_t iterations;
	uint8_t salt_len, hash_len;
	const uint8_t *salt, *next_hash;
	const uint8_t *bitmap;
	size_t bitmap_len;
};

struct dec_nsec3param {
	uint8_t hash_alg, flags;
	uint16_t iterations;
	uint8_t salt_len;
	const uint8_t *salt;
};

int dec_rrsig_parse(const struct dec_msg *m, const struct dec_rr *rr, struct dec_rrsig *out, const char **why);
int dec_dnskey_parse(const struct dec_msg *m, const struct dec_rr *rr, struct dec_dnskey *out, const char **why);
int dec_ds_parse(const struct dec_msg *m, const struct dec_rr *rr, struct dec_ds *out, const char **why);
int dec_nsec_parse(const struct dec_msg *m, const struct dec_rr *rr, struct dec_nsec *out, const char **why);
int dec_nsec3_parse(const struct dec_msg *m, const struct dec_rr *rr, struct dec_nsec3 *out, const char **why);
int dec_nsec3param_parse(const struct dec_msg *m, const struct dec_rr *rr, struct dec_nsec3param *out, const char **why);

/* RFC 4034 appendix B key tag over DNSKEY RDATA (algorithm 1 special case
 * included). */
uint16_t dec_key_tag(const uint8_t *rdata, size_t len);

/* Type bitmap (RFC 4034 4.1.2): ST_OK if well formed (windows ascending,
 * lengths 1..32, inside the buffer), else ST_EMALF with *why. */
int dec_bitmap_check(const uint8_t *bm, size_t len, const char **why);
/* Whether a well-formed bitmap lists type. */
int dec_bitmap_has(const uint8_t *bm, size_t len, uint16_t type);

/* The RR's RDATA in dig presentation format (escaped ASCII; unknown types
 * as RFC 3597 "\# len hex"). Returns the length the full text would have;
 * the text is truncated to dstlen-1 and NUL-terminated. */
size_t dec_rdata_to_text(const struct dec_msg *m, const struct dec_rr *rr, char *dst, size_t dstlen);
