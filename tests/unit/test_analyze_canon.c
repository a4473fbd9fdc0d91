/* tests/unit/test_analyze_canon.c -- RRSIG signed data (RFC 4034 3.1.8.1,
 * 6.2, 6.3; RFC 6840 5.1; RFC 4035 5.3.2) against ldns as the oracle:
 * the same RRset as an ldns_rr_list, canonicalised, sorted, deduplicated,
 * then ldns_rrsig2buffer_wire + ldns_rr2buffer_wire_canonical per RR; the
 * bytes must be equal. Plus hand-made cases ldns cannot parse (A6, NXT),
 * compression inside RDATA, and the refusals. */
#include <ldns/ldns.h>

#include "analyze/canon.h"
#include "util/err.h"
#include "tests/tap.h"
#include "tests/unit/analyze_testutil.h"

struct ocase {
	const char *name;
	const char *owner;
	const char *type;
	const char *rdata[6];
	const char *rrsig;     /* RRSIG rdata text */
	const char *wildcard;  /* oracle owner when labels < owner's labels */
};

#define SIGTAIL "20300101000000 20000101000000 9033 Example.NET. AAECAwQ="

static const struct ocase ocases[] = {
	{ "A, RFC 5702 owner, mixed case", "Www.Example.NET.", "A",
	  { "192.0.2.91" }, "A 8 3 3600 " SIGTAIL, NULL },
	{ "A sorted", "www.example.net.", "A",
	  { "192.0.2.10", "192.0.2.2", "10.0.0.1", "192.0.2.100" }, "A 8 3 300 " SIGTAIL, NULL },
	{ "MX with duplicate after lowercasing", "Example.COM.", "MX",
	  { "10 Mail.Example.COM.", "5 mx2.EXAMPLE.com.", "10 mail.example.com." },
	  "MX 13 2 3600 " SIGTAIL, NULL },
	{ "NS", "example.com.", "NS", { "NS1.Example.com.", "ns2.EXAMPLE.com.", "a.b." },
	  "NS 8 2 86400 " SIGTAIL, NULL },
	{ "SOA", "Example.com.", "SOA",
	  { "NS0.Example.ORG. Host.Example.COM. 2024010101 7200 3600 1209600 300" },
	  "SOA 8 2 86400 " SIGTAIL, NULL },
	{ "SRV", "_sip._udp.example.com.", "SRV", { "1 2 5060 SIP.Example.com.", "0 1 5060 b.example.com." },
	  "SRV 8 4 60 " SIGTAIL, NULL },
	{ "NAPTR", "example.com.", "NAPTR",
	  { "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.EXAMPLE.com.", "100 20 \"U\" \"E2U+sip\" \"!^.*$!sip:i@E.com!\" ." },
	  "NAPTR 8 2 60 " SIGTAIL, NULL },
	{ "NSEC keeps case (RFC 6840 5.1)", "a.example.", "NSEC", { "B.Example. A NS RRSIG NSEC" },
	  "NSEC 13 2 3600 " SIGTAIL, NULL },
	{ "RP", "example.com.", "RP", { "MBOX.Example. TXT.Example." }, "RP 8 2 60 " SIGTAIL, NULL },
	{ "PX", "example.com.", "PX", { "10 MAP822.Example. MAPX400.Example." }, "PX 8 2 60 " SIGTAIL, NULL },
	{ "KX", "example.com.", "KX", { "10 KX.Example." }, "KX 8 2 60 " SIGTAIL, NULL },
	{ "DNAME", "example.com.", "DNAME", { "T.Example." }, "DNAME 8 2 60 " SIGTAIL, NULL },
	{ "CNAME", "Alias.example.com.", "CNAME", { "Target.EXAMPLE.com." }, "CNAME 8 3 60 " SIGTAIL, NULL },
	{ "PTR", "1.2.0.192.in-addr.arpa.", "PTR", { "Host.Example." }, "PTR 8 6 60 " SIGTAIL, NULL },
	{ "HINFO strings keep case", "example.com.", "HINFO", { "\"INTEL\" \"Linux\"" },
	  "HINFO 8 2 60 " SIGTAIL, NULL },
	{ "TXT", "example.com.", "TXT", { "\"v=spf1 -all\"", "\"A\" \"b\"", "\"\"" }, "TXT 8 2 60 " SIGTAIL, NULL },
	{ "AAAA", "example.com.", "AAAA", { "2001:db8::1", "2001:db8::" }, "AAAA 8 2 60 " SIGTAIL, NULL },
	{ "DNSKEY", "example.net.", "DNSKEY",
	  { "256 3 8 AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk=",
	    "257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==" },
	  "DNSKEY 8 2 3600 " SIGTAIL, NULL },
	{ "DS", "Child.example.", "DS", { "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118" },
	  "DS 8 2 3600 " SIGTAIL, NULL },
	{ "wildcard: labels 2 of 4", "a.B.Example.com.", "A", { "192.0.2.1" },
	  "A 8 2 3600 " SIGTAIL, "*.example.com." },
	{ "wildcard: labels 0", "Foo.", "TXT", { "\"x\"" }, "TXT 8 0 3600 " SIGTAIL, "*." },
	{ "literal wildcard owner", "*.example.com.", "A", { "192.0.2.1" },
	  "A 8 2 3600 " SIGTAIL, NULL },
};

/* ldns's answer: canonicalise (owner, names in RDATA per its list), TTL =
 * original TTL, sort, drop duplicates, RRSIG head, RRs. */
static ldns_buffer *oracle(ldns_rr_list *set, ldns_rr *sig, const char *wild)
{
	ldns_rr_list *c = ldns_rr_list_clone(set);
	uint32_t ttl = ldns_rdf2native_int32(ldns_rr_rrsig_origttl(sig));
	for (size_t i = 0; i < ldns_rr_list_rr_count(c); i++) {
		ldns_rr *rr = ldns_rr_list_rr(c, i);
		if (wild) {
			ldns_rdf *w = NULL;
			ldns_str2rdf_dname(&w, wild);
			ldns_rdf_deep_free(ldns_rr_owner(rr));
			ldns_rr_set_owner(rr, w);
		}
		ldns_rr_set_ttl(rr, ttl);
		ldns_rr2canonical(rr);
	}
	ldns_rr_list_sort(c);
	ldns_rr_list *d = ldns_rr_list_new();
	for (size_t i = 0; i < ldns_rr_list_rr_count(c); i++) {
		ldns_rr *rr = ldns_rr_list_rr(c, i);
		if (i == 0 || ldns_rr_compare(ldns_rr_list_rr(c, i - 1), rr) != 0)
			ldns_rr_list_push_rr(d, rr);
	}
	ldns_rr *s = ldns_rr_clone(sig);
	ldns_rr2canonical(s);
	ldns_buffer *b = ldns_buffer_new(4096);
	ldns_rrsig2buffer_wire(b, s);
	/* 1.8.3 has no ldns_rr_list2buffer_wire_canonical: one RR at a time */
	for (size_t i = 0; i < ldns_rr_list_rr_count(d); i++)
		ldns_rr2buffer_wire_canonical(b, ldns_rr_list_rr(d, i), LDNS_SECTION_ANSWER);
	ldns_rr_free(s);
	ldns_rr_list_free(d);
	ldns_rr_list_deep_free(c);
	return b;
}

static void run_oracle_case(const struct ocase *oc)
{
	char line[1024];
	ldns_rr_list *set = ldns_rr_list_new();
	ldns_rr *sig = NULL, *rr = NULL;
	ldns_pkt *pkt = ldns_pkt_new();
	int nrd = 0;
	for (; nrd < 6 && oc->rdata[nrd]; nrd++) {
		snprintf(line, sizeof line, "%s 3600 IN %s %s", oc->owner, oc->type, oc->rdata[nrd]);
		if (ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL) != LDNS_STATUS_OK) {
			ok(0, "%s: ldns parses %s", oc->name, line);
			return;
		}
		ldns_rr_list_push_rr(set, ldns_rr_clone(rr));
		ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, rr);
	}
	snprintf(line, sizeof line, "%s 3600 IN RRSIG %s", oc->owner, oc->rrsig);
	if (ldns_rr_new_frm_str(&sig, line, 0, NULL, NULL) != LDNS_STATUS_OK) {
		ok(0, "%s: ldns parses the RRSIG", oc->name);
		return;
	}
	ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, ldns_rr_clone(sig));
	uint8_t *wire = NULL;
	size_t wlen = 0;
	ldns_pkt2wire(&wire, pkt, &wlen);

	struct tu_rr rrs[16];
	size_t n = tu_walk(wire, wlen, rrs, 16);
	struct an_wire rds[8], rs = { 0 };
	size_t nr = 0;
	for (size_t i = 0; i < n; i++) {
		struct an_wire w = { wire, wlen, rrs[i].rdata_off, rrs[i].rdlen };
		if (rrs[i].type == LDNS_RR_TYPE_RRSIG)
			rs = w;
		else if (nr < 8)
			rds[nr++] = w;
	}
	struct dec_name owner;
	tu_dname(oc->owner, &owner);
	struct an_buf out;
	an_buf_init(&out, 0);
	const char *why = "";
	uint16_t type = ldns_rr_get_type(ldns_rr_list_rr(set, 0));
	int rc = an_canon_signed_data(&out, &rs, &owner, type, 1, rds, nr, &why);
	ldns_buffer *want = oracle(set, sig, oc->wildcard);
	is_int(rc, ST_OK, "%s: canon ok (%s)", oc->name, rc ? why : "");
	int same = out.len == ldns_buffer_position(want) &&
		   memcmp(out.data, ldns_buffer_begin(want), out.len) == 0;
	ok(same, "%s: %zu bytes equal ldns's %zu", oc->name, out.len, ldns_buffer_position(want));
	an_buf_clear(&out);
	ldns_buffer_free(want);
	free(wire);
	ldns_pkt_free(pkt);
	ldns_rr_free(sig);
	ldns_rr_list_deep_free(set);
}

/* Hand-made message: owner example.com at 12, then RRs whose RDATA names
 * point back into it. Returns the RDATA wires in rd. */
static void compressed_cases(void)
{
	/* header(12) | 07 Example 03 COM 00 | ... */
	static uint8_t m[512];
	size_t p = 12;
	int l = tu_name("Example.COM.", m + p, sizeof m - p);
	size_t own = p;
	p += (size_t)l;
	/* MX rdata: 00 0a 04 'MAIL' c0 0c  -> 10 mail.example.com */
	size_t mx = p;
	const uint8_t mxr[] = { 0, 10, 4, 'M', 'A', 'I', 'L', 0xC0, 0x0C };
	memcpy(m + p, mxr, sizeof mxr);
	p += sizeof mxr;
	/* RRSIG rdata with compressed signer (illegal but decoded) */
	size_t sg = p;
	const uint8_t sgr[] = { 0, 15, 8, 2, 0, 0, 0x0e, 0x10, 0x70, 0xdb, 0xd8, 0x80,
				0x38, 0x6d, 0x43, 0x80, 0x23, 0x49, 0xC0, 0x0C, 0xAA, 0xBB };
	memcpy(m + p, sgr, sizeof sgr);
	p += sizeof sgr;
	(void)own;
	struct an_wire rd = { m, p, mx, sizeof mxr }, rs = { m, p, sg, sizeof sgr };
	struct dec_name owner;
	tu_dname("EXAMPLE.com.", &owner);
	struct an_buf out;
	an_buf_init(&out, 0);
	const char *why = "";
	int rc = an_canon_signed_data(&out, &rs, &owner, 15, 1, &rd, 1, &why);
	is_int(rc, ST_OK, "compressed MX and signer: ok (%s)", rc ? why : "");
	static const uint8_t want[] = {
		0, 15, 8, 2, 0, 0, 0x0e, 0x10, 0x70, 0xdb, 0xd8, 0x80, 0x38, 0x6d, 0x43, 0x80, 0x23, 0x49,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0, 15, 0, 1, 0, 0, 0x0e, 0x10, 0, 20,
		0, 10, 4, 'm', 'a', 'i', 'l', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	};
	ok(out.len == sizeof want && memcmp(out.data, want, out.len) == 0,
	   "compressed MX and signer: decompressed and lowercased");

	/* forward pointer in RDATA: refused by dec_name_read */
	uint8_t bad[] = { 0, 10, 0xC0, 0xFF };
	size_t b0 = p;
	memcpy(m + p, bad, sizeof bad);
	struct an_wire rb = { m, p + sizeof bad, b0, sizeof bad };
	rc = an_canon_signed_data(&out, &rs, &owner, 15, 1, &rb, 1, &why);
	is_int(rc, ST_EMALF, "forward compression pointer in MX refused (%s)", why);

	/* truncated MX, MX with trailing garbage */
	struct an_wire rt = { mxr, sizeof mxr, 0, 1 };
	rc = an_canon_rdata(&out, 15, &rt, &why);
	ok(rc == ST_ETRUNC, "truncated MX refused (%s)", why);
	const uint8_t mxg[] = { 0, 10, 1, 'a', 0, 0xEE };
	struct an_wire rg = { mxg, sizeof mxg, 0, sizeof mxg };
	rc = an_canon_rdata(&out, 15, &rg, &why);
	is_int(rc, ST_EMALF, "MX with trailing octet refused (%s)", why);

	/* labels > owner label count (F11) and type covered mismatch */
	struct dec_name shortown;
	tu_dname("com.", &shortown);
	rc = an_canon_signed_data(&out, &rs, &shortown, 15, 1, &rd, 1, &why);
	is_int(rc, ST_EMALF, "F11: RRSIG labels 2 > owner labels 1 (%s)", why);
	rc = an_canon_signed_data(&out, &rs, &owner, 1, 1, &rd, 1, &why);
	is_int(rc, ST_EMALF, "type covered 15 vs RRset type 1 (%s)", why);

	/* size cap */
	struct an_buf tiny;
	an_buf_init(&tiny, 40);
	rc = an_canon_signed_data(&tiny, &rs, &owner, 15, 1, &rd, 1, &why);
	is_int(rc, ST_ELIMIT, "output cap (%s)", why);
	an_buf_clear(&tiny);
	rc = an_canon_signed_data(&out, &rs, &owner, 15, 1, &rd, AN_CANON_MAX_RRS + 1, &why);
	is_int(rc, ST_ELIMIT, "record count cap (%s)", why);
	an_buf_clear(&out);
}

static void handmade_types(void)
{
	struct an_buf out;
	an_buf_init(&out, 0);
	const char *why = "";
	/* A6 (RFC 2874): prefix 64, 8 octets of suffix, prefix name lowercased */
	const uint8_t a6[] = { 64, 1, 2, 3, 4, 5, 6, 7, 8, 2, 'P', 'X', 0 };
	struct an_wire w = { a6, sizeof a6, 0, sizeof a6 };
	int rc = an_canon_rdata(&out, 38, &w, &why);
	ok(rc == ST_OK && out.len == sizeof a6 && out.data[10] == 'p' && out.data[11] == 'x',
	   "A6 prefix name lowercased");
	out.len = 0;
	const uint8_t a6z[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	w = (struct an_wire){ a6z, sizeof a6z, 0, sizeof a6z };
	is_int(an_canon_rdata(&out, 38, &w, &why), ST_OK, "A6 prefix 0: 16 octets, no name");
	out.len = 0;
	const uint8_t a6b[] = { 129, 0 };
	w = (struct an_wire){ a6b, sizeof a6b, 0, sizeof a6b };
	is_int(an_canon_rdata(&out, 38, &w, &why), ST_EMALF, "A6 prefix 129 refused");
	out.len = 0;
	/* NXT lowercases its next name (it is on RFC 4034's list; 6840 keeps it) */
	const uint8_t nxt[] = { 1, 'B', 0, 0x40, 0x01 };
	w = (struct an_wire){ nxt, sizeof nxt, 0, sizeof nxt };
	rc = an_canon_rdata(&out, 30, &w, &why);
	ok(rc == ST_OK && out.len == sizeof nxt && out.data[1] == 'b', "NXT next name lowercased");
	out.len = 0;
	/* unknown type: copied */
	const uint8_t unk[] = { 1, 'A', 0 };
	w = (struct an_wire){ unk, sizeof unk, 0, sizeof unk };
	rc = an_canon_rdata(&out, 65280, &w, &why);
	ok(rc == ST_OK && out.data[1] == 'A', "unknown type copied as is");
	ok(an_canon_type_lowercases(2) && an_canon_type_lowercases(38) &&
	   !an_canon_type_lowercases(47) && !an_canon_type_lowercases(13) &&
	   !an_canon_type_lowercases(1), "lowercase list: NS A6 yes; NSEC HINFO A no");
	an_buf_clear(&out);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(ocases) / sizeof(ocases[0]); i++)
		run_oracle_case(&ocases[i]);
	compressed_cases();
	handmade_types();
	return done_testing();
}
