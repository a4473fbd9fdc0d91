/* analyze/anchor.h -- trust anchors: where the chain of trust starts.
 *
 * Built in: the IANA root KSKs as DS records (KSK-2017, tag 20326, and
 * KSK-2024, tag 38696; the same as Debian's /usr/share/dns/root.ds).
 * From files: DS or DNSKEY records in presentation format, the format of
 * unbound's trust-anchor-file and delv's anchors, parsed with ldns. A
 * DNSKEY anchor is turned into its SHA-256 DS (RFC 4509), so the chain
 * logic only deals with DS anchors. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "decode/name.h"

#define AN_ANCHORS_MAX 256

struct an_anchor {
	struct dec_name zone;
	uint8_t rdata[4 + 64];   /* DS RDATA: tag, algorithm, digest type, digest */
	uint8_t rdlen;
};

struct an_anchors {
	struct an_anchor a[AN_ANCHORS_MAX];
	size_t n;
};

/* Appends the two root KSK DS records. */
void an_anchors_builtin(struct an_anchors *out);
/* Appends the DS/DNSKEY records of a file. Other record types and
 * comments are skipped. ST_OK, or ST_EIO / ST_EFORMAT / ST_ELIMIT with a
 * sentence in err (file, line, what). */
int an_anchors_load(struct an_anchors *out, const char *path, char *err, size_t errlen);
/* DS digest (RFC 4034 5.1.4, RFC 4509, RFC 6605 for SHA-384) of a DNSKEY:
 * digest over owner (lowercased wire) | DNSKEY RDATA. Types 1, 2, 4.
 * Returns the digest length, 0 for an unsupported digest type. */
size_t an_ds_digest(uint8_t digest_type, const struct dec_name *owner,
		    const uint8_t *dnskey_rdata, size_t rdlen, uint8_t *out, size_t outlen);
