/* decode/names.c -- mnemonic tables for DNS numbers (see names.h).
 *
 * Each table is sorted by value and binary-searched. Names follow the IANA DNS parameters registries and
 * the spellings dig uses. */
#include <stdio.h>
#include "decode/names.h"

struct name_ent {
	uint16_t v;
	const char *name;
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup(const struct name_ent *t, size_t n, uint16_t v)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t[mid].v == v)
			return t[mid].name;
		if (t[mid].v < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const char *generic(char *buf, size_t buflen, const char *prefix, unsigned v)
{
	if (!buf || buflen == 0)
		return "";
	snprintf(buf, buflen, "%s%u", prefix, v);
	return buf;
}

/* IANA "Resource Record (RR) TYPEs". */
static const struct name_ent types[] = {
	{ 1, "A" }, { 2, "NS" }, { 3, "MD" }, { 4, "MF" }, { 5, "CNAME" },
	{ 6, "SOA" }, { 7, "MB" }, { 8, "MG" }, { 9, "MR" }, { 10, "NULL" },
	{ 11, "WKS" }, { 12, "PTR" }, { 13, "HINFO" }, { 14, "MINFO" },
	{ 15, "MX" }, { 16, "TXT" }, { 17, "RP" }, { 18, "AFSDB" },
	{ 19, "X25" }, { 20, "ISDN" }, { 21, "RT" }, { 22, "NSAP" },
	{ 23, "NSAP-PTR" }, { 24, "SIG" }, { 25, "KEY" }, { 26, "PX" },
	{ 27, "GPOS" }, { 28, "AAAA" }, { 29, "LOC" }, { 30, "NXT" },
	{ 31, "EID" }, { 32, "NIMLOC" }, { 33, "SRV" }, { 34, "ATMA" },
	{ 35, "NAPTR" }, { 36, "KX" }, { 37, "CERT" }, { 38, "A6" },
	{ 39, "DNAME" }, { 40, "SINK" }, { 41, "OPT" }, { 42, "APL" },
	{ 43, "DS" }, { 44, "SSHFP" }, { 45, "IPSECKEY" }, { 46, "RRSIG" },
	{ 47, "NSEC" }, { 48, "DNSKEY" }, { 49, "DHCID" }, { 50, "NSEC3" },
	{ 51, "NSEC3PARAM" }, { 52, "TLSA" }, { 53, "SMIMEA" }, { 55, "HIP" },
	{ 56, "NINFO" }, { 57, "RKEY" }, { 58, "TALINK" }, { 59, "CDS" },
	{ 60, "CDNSKEY" }, { 61, "OPENPGPKEY" }, { 62, "CSYNC" },
	{ 63, "ZONEMD" }, { 64, "SVCB" }, { 65, "HTTPS" }, { 66, "DSYNC" },
	{ 99, "SPF" }, { 100, "UINFO" }, { 101, "UID" }, { 102, "GID" },
	{ 103, "UNSPEC" }, { 104, "NID" }, { 105, "L32" }, { 106, "L64" },
	{ 107, "LP" }, { 108, "EUI48" }, { 109, "EUI64" }, { 249, "TKEY" },
	{ 250, "TSIG" }, { 251, "IXFR" }, { 252, "AXFR" }, { 253, "MAILB" },
	{ 254, "MAILA" }, { 255, "ANY" }, { 256, "URI" }, { 257, "CAA" },
	{ 258, "AVC" }, { 259, "DOA" }, { 260, "AMTRELAY" }, { 261, "RESINFO" },
	{ 262, "WALLET" }, { 32768, "TA" }, { 32769, "DLV" },
};

static const struct name_ent classes[] = {
	{ 1, "IN" }, { 3, "CH" }, { 4, "HS" }, { 254, "NONE" }, { 255, "ANY" },
};

/* IANA "DNS RCODEs"; 16 is BADVERS in a message (BADSIG only in TSIG). */
static const struct name_ent rcodes[] = {
	{ 0, "NOERROR" }, { 1, "FORMERR" }, { 2, "SERVFAIL" }, { 3, "NXDOMAIN" },
	{ 4, "NOTIMP" }, { 5, "REFUSED" }, { 6, "YXDOMAIN" }, { 7, "YXRRSET" },
	{ 8, "NXRRSET" }, { 9, "NOTAUTH" }, { 10, "NOTZONE" }, { 11, "DSOTYPENI" },
	{ 16, "BADVERS" }, { 17, "BADKEY" }, { 18, "BADTIME" }, { 19, "BADMODE" },
	{ 20, "BADNAME" }, { 21, "BADALG" }, { 22, "BADTRUNC" }, { 23, "BADCOOKIE" },
};

static const struct name_ent opcodes[] = {
	{ 0, "QUERY" }, { 1, "IQUERY" }, { 2, "STATUS" }, { 4, "NOTIFY" },
	{ 5, "UPDATE" }, { 6, "DSO" },
};

/* IANA "DNS EDNS0 Option Codes (OPT)". */
static const struct name_ent options[] = {
	{ 1, "LLQ" }, { 2, "UL" }, { 3, "NSID" }, { 5, "DAU" }, { 6, "DHU" },
	{ 7, "N3U" }, { 8, "ECS" }, { 9, "EXPIRE" }, { 10, "COOKIE" },
	{ 11, "KEEPALIVE" }, { 12, "PADDING" }, { 13, "CHAIN" },
	{ 14, "KEY-TAG" }, { 15, "EDE" }, { 16, "CLIENT-TAG" },
	{ 17, "SERVER-TAG" }, { 18, "REPORT-CHANNEL" }, { 19, "ZONEVERSION" },
	{ 26946, "DEVICEID" },
};

/* IANA "DNS Security Algorithm Numbers", dig mnemonics. */
static const struct name_ent algorithms[] = {
	{ 1, "RSAMD5" }, { 2, "DH" }, { 3, "DSA" }, { 5, "RSASHA1" },
	{ 6, "NSEC3DSA" }, { 7, "NSEC3RSASHA1" }, { 8, "RSASHA256" },
	{ 10, "RSASHA512" }, { 12, "ECCGOST" }, { 13, "ECDSAP256SHA256" },
	{ 14, "ECDSAP384SHA384" }, { 15, "ED25519" }, { 16, "ED448" },
	{ 17, "SM2SM3" }, { 23, "ECC-GOST12" }, { 252, "INDIRECT" },
	{ 253, "PRIVATEDNS" }, { 254, "PRIVATEOID" },
};

/* RFC 8914 section 4 and the IANA "Extended DNS Error Codes" registry.
 * 27 is RFC 9276; 31 and 32 were taken from a public table that lists
 * 30-34 (not re-checked against IANA); 33 per FACTS.md. */
static const char *const ede_names[] = {
	"Other Error", "Unsupported DNSKEY Algorithm",
	"Unsupported DS Digest Type", "Stale Answer", "Forged Answer",
	"DNSSEC Indeterminate", "DNSSEC Bogus", "Signature Expired",
	"Signature Not Yet Valid", "DNSKEY Missing", "RRSIGs Missing",
	"No Zone Key Bit Set", "NSEC Missing", "Cached Error", "Not Ready",
	"Blocked", "Censored", "Filtered", "Prohibited",
	"Stale NXDomain Answer", "Not Authoritative", "Not Supported",
	"No Reachable Authority", "Network Error", "Invalid Data",
	"Signature Expired before Valid", "Too Early",
	"Unsupported NSEC3 Iterations Value", "Unable to conform to policy",
	"Synthesized", "Invalid Query Type", "Rate Limited", "Over Quota",
	"Negative Trust Anchor",
};

const char *dec_type_name(uint16_t type, char *buf, size_t buflen)
{
	const char *s = lookup(types, N_ELEMS(types), type);
	return s ? s : generic(buf, buflen, "TYPE", type);
}

const char *dec_class_name(uint16_t rclass, char *buf, size_t buflen)
{
	const char *s = lookup(classes, N_ELEMS(classes), rclass);
	return s ? s : generic(buf, buflen, "CLASS", rclass);
}

const char *dec_rcode_name(uint16_t rcode, char *buf, size_t buflen)
{
	const char *s = lookup(rcodes, N_ELEMS(rcodes), rcode);
	return s ? s : generic(buf, buflen, "RCODE", rcode);
}

const char *dec_opcode_name(uint8_t opcode, char *buf, size_t buflen)
{
	const char *s = lookup(opcodes, N_ELEMS(opcodes), opcode);
	return s ? s : generic(buf, buflen, "OPCODE", opcode);
}

const char *dec_option_name(uint16_t code, char *buf, size_t buflen)
{
	const char *s = lookup(options, N_ELEMS(options), code);
	return s ? s : generic(buf, buflen, "OPT", code);
}

const char *dec_algorithm_name(uint8_t alg, char *buf, size_t buflen)
{
	const char *s = lookup(algorithms, N_ELEMS(algorithms), alg);
	return s ? s : generic(buf, buflen, "ALG", alg);
}

const char *dec_ede_name(uint16_t code)
{
	return code < N_ELEMS(ede_names) ? ede_names[code] : NULL;
}
