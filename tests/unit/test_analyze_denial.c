/* tests/unit/test_analyze_denial.c -- NSEC and NSEC3 denial proofs.
 *
 * NSEC3: the RFC 5155 Appendix A hashes and the Appendix B responses
 * (B.1-B.6) built here from the NSEC3 RDATA printed in the RFC (RRSIGs left
 * out: the caller vouches for them), each one then mutated (a record
 * dropped, a hash altered, one salt changed, iterations 65535, 9 NSEC3s,
 * unusable records, a small budget). NSEC: a small zone (RFC 4035
 * Appendix A's names) for coverage with wrap-around, NODATA, empty
 * non-terminals, NXDOMAIN with the wildcard, wildcard answers and NO_DS.
 *
 * Sources of the vectors: RFC 5155 Appendix A (the H(name) list and the
 * NSEC3 chain) and Appendix B (hashes of c.x.w, *.x.w, c, z.w). The
 * chain below is Appendix A's, every record "1 1 12 aabbccdd". */
#include "analyze/denial.h"
#include "analyze/result.h"
#include "decode/msg.h"
#include "decode/rdata.h"
#include "util/arena.h"
#include "util/err.h"
#include "tests/tap.h"
#include "tests/unit/dns_build.h"
#include "tests/unit/analyze_testutil.h"

#include <ldns/ldns.h>

/* ---- message building ------------------------------------------------ */

static unsigned type_num(const char *t, size_t n)
{
	static const struct { const char *name; unsigned v; } tab[] = {
		{ "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 }, { "HINFO", 13 },
		{ "MX", 15 }, { "AAAA", 28 }, { "DS", 43 }, { "RRSIG", 46 }, { "NSEC", 47 },
		{ "DNSKEY", 48 }, { "NSEC3", 50 }, { "NSEC3PARAM", 51 }, { "DNAME", 39 },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strlen(tab[i].name) == n && strncmp(tab[i].name, t, n) == 0)
			return tab[i].v;
	fprintf(stderr, "unknown type %.*s\n", (int)n, t);
	abort();
}

/* Type bitmap (RFC 4034 4.1.2) from "A MX RRSIG". */
static void b_bitmap(struct bld *w, const char *types)
{
	uint8_t win[256][32];
	int used[256] = { 0 };
	memset(win, 0, sizeof win);
	for (const char *p = types; *p;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (!n)
			break;
		unsigned t = type_num(p, n);
		win[t >> 8][(t & 0xff) >> 3] |= (uint8_t)(0x80 >> (t & 7));
		used[t >> 8] = 1;
		p += n;
	}
	for (int wi = 0; wi < 256; wi++) {
		if (!used[wi])
			continue;
		int len = 32;
		while (len > 0 && win[wi][len - 1] == 0)
			len--;
		b_u8(w, (unsigned)wi);
		b_u8(w, (unsigned)len);
		b_bytes(w, win[wi], (size_t)len);
	}
}

struct mb {
	struct bld body;
	unsigned an, ns;
};

static struct mb MB;
static struct bld WIRE;
static struct dec_msg M;
static struct st_arena *ARENA;

static void mb_reset(void)
{
	MB.body.n = 0;
	MB.an = MB.ns = 0;
}

static void count(int answer)
{
	if (answer)
		MB.an++;
	else
		MB.ns++;
}

static void m_nsec3(const char *hash, const char *zone, unsigned alg, unsigned flags,
		    unsigned iter, const char *salthex, unsigned hash_len, const char *next,
		    const char *types)
{
	char owner[300];
	snprintf(owner, sizeof owner, "%s.%s", hash, zone);
	size_t s = b_rr(&MB.body, owner, 50, 1, 3600);
	b_u8(&MB.body, alg);
	b_u8(&MB.body, flags);
	b_u16(&MB.body, iter);
	uint8_t salt[255];
	int sl = tu_hex(salthex, salt, sizeof salt);
	b_u8(&MB.body, (unsigned)sl);
	b_bytes(&MB.body, salt, (size_t)sl);
	uint8_t nh[64];
	int nl = an_nsec3_b32_decode((const uint8_t *)next, strlen(next), nh, sizeof nh);
	if (hash_len == 0)
		hash_len = (unsigned)nl;
	b_u8(&MB.body, hash_len);
	for (unsigned i = 0; i < hash_len; i++)
		b_u8(&MB.body, i < (unsigned)nl ? nh[i] : 0);
	b_bitmap(&MB.body, types);
	b_rr_end(&MB.body, s);
	count(0);
}

static void m_nsec(const char *owner, const char *next, const char *types)
{
	size_t s = b_rr(&MB.body, owner, 47, 1, 3600);
	b_name(&MB.body, next);
	b_bitmap(&MB.body, types);
	b_rr_end(&MB.body, s);
	count(0);
}

static void m_soa(const char *zone)
{
	size_t s = b_rr(&MB.body, zone, 6, 1, 3600);
	b_name(&MB.body, "ns1.example");
	b_name(&MB.body, "bugs.x.w.example");
	for (int i = 0; i < 5; i++)
		b_u32(&MB.body, 3600);
	b_rr_end(&MB.body, s);
	count(0);
}

static void m_ns(const char *owner, const char *target)
{
	size_t s = b_rr(&MB.body, owner, 2, 1, 3600);
	b_name(&MB.body, target);
	b_rr_end(&MB.body, s);
	count(0);
}

static void m_mx(const char *owner, const char *exch)
{
	size_t s = b_rr(&MB.body, owner, 15, 1, 3600);
	b_u16(&MB.body, 1);
	b_name(&MB.body, exch);
	b_rr_end(&MB.body, s);
	count(1);
}

static void m_rrsig(const char *owner, unsigned covered, unsigned labels, const char *signer)
{
	size_t s = b_rr(&MB.body, owner, 46, 1, 3600);
	b_u16(&MB.body, covered);
	b_u8(&MB.body, 13);
	b_u8(&MB.body, labels);
	b_u32(&MB.body, 3600);
	b_u32(&MB.body, 1893456000u);
	b_u32(&MB.body, 1577836800u);
	b_u16(&MB.body, 12345);
	b_name(&MB.body, signer);
	for (int i = 0; i < 64; i++)
		b_u8(&MB.body, 0x5a);
	b_rr_end(&MB.body, s);
	count(1);
}

/* Header + question + the RRs added so far; parsed into M. */
static int finish(const char *qname, unsigned qtype, unsigned rcode)
{
	b_hdr(&WIRE, 0x1234, 0x8400 | rcode, 1, MB.an, MB.ns, 0);
	b_name(&WIRE, qname);
	b_u16(&WIRE, qtype);
	b_u16(&WIRE, 1);
	b_bytes(&WIRE, MB.body.b, MB.body.n);
	st_arena_reset(ARENA);
	return dec_msg_parse(&M, WIRE.b, WIRE.n, ARENA);
}

static struct dec_name N(const char *text)
{
	struct dec_name n;
	memset(&n, 0, sizeof n);
	if (tu_dname(text, &n) != 0)
		abort();
	return n;
}

/* ---- RFC 5155 Appendix A ----------------------------------------------- */

static const struct {
	const char *name, *hash;
} hashes[] = {
	/* Appendix A, "H(name)" */
	{ "example", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom" },
	{ "a.example", "35mthgpgcu1qg68fab165klnsnk3dpvl" },
	{ "ai.example", "gjeqe526plbf1g8mklp59enfd789njgi" },
	{ "ns1.example", "2t7b4g4vsa5smi47k61mv5bv1a22bojr" },
	{ "ns2.example", "q04jkcevqvmu85r014c7dkba38o0ji5r" },
	{ "w.example", "k8udemvp1j2f7eg6jebps17vp3n8i58h" },
	{ "*.w.example", "r53bq7cc2uvmubfu5ocmm6pers9tk9en" },
	{ "x.w.example", "b4um86eghhds6nea196smvmlo4ors995" },
	{ "y.w.example", "ji6neoaepv8b5o6k4ev33abha8ht9fgc" },
	{ "x.y.w.example", "2vptu5timamqttgl4luu9kg21e0aor3s" },
	{ "xx.example", "t644ebqk9bibcna874givr6joj62mlhv" },
	{ "2t7b4g4vsa5smi47k61mv5bv1a22bojr.example", "kohar7mbb8dc2ce8a9qvl8hon4k53uhi" },
	/* Appendix B: the names proven absent */
	{ "c.x.w.example", "0va5bpr2ou0vk0lbqeeljri88laipsfh" },
	{ "*.x.w.example", "92pqneegtaue7pjatc3l3qnk738c6v5m" },
	{ "c.example", "4g6p9u5gvfshp30pqecj98b3maqbn1ck" },
	{ "z.w.example", "qlu7gtfaeh0ek0c05ksfhdpbcgglbe03" },
	/* case is folded before hashing */
	{ "X.W.Example", "b4um86eghhds6nea196smvmlo4ors995" },
};

/* Appendix A's NSEC3 chain: owner hash, next hash, types. */
static const struct ch {
	const char *h, *next, *types;
} chain[] = {
	{ "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", "2t7b4g4vsa5smi47k61mv5bv1a22bojr", "MX DNSKEY NS SOA NSEC3PARAM RRSIG" },
	{ "2t7b4g4vsa5smi47k61mv5bv1a22bojr", "2vptu5timamqttgl4luu9kg21e0aor3s", "A RRSIG" },
	{ "2vptu5timamqttgl4luu9kg21e0aor3s", "35mthgpgcu1qg68fab165klnsnk3dpvl", "MX RRSIG" },
	{ "35mthgpgcu1qg68fab165klnsnk3dpvl", "b4um86eghhds6nea196smvmlo4ors995", "NS DS RRSIG" },
	{ "b4um86eghhds6nea196smvmlo4ors995", "gjeqe526plbf1g8mklp59enfd789njgi", "MX RRSIG" },
	{ "gjeqe526plbf1g8mklp59enfd789njgi", "ji6neoaepv8b5o6k4ev33abha8ht9fgc", "HINFO A AAAA RRSIG" },
	{ "ji6neoaepv8b5o6k4ev33abha8ht9fgc", "k8udemvp1j2f7eg6jebps17vp3n8i58h", "" },
	{ "k8udemvp1j2f7eg6jebps17vp3n8i58h", "kohar7mbb8dc2ce8a9qvl8hon4k53uhi", "" },
	{ "kohar7mbb8dc2ce8a9qvl8hon4k53uhi", "q04jkcevqvmu85r014c7dkba38o0ji5r", "A RRSIG" },
	{ "q04jkcevqvmu85r014c7dkba38o0ji5r", "r53bq7cc2uvmubfu5ocmm6pers9tk9en", "A RRSIG" },
	{ "r53bq7cc2uvmubfu5ocmm6pers9tk9en", "t644ebqk9bibcna874givr6joj62mlhv", "MX RRSIG" },
	{ "t644ebqk9bibcna874givr6joj62mlhv", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", "HINFO A AAAA RRSIG" },
};

#define NCHAIN (sizeof chain / sizeof chain[0])

/* How to spoil a proof. */
struct mut {
	int drop;          /* index into the list: leave that record out */
	int alter;         /* index: flip the owner hash's last character */
	int salt_of;       /* index: salt aabbccde instead */
	int flags;         /* -1: the RFC's (1), else this for every record */
	unsigned iter;     /* 0: 12, else this for every record */
	unsigned alg;      /* 0: 1 */
	unsigned hash_len; /* 0: 20 */
	int extra;         /* add this many more chain records */
	char first;        /* with alter: set the first character instead */
};

static const struct mut RFC = { -1, -1, -1, -1, 0, 0, 0, 0, 0 };

static void add_chain(const char *const *owners, int n, const struct mut *mu)
{
	for (int i = 0; i < n; i++) {
		if (i == mu->drop)
			continue;
		const struct ch *c = NULL;
		for (size_t k = 0; k < NCHAIN; k++)
			if (strcmp(chain[k].h, owners[i]) == 0)
				c = &chain[k];
		if (!c)
			abort();
		char h[40];
		snprintf(h, sizeof h, "%s", c->h);
		if (i == mu->alter && mu->first)
			h[0] = mu->first;
		else if (i == mu->alter)
			h[31] = h[31] == 'a' ? 'b' : 'a';
		m_nsec3(h, "example", mu->alg ? mu->alg : 1, mu->flags < 0 ? 1u : (unsigned)mu->flags,
			mu->iter ? mu->iter : 12, i == mu->salt_of ? "aabbccde" : "aabbccdd",
			mu->hash_len, c->next, c->types);
	}
	for (int i = 0; i < mu->extra; i++)
		m_nsec3(chain[(size_t)i % NCHAIN].h, "example", 1, 1, 12, "aabbccdd", 0,
			chain[(size_t)i % NCHAIN].next, chain[(size_t)i % NCHAIN].types);
}

static struct an_denial_result R;
static struct dec_name QN, ZN;

static int judge(enum an_denial_kind kind, const char *qname, unsigned qtype,
		 const uint8_t *usable, struct an_denial_budget *budget)
{
	QN = N(qname);
	ZN = N("example");
	return an_denial_check(&M, kind, &QN, (uint16_t)qtype, &ZN, usable, budget, &R);
}

static void expect(const char *what, enum an_denial_verdict v, const char *why, unsigned ede)
{
	is_str(an_denial_verdict_str(R.verdict), an_denial_verdict_str(v), "%s: verdict", what);
	is_str(R.why, why, "%s: reason", what);
	is_int(R.ede, ede, "%s: EDE", what);
}

/* ---- B.1 name error ---------------------------------------------------- */

static const char *const b1[] = {
	"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", /* covers c.x.w.example (next closer) */
	"b4um86eghhds6nea196smvmlo4ors995", /* matches x.w.example (closest encloser) */
	"35mthgpgcu1qg68fab165klnsnk3dpvl", /* covers *.x.w.example */
};

static void build_b1(const struct mut *mu)
{
	mb_reset();
	m_soa("example");
	add_chain(b1, 3, mu);
	finish("a.c.x.w.example", 1, 3);
}

static void test_b1(void)
{
	struct mut mu = RFC;
	build_b1(&mu);
	is_int(M.err, ST_OK, "B.1 parses");
	is_int(judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL), ST_OK, "B.1 judged");
	/* every NSEC3 of Appendix A has opt-out: Unbound calls the name error insecure */
	expect("B.1 (opt-out, as printed)", AN_DENIAL_INSECURE, "nsec3_optout", AN_EDE_NONE);
	is_int(R.method, AN_DENIAL_BY_NSEC3, "B.1 judged as NSEC3");
	is_int(R.ce_labels, 3, "B.1 closest encloser x.w.example");
	is_int(R.ce_rr, 2, "B.1 closest encloser record (after the SOA)");
	is_int(R.nc_rr, 1, "B.1 next closer cover");
	is_int(R.wc_rr, 3, "B.1 wildcard cover");
	is_int(R.hashes, 4, "B.1: a.c.x.w, c.x.w, x.w, *.x.w hashed");
	is_int(R.iterations, 12, "B.1 iterations reported");

	mu.flags = 0;
	build_b1(&mu);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL);
	expect("B.1 without opt-out", AN_DENIAL_PROVEN, "nsec3_proof_ok", AN_EDE_NONE);

	/* mutations of the no-opt-out proof */
	struct mut d = mu;
	d.drop = 1;
	build_b1(&d);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL);
	expect("B.1 closest encloser dropped", AN_DENIAL_BOGUS, "next_closer_not_covered", AN_EDE_DNSSEC_BOGUS);
	d = mu;
	d.drop = 0;
	build_b1(&d);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL);
	expect("B.1 next-closer cover dropped", AN_DENIAL_BOGUS, "next_closer_not_covered", AN_EDE_DNSSEC_BOGUS);
	d = mu;
	d.drop = 2;
	build_b1(&d);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL);
	expect("B.1 wildcard cover dropped", AN_DENIAL_BOGUS, "wildcard_not_denied", AN_EDE_DNSSEC_BOGUS);
	d = mu;
	d.alter = 1;
	build_b1(&d);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL);
	ok(R.verdict == AN_DENIAL_BOGUS, "B.1 closest encloser hash altered: bogus (%s)", R.why);
	d = mu;
	d.salt_of = 2;
	build_b1(&d);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL);
	expect("B.1 one salt changed", AN_DENIAL_BOGUS, "nsec3_mixed_parameters", AN_EDE_DNSSEC_BOGUS);
	is_int(R.hashes, 0, "B.1 mixed parameters: nothing hashed");
	d = mu;
	d.iter = 65535;
	build_b1(&d);
	is_int(judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL), ST_OK, "B.1 iterations 65535 judged");
	expect("B.1 iterations 65535", AN_DENIAL_INSECURE, "nsec3_iterations_over_limit", AN_DENIAL_EDE_NSEC3_ITERATIONS);
	is_int(R.hashes, 0, "B.1 iterations 65535: nothing hashed");
	is_int(R.iterations, 65535, "B.1 iterations reported");
	d = mu;
	d.iter = 150;
	build_b1(&d);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL);
	ok(R.verdict == AN_DENIAL_BOGUS && R.hashes > 0,
	   "B.1 iterations 150 (the cap) are hashed: wrong hashes, bogus (%s)", R.why);
	d = mu;
	d.iter = 151;
	build_b1(&d);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL);
	expect("B.1 iterations 151", AN_DENIAL_INSECURE, "nsec3_iterations_over_limit", 27);
	d = mu;
	d.extra = 6; /* 3 + 6 = 9 NSEC3 RRs */
	build_b1(&d);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL);
	expect("B.1 with 9 NSEC3 RRs", AN_DENIAL_BOGUS, "too_many_nsec3", AN_EDE_DNSSEC_BOGUS);
	is_int(R.hashes, 0, "B.1 too many: nothing hashed");
	d.extra = 5; /* 8 is allowed */
	build_b1(&d);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL);
	expect("B.1 with 8 NSEC3 RRs", AN_DENIAL_PROVEN, "nsec3_proof_ok", AN_EDE_NONE);
	d = mu;
	d.alg = 2;
	build_b1(&d);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL);
	expect("B.1 unknown hash algorithm", AN_DENIAL_BOGUS, "nsec3_unknown_algorithm", AN_EDE_DNSSEC_BOGUS);
	d = mu;
	d.hash_len = 19;
	build_b1(&d);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL);
	expect("B.1 hash length 19", AN_DENIAL_BOGUS, "nsec3_bad_hash_length", AN_EDE_DNSSEC_BOGUS);
	d = mu;
	d.flags = 0x81;
	build_b1(&d);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL);
	expect("B.1 unknown flag bits", AN_DENIAL_BOGUS, "nsec3_unknown_flags", AN_EDE_DNSSEC_BOGUS);

	/* the caller's verdict on the signatures */
	build_b1(&mu);
	uint8_t none[8] = { 0 }, some[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, none, NULL);
	expect("B.1 no NSEC3 verified", AN_DENIAL_BOGUS, "nsec_unverified", AN_DENIAL_EDE_NSEC_MISSING);
	some[2] = 0; /* the closest encloser's RRSIG did not verify */
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, some, NULL);
	ok(R.verdict == AN_DENIAL_BOGUS, "B.1 closest encloser unverified: bogus (%s)", R.why);
	is_int(R.usable, 2, "B.1 two usable NSEC3");

	/* budget: shared, small, spent */
	struct an_denial_budget b;
	an_denial_budget_init(&b);
	b.hashes_left = 2;
	is_int(judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, &b), ST_ELIMIT, "B.1 budget 2: ST_ELIMIT");
	expect("B.1 budget 2", AN_DENIAL_INDETERMINATE, "nsec3_hash_limit", AN_EDE_NONE);
	is_int(R.hashes, 2, "B.1 budget 2: two hashes made");
	is_int(b.hashes_left, 0, "B.1 budget spent");
	is_int(b.limit_hits, 1, "B.1 budget limit counted");
	an_denial_budget_init(&b);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, &b);
	is_int(b.hashes_left, AN_DENIAL_MAX_HASHES - 4, "B.1 spends 4 of the response's budget");

	/* a deep qname: the walk stops at AN_DENIAL_MAX_WALK labels */
	mb_reset();
	m_soa("example");
	add_chain(b1, 3, &mu);
	finish("a.b.c.d.e.f.g.h.i.j.k.l.x.w.example", 1, 3);
	an_denial_budget_init(&b);
	b.hashes_left = 100;
	is_int(judge(AN_DENIAL_NXDOMAIN, "a.b.c.d.e.f.g.h.i.j.k.l.x.w.example", 1, NULL, &b), ST_ELIMIT,
	       "deep qname: ST_ELIMIT");
	expect("deep qname", AN_DENIAL_INDETERMINATE, "nsec3_walk_limit", AN_EDE_NONE);
	is_int(R.hashes, AN_DENIAL_MAX_WALK, "deep qname: hashes = walk cap");

	/* no NSEC3 at all */
	mb_reset();
	m_soa("example");
	finish("a.c.x.w.example", 1, 3);
	judge(AN_DENIAL_NXDOMAIN, "a.c.x.w.example", 1, NULL, NULL);
	expect("no NSEC/NSEC3", AN_DENIAL_BOGUS, "nsec_missing", AN_DENIAL_EDE_NSEC_MISSING);
}

/* ---- B.2, B.2.1, B.6: no data ------------------------------------------ */

static void test_nodata(void)
{
	static const char *const b2[] = { "2t7b4g4vsa5smi47k61mv5bv1a22bojr" };
	static const char *const b21[] = { "ji6neoaepv8b5o6k4ev33abha8ht9fgc" };
	static const char *const b6[] = { "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom" };
	struct mut mu = RFC;

	mb_reset();
	m_soa("example");
	add_chain(b2, 1, &mu);
	finish("ns1.example", 15, 0);
	judge(AN_DENIAL_NODATA, "ns1.example", 15, NULL, NULL);
	expect("B.2 ns1.example MX", AN_DENIAL_PROVEN, "nsec3_proof_ok", AN_EDE_NONE);
	is_int(R.hashes, 1, "B.2 one hash");
	judge(AN_DENIAL_NODATA, "ns1.example", 1, NULL, NULL);
	expect("B.2 asked for A (in the bitmap)", AN_DENIAL_BOGUS, "type_in_bitmap", AN_EDE_DNSSEC_BOGUS);
	mu.alter = 0;
	mb_reset();
	m_soa("example");
	add_chain(b2, 1, &mu);
	finish("ns1.example", 15, 0);
	judge(AN_DENIAL_NODATA, "ns1.example", 15, NULL, NULL);
	expect("B.2 hash altered", AN_DENIAL_BOGUS, "no_closest_encloser", AN_EDE_DNSSEC_BOGUS);
	mu = RFC;
	mu.iter = 65535;
	mb_reset();
	m_soa("example");
	add_chain(b2, 1, &mu);
	finish("ns1.example", 15, 0);
	judge(AN_DENIAL_NODATA, "ns1.example", 15, NULL, NULL);
	expect("B.2 iterations 65535", AN_DENIAL_INSECURE, "nsec3_iterations_over_limit", 27);
	is_int(R.hashes, 0, "B.2 iterations 65535: nothing hashed");

	mu = RFC;
	mb_reset();
	m_soa("example");
	add_chain(b21, 1, &mu);
	finish("y.w.example", 1, 0);
	judge(AN_DENIAL_NODATA, "y.w.example", 1, NULL, NULL);
	expect("B.2.1 empty non-terminal y.w.example A", AN_DENIAL_PROVEN, "nsec3_proof_ok", AN_EDE_NONE);
	mu.drop = 0;
	mb_reset();
	m_soa("example");
	add_chain(b21, 1, &mu);
	finish("y.w.example", 1, 0);
	judge(AN_DENIAL_NODATA, "y.w.example", 1, NULL, NULL);
	expect("B.2.1 record dropped", AN_DENIAL_BOGUS, "nsec_missing", AN_DENIAL_EDE_NSEC_MISSING);

	mu = RFC;
	mb_reset();
	m_soa("example");
	add_chain(b6, 1, &mu);
	finish("example", 43, 0);
	judge(AN_DENIAL_NODATA, "example", 43, NULL, NULL);
	expect("B.6 example DS", AN_DENIAL_PROVEN, "nsec3_proof_ok", AN_EDE_NONE);
	is_int(R.child_side, 1, "B.6 flagged: the child's apex denied its own DS");
	judge(AN_DENIAL_NO_DS, "example", 43, NULL, NULL);
	expect("B.6 as a referral's no-DS proof", AN_DENIAL_BOGUS, "qname_not_in_zone", AN_EDE_DNSSEC_BOGUS);
}

/* ---- B.3: referral to an opt-out unsigned zone -------------------------- */

static const char *const b3[] = {
	"35mthgpgcu1qg68fab165klnsnk3dpvl", /* covers c.example (next closer), opt-out */
	"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", /* matches example (closest provable encloser) */
};

static void build_b3(const struct mut *mu)
{
	mb_reset();
	m_ns("c.example", "ns1.c.example");
	m_ns("c.example", "ns2.c.example");
	add_chain(b3, 2, mu);
	finish("mc.c.example", 15, 0);
}

static void test_b3(void)
{
	struct mut mu = RFC;
	build_b3(&mu);
	is_int(M.err, ST_OK, "B.3 parses");
	judge(AN_DENIAL_NO_DS, "c.example", 43, NULL, NULL);
	expect("B.3 c.example opt-out referral", AN_DENIAL_INSECURE, "nsec3_optout", AN_EDE_NONE);
	is_int(R.ce_labels, 1, "B.3 closest provable encloser example");
	is_int(R.hashes, 2, "B.3 two hashes (c.example, example)");
	mu.flags = 0;
	build_b3(&mu);
	judge(AN_DENIAL_NO_DS, "c.example", 43, NULL, NULL);
	expect("B.3 without opt-out", AN_DENIAL_BOGUS, "next_closer_not_optout", AN_EDE_DNSSEC_BOGUS);
	mu = RFC;
	mu.drop = 1;
	build_b3(&mu);
	judge(AN_DENIAL_NO_DS, "c.example", 43, NULL, NULL);
	expect("B.3 apex NSEC3 dropped", AN_DENIAL_BOGUS, "no_closest_encloser", AN_EDE_DNSSEC_BOGUS);
	mu = RFC;
	mu.drop = 0;
	build_b3(&mu);
	judge(AN_DENIAL_NO_DS, "c.example", 43, NULL, NULL);
	expect("B.3 opt-out cover dropped", AN_DENIAL_BOGUS, "next_closer_not_covered", AN_EDE_DNSSEC_BOGUS);
	mu = RFC;
	mu.salt_of = 0;
	build_b3(&mu);
	judge(AN_DENIAL_NO_DS, "c.example", 43, NULL, NULL);
	expect("B.3 mixed salts", AN_DENIAL_BOGUS, "nsec3_mixed_parameters", AN_EDE_DNSSEC_BOGUS);
	/* the incident: NSEC3 signed by keys nobody published */
	mu = RFC;
	build_b3(&mu);
	uint8_t unverified[4] = { 1, 1, 0, 0 };
	judge(AN_DENIAL_NO_DS, "c.example", 43, unverified, NULL);
	expect("B.3 NSEC3 signatures unverifiable", AN_DENIAL_BOGUS, "nsec_unverified", AN_DENIAL_EDE_NSEC_MISSING);
	/* a.example has a DS: the matching NSEC3 says so */
	static const char *const ads[] = { "35mthgpgcu1qg68fab165klnsnk3dpvl" };
	mb_reset();
	m_ns("a.example", "ns1.a.example");
	add_chain(ads, 1, &mu);
	finish("a.example", 1, 0);
	judge(AN_DENIAL_NO_DS, "a.example", 43, NULL, NULL);
	expect("a.example referral without its DS", AN_DENIAL_BOGUS, "type_in_bitmap", AN_EDE_DNSSEC_BOGUS);
}

/* ---- B.4, B.5: wildcards ----------------------------------------------- */

static void test_wildcard(void)
{
	static const char *const b4[] = { "q04jkcevqvmu85r014c7dkba38o0ji5r" }; /* covers z.w.example */
	static const char *const b5[] = {
		"k8udemvp1j2f7eg6jebps17vp3n8i58h", /* matches w.example (closest encloser) */
		"q04jkcevqvmu85r014c7dkba38o0ji5r", /* covers z.w.example (next closer) */
		"r53bq7cc2uvmubfu5ocmm6pers9tk9en", /* matches *.w.example, no AAAA */
	};
	struct mut mu = RFC;

	mb_reset();
	m_mx("a.z.w.example", "ai.example");
	m_rrsig("a.z.w.example", 15, 2, "example");
	m_ns("example", "ns1.example");
	m_ns("example", "ns2.example");
	add_chain(b4, 1, &mu);
	finish("a.z.w.example", 15, 0);
	is_int(M.err, ST_OK, "B.4 parses");
	judge(AN_DENIAL_WILDCARD, "a.z.w.example", 15, NULL, NULL);
	expect("B.4 wildcard expansion a.z.w.example MX", AN_DENIAL_PROVEN, "nsec3_proof_ok", AN_EDE_NONE);
	is_int(R.hashes, 1, "B.4 one hash (z.w.example)");
	is_int(an_denial_check_wildcard(&M, &QN, 15, 3, &ZN, NULL, NULL, &R), ST_OK, "B.4 with labels 3");
	expect("B.4 claimed encloser z.w.example", AN_DENIAL_BOGUS, "next_closer_not_covered", AN_EDE_DNSSEC_BOGUS);
	mu.alter = 0;
	mu.first = 'r'; /* r04jk..: the span (r04jk, r53bq) misses H(z.w) = qlu7g.. */
	mb_reset();
	m_mx("a.z.w.example", "ai.example");
	m_rrsig("a.z.w.example", 15, 2, "example");
	add_chain(b4, 1, &mu);
	finish("a.z.w.example", 15, 0);
	judge(AN_DENIAL_WILDCARD, "a.z.w.example", 15, NULL, NULL);
	expect("B.4 hash altered", AN_DENIAL_BOGUS, "next_closer_not_covered", AN_EDE_DNSSEC_BOGUS);
	mb_reset();
	m_mx("a.z.w.example", "ai.example");
	m_rrsig("a.z.w.example", 15, 2, "example");
	finish("a.z.w.example", 15, 0);
	judge(AN_DENIAL_WILDCARD, "a.z.w.example", 15, NULL, NULL);
	expect("B.4 NSEC3 dropped", AN_DENIAL_BOGUS, "nsec_missing", AN_DENIAL_EDE_NSEC_MISSING);
	mb_reset();
	m_mx("a.z.w.example", "ai.example");
	m_rrsig("a.z.w.example", 15, 4, "example");
	mu = RFC;
	add_chain(b4, 1, &mu);
	finish("a.z.w.example", 15, 0);
	judge(AN_DENIAL_WILDCARD, "a.z.w.example", 15, NULL, NULL);
	expect("B.4 not a wildcard answer", AN_DENIAL_BOGUS, "no_wildcard_rrsig", AN_EDE_DNSSEC_BOGUS);

	mu = RFC;
	mb_reset();
	m_soa("example");
	add_chain(b5, 3, &mu);
	finish("a.z.w.example", 28, 0);
	judge(AN_DENIAL_NODATA, "a.z.w.example", 28, NULL, NULL);
	/* the wildcard lies in an opt-out span: Unbound says insecure */
	expect("B.5 wildcard no data (opt-out, as printed)", AN_DENIAL_INSECURE, "nsec3_optout", AN_EDE_NONE);
	is_int(R.hashes, 4, "B.5 a.z.w, z.w, w, *.w hashed");
	ok(R.memo_hits >= 1, "B.5 qname's hash reused by the walk (memo hits %u)", R.memo_hits);
	mu.flags = 0;
	mb_reset();
	m_soa("example");
	add_chain(b5, 3, &mu);
	finish("a.z.w.example", 28, 0);
	judge(AN_DENIAL_NODATA, "a.z.w.example", 28, NULL, NULL);
	expect("B.5 without opt-out", AN_DENIAL_PROVEN, "nsec3_proof_ok", AN_EDE_NONE);
	judge(AN_DENIAL_NODATA, "a.z.w.example", 15, NULL, NULL);
	expect("B.5 asked for MX (the wildcard has it)", AN_DENIAL_BOGUS, "type_in_bitmap", AN_EDE_DNSSEC_BOGUS);
	struct mut d = mu;
	d.drop = 2;
	mb_reset();
	m_soa("example");
	add_chain(b5, 3, &d);
	finish("a.z.w.example", 28, 0);
	judge(AN_DENIAL_NODATA, "a.z.w.example", 28, NULL, NULL);
	expect("B.5 wildcard match dropped", AN_DENIAL_BOGUS, "nodata_not_proven", AN_EDE_DNSSEC_BOGUS);
}

/* ---- hashes ------------------------------------------------------------- */

static void test_hash(void)
{
	const uint8_t salt[4] = { 0xaa, 0xbb, 0xcc, 0xdd };
	for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++) {
		struct dec_name n = N(hashes[i].name);
		uint8_t h[AN_NSEC3_SHA1_LEN];
		char t[AN_NSEC3_B32_LEN + 1] = "";
		int rc = an_nsec3_hash(&n, 1, 12, salt, 4, h);
		an_nsec3_b32_encode(h, t);
		ok(rc == ST_OK && strcmp(t, hashes[i].hash) == 0, "H(%s) = %s (got %s)", hashes[i].name,
		   hashes[i].hash, t);
	}
	/* agrees with ldns on a name nobody listed */
	struct dec_name n = N("Denial.Of.Existence.example");
	uint8_t h[AN_NSEC3_SHA1_LEN];
	char t[AN_NSEC3_B32_LEN + 1];
	an_nsec3_hash(&n, 1, 7, salt, 4, h);
	an_nsec3_b32_encode(h, t);
	ldns_rdf *name = ldns_dname_new_frm_str("denial.of.existence.example.");
	ldns_rdf *lh = ldns_nsec3_hash_name(name, 1, 7, 4, salt);
	char *lt = lh ? ldns_rdf2str(lh) : NULL;
	ok(lt && strncasecmp(lt, t, AN_NSEC3_B32_LEN) == 0, "same hash as ldns_nsec3_hash_name (%s, %s)", t,
	   lt ? lt : "(null)");
	free(lt);
	ldns_rdf_deep_free(lh);
	ldns_rdf_deep_free(name);

	is_int(an_nsec3_hash(&n, 1, AN_NSEC3_MAX_ITERATIONS + 1, salt, 4, h), ST_ELIMIT, "151 iterations refused");
	is_int(an_nsec3_hash(&n, 2, 1, salt, 4, h), ST_EUNSUPP, "algorithm 2 refused");
	is_int(an_nsec3_hash(&n, 1, 0, NULL, 0, h), ST_OK, "no salt, no extra iteration");

	uint8_t out[32];
	is_int(an_nsec3_b32_decode((const uint8_t *)"0P9MHAVEQVM6T7VBL5LOP2U3T2RP3TOM", 32, out, sizeof out), 20,
	       "base32hex upper case decodes");
	is_int(an_nsec3_b32_decode((const uint8_t *)"0p9mhaveqvm6t7vbl5lop2u3t2rp3toz", 32, out, sizeof out), -1,
	       "base32hex refuses z");
	is_int(an_nsec3_b32_decode((const uint8_t *)"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", 32, out, 19), -1,
	       "base32hex respects the cap");
	is_int(LDNS_EDE_NSEC_MISSING, AN_DENIAL_EDE_NSEC_MISSING, "EDE 12 same as ldns");
	is_int(LDNS_EDE_DNSSEC_BOGUS, AN_EDE_DNSSEC_BOGUS, "EDE 6 same as ldns");
}

/* ---- NSEC ---------------------------------------------------------------- */

/* RFC 4035 Appendix A's zone (b.example an unsigned delegation). */
static const struct {
	const char *owner, *next, *types;
} nsecs[] = {
	{ "example", "a.example", "NS SOA MX RRSIG NSEC DNSKEY" },
	{ "a.example", "ai.example", "NS DS RRSIG NSEC" },
	{ "ai.example", "b.example", "A HINFO AAAA RRSIG NSEC" },
	{ "b.example", "ns1.example", "NS RRSIG NSEC" },
	{ "ns1.example", "ns2.example", "A RRSIG NSEC" },
	{ "ns2.example", "*.w.example", "A RRSIG NSEC" },
	{ "*.w.example", "x.w.example", "MX RRSIG NSEC" },
	{ "x.w.example", "x.y.w.example", "MX RRSIG NSEC" },
	{ "x.y.w.example", "xx.example", "MX RRSIG NSEC" },
	{ "xx.example", "example", "A HINFO AAAA RRSIG NSEC" },
};

static void nsec_resp(const char *qname, unsigned qtype, unsigned rcode, const int *idx, int n)
{
	mb_reset();
	m_soa("example");
	for (int i = 0; i < n; i++)
		m_nsec(nsecs[idx[i]].owner, nsecs[idx[i]].next, nsecs[idx[i]].types);
	finish(qname, qtype, rcode);
}

static void test_nsec(void)
{
	int i_ml[] = { 3, 0 };
	nsec_resp("ml.example", 1, 3, i_ml, 2);
	judge(AN_DENIAL_NXDOMAIN, "ml.example", 1, NULL, NULL);
	expect("NSEC NXDOMAIN ml.example", AN_DENIAL_PROVEN, "nsec_proof_ok", AN_EDE_NONE);
	is_int(R.method, AN_DENIAL_BY_NSEC, "judged as NSEC");
	is_int(R.hashes, 0, "NSEC: no hashing");
	nsec_resp("ml.example", 1, 3, i_ml, 1);
	judge(AN_DENIAL_NXDOMAIN, "ml.example", 1, NULL, NULL);
	expect("NSEC NXDOMAIN, wildcard NSEC dropped", AN_DENIAL_BOGUS, "wildcard_not_denied", AN_EDE_DNSSEC_BOGUS);
	uint8_t u[3] = { 1, 1, 0 };
	nsec_resp("ml.example", 1, 3, i_ml, 2);
	judge(AN_DENIAL_NXDOMAIN, "ml.example", 1, u, NULL);
	expect("NSEC NXDOMAIN, wildcard NSEC unverified", AN_DENIAL_BOGUS, "wildcard_not_denied", AN_EDE_DNSSEC_BOGUS);
	uint8_t u0[3] = { 1, 0, 0 };
	judge(AN_DENIAL_NXDOMAIN, "ml.example", 1, u0, NULL);
	expect("NSEC NXDOMAIN, nothing verified", AN_DENIAL_BOGUS, "nsec_unverified", AN_DENIAL_EDE_NSEC_MISSING);

	int i_zz[] = { 9, 0 };
	nsec_resp("zz.example", 1, 3, i_zz, 2);
	judge(AN_DENIAL_NXDOMAIN, "zz.example", 1, NULL, NULL);
	expect("NSEC NXDOMAIN zz.example (wrap-around at the apex)", AN_DENIAL_PROVEN, "nsec_proof_ok", AN_EDE_NONE);
	is_int(R.nc_rr, 1, "wrap-around: xx.example's NSEC covers");
	is_int(R.wc_rr, 2, "wrap-around: the apex NSEC covers *.example");

	int i_w[] = { 5, 0 };
	nsec_resp("w.example", 1, 3, i_w, 2);
	judge(AN_DENIAL_NXDOMAIN, "w.example", 1, NULL, NULL);
	expect("NSEC NXDOMAIN for an empty non-terminal", AN_DENIAL_BOGUS, "qname_exists", AN_EDE_DNSSEC_BOGUS);
	judge(AN_DENIAL_NODATA, "w.example", 1, NULL, NULL);
	expect("NSEC NODATA for an empty non-terminal", AN_DENIAL_PROVEN, "nsec_proof_ok", AN_EDE_NONE);

	int i_ns1[] = { 4 };
	nsec_resp("ns1.example", 15, 0, i_ns1, 1);
	judge(AN_DENIAL_NODATA, "ns1.example", 15, NULL, NULL);
	expect("NSEC NODATA ns1.example MX", AN_DENIAL_PROVEN, "nsec_proof_ok", AN_EDE_NONE);
	judge(AN_DENIAL_NODATA, "ns1.example", 1, NULL, NULL);
	expect("NSEC NODATA ns1.example A", AN_DENIAL_BOGUS, "type_in_bitmap", AN_EDE_DNSSEC_BOGUS);
	judge(AN_DENIAL_NXDOMAIN, "ns1.example", 1, NULL, NULL);
	expect("NSEC NXDOMAIN for an existing name", AN_DENIAL_BOGUS, "qname_exists", AN_EDE_DNSSEC_BOGUS);

	int i_wnd[] = { 8, 6 };
	nsec_resp("a.z.w.example", 28, 0, i_wnd, 2);
	judge(AN_DENIAL_NODATA, "a.z.w.example", 28, NULL, NULL);
	expect("NSEC wildcard no data a.z.w.example AAAA", AN_DENIAL_PROVEN, "nsec_proof_ok", AN_EDE_NONE);
	is_int(R.ce_labels, 2, "NSEC wildcard no data: encloser w.example");
	judge(AN_DENIAL_NODATA, "a.z.w.example", 15, NULL, NULL);
	expect("NSEC wildcard no data for MX", AN_DENIAL_BOGUS, "type_in_bitmap", AN_EDE_DNSSEC_BOGUS);

	mb_reset();
	m_mx("a.z.w.example", "ai.example");
	m_rrsig("a.z.w.example", 15, 2, "example");
	m_nsec(nsecs[8].owner, nsecs[8].next, nsecs[8].types);
	finish("a.z.w.example", 15, 0);
	judge(AN_DENIAL_WILDCARD, "a.z.w.example", 15, NULL, NULL);
	expect("NSEC wildcard answer a.z.w.example MX", AN_DENIAL_PROVEN, "nsec_proof_ok", AN_EDE_NONE);
	an_denial_check_wildcard(&M, &QN, 15, 1, &ZN, NULL, NULL, &R);
	expect("NSEC wildcard answer from *.example", AN_DENIAL_BOGUS, "next_closer_not_covered", AN_EDE_DNSSEC_BOGUS);

	int i_b[] = { 3 };
	nsec_resp("b.example", 1, 0, i_b, 1);
	judge(AN_DENIAL_NO_DS, "b.example", 43, NULL, NULL);
	expect("NSEC no DS at b.example", AN_DENIAL_PROVEN, "nsec_proof_ok", AN_EDE_NONE);
	judge(AN_DENIAL_NXDOMAIN, "mc.b.example", 1, NULL, NULL);
	expect("NSEC at a cut denies nothing below", AN_DENIAL_BOGUS, "delegation_not_usable", AN_EDE_DNSSEC_BOGUS);
	judge(AN_DENIAL_NODATA, "b.example", 1, NULL, NULL);
	expect("parent NSEC at a cut denies no child type", AN_DENIAL_BOGUS, "delegation_not_usable", AN_EDE_DNSSEC_BOGUS);
	int i_a[] = { 1 };
	nsec_resp("a.example", 1, 0, i_a, 1);
	judge(AN_DENIAL_NO_DS, "a.example", 43, NULL, NULL);
	expect("NSEC referral hiding a DS", AN_DENIAL_BOGUS, "type_in_bitmap", AN_EDE_DNSSEC_BOGUS);
	int i_n[] = { 4 };
	nsec_resp("ns1.example", 1, 0, i_n, 1);
	judge(AN_DENIAL_NO_DS, "ns1.example", 43, NULL, NULL);
	expect("NSEC no DS for a non-delegation", AN_DENIAL_BOGUS, "not_a_delegation", AN_EDE_DNSSEC_BOGUS);
	int i_c[] = { 3 };
	nsec_resp("c.example", 1, 0, i_c, 1);
	judge(AN_DENIAL_NO_DS, "c.example", 43, NULL, NULL);
	expect("NSEC no DS without a matching NSEC", AN_DENIAL_BOGUS, "no_matching_nsec", AN_EDE_DNSSEC_BOGUS);
}

static void test_args(void)
{
	struct dec_name q = N("x.example");
	is_int(an_denial_check(NULL, AN_DENIAL_NXDOMAIN, &q, 1, NULL, NULL, NULL, &R), ST_EINVAL, "NULL message");
	is_str(R.why, "bad_argument", "NULL message reason");
	is_int(an_denial_check(&M, AN_DENIAL_NXDOMAIN, &q, 1, NULL, NULL, NULL, NULL), ST_EINVAL, "NULL result");
	mb_reset();
	m_soa("example");
	add_chain(b1, 3, &RFC);
	finish("a.c.x.w.example", 1, 3);
	QN = N("a.c.x.w.example");
	an_denial_check(&M, AN_DENIAL_NXDOMAIN, &QN, 1, NULL, NULL, NULL, &R);
	is_str(R.why, "nsec3_optout", "zone taken from the NSEC3 owners when NULL");
	ZN = N("org");
	an_denial_check(&M, AN_DENIAL_NXDOMAIN, &QN, 1, &ZN, NULL, NULL, &R);
	is_str(R.why, "qname_not_in_zone", "qname outside the zone");
}

int main(void)
{
	ARENA = st_arena_new(0);
	test_hash();
	test_b1();
	test_nodata();
	test_b3();
	test_wildcard();
	test_nsec();
	test_args();
	st_arena_free(ARENA);
	return done_testing();
}
