/* tests/unit/test_capture_defrag.c -- capture/defrag.c through the
 * pipeline, one test per THREATS row B5-B10. */
#include "tests/tap.h"
#include "tests/unit/capture_helpers.h"

static struct rec R;
static uint8_t dgram[1600]; /* UDP header + DNS payload */
static size_t dlen;

/* One IPv4 fragment of dgram: [off, off+n), more = MF. */
static size_t frag4(uint8_t *out, uint16_t id, size_t off, size_t n, bool more,
		    const uint8_t *src)
{
	size_t o = ip4_hdr(out, 17, 0x0a000001, 0x0a000002, n, id,
			   (uint16_t)((more ? 0x2000 : 0) | off / 8));
	memcpy(out + o, src + off, n);
	return o + n;
}

static void make_dgram(void)
{
	uint8_t pl[1400];
	memset(pl, 0, sizeof(pl));
	size_t qn = dns_query(pl, 0x4242, 7);
	for (size_t i = qn; i < 1000; i++)
		pl[i] = (uint8_t)i;
	uint8_t pkt[1600];
	size_t n = udp4(pkt, 0x0a000001, 0x0a000002, 53, 4000, pl, 1000);
	dlen = n - 20;
	memcpy(dgram, pkt + 20, dlen);
}

static struct cap_pipeline *pipe_new(size_t mem)
{
	struct cap_config cfg;
	cap_config_defaults(&cfg);
	if (mem)
		cfg.frag_mem_max = mem;
	struct cap_handler h = rec_handler(&R);
	rec_reset(&R);
	return cap_pipeline_new(&cfg, &h);
}

/* Feeds fragments in the order given; offsets in units of 8 bytes. */
static void feed(struct cap_pipeline *p, const int *order, int n, size_t fs,
		 int64_t step, const uint8_t *src)
{
	for (int i = 0; i < n; i++) {
		size_t off = (size_t)order[i] * fs;
		size_t len = off + fs < dlen ? fs : dlen - off;
		uint8_t pkt[1600];
		size_t pl = frag4(pkt, 77, off, len, off + len < dlen, src);
		struct cap_frame f = raw_frame(pkt, pl, (uint64_t)i + 1, (int64_t)i * step);
		cap_pipeline_frame(p, &f);
	}
}

static bool got_dgram(void)
{
	return R.n == 1 && R.m[0].len == dlen - 8 &&
	       memcmp(R.m[0].wire, dgram + 8, dlen - 8) == 0 &&
	       (R.m[0].flags & CAP_MSG_FRAGMENTED) && !(R.m[0].flags & CAP_MSG_CKSUM_BAD);
}

static void test_orders(void)
{
	/* B5: 5 fragments of 208 bytes: every permutation (120), then each
	 * with its first fragment repeated at the end. */
	int n = 5, perm[5] = { 0, 1, 2, 3, 4 }, c[5] = { 0 }, bad = 0, runs = 0;
	for (int i = 0;;) {
		for (int dup = 0; dup < 2; dup++) {
			struct cap_pipeline *p = pipe_new(0);
			int order[6];
			memcpy(order, perm, sizeof(perm));
			order[5] = perm[0];
			feed(p, dup ? order : perm, dup ? 6 : 5, 208, 1, dgram);
			cap_pipeline_finish(p);
			bad += !got_dgram();
			runs++;
			cap_pipeline_free(p);
		}
		/* Heap's algorithm, iterative */
		while (i < n && c[i] >= i) {
			c[i] = 0;
			i++;
		}
		if (i >= n)
			break;
		int j = i % 2 ? c[i] : 0, t = perm[j];
		perm[j] = perm[i];
		perm[i] = t;
		c[i]++;
		i = 0;
	}
	is_int(bad, 0, "B5 fragments in all %d orders (with and without a duplicate): same datagram", runs);
	struct cap_pipeline *p = pipe_new(0);
	int rev[] = { 4, 3, 2, 1, 0 };
	feed(p, rev, 5, 208, 1, dgram);
	ok(got_dgram() && R.m[0].frame == 5 && R.m[0].first_frame == 1,
	   "B5 reversed: frame = completing fragment, first_frame = earliest");
	cap_pipeline_free(p);
}

static void test_dup_and_conflict(void)
{
	struct cap_pipeline *p = pipe_new(0);
	int o[] = { 0, 1, 1, 2, 3, 4 };
	feed(p, o, 6, 208, 1, dgram);
	ok(got_dgram() && cap_pipeline_stats(p)->frag_dups == 1,
	   "B7 exact duplicate fragment: dropped and counted");
	cap_pipeline_free(p);

	p = pipe_new(0);
	uint8_t evil[1600];
	memcpy(evil, dgram, dlen);
	evil[300] ^= 0xff;
	int a[] = { 0, 1 }, b[] = { 1 }, rest[] = { 2, 3, 4 };
	feed(p, a, 2, 208, 1, dgram);
	feed(p, b, 1, 208, 1, evil);
	feed(p, rest, 3, 208, 1, dgram);
	cap_pipeline_finish(p);
	ok(rec_kind(&R, "frag_overlap_conflict") == 1,
	   "B6 overlap with different data: frag_overlap_conflict");
	ok(R.n == 0, "B6 the later fragments start a new datagram that never completes");
	cap_pipeline_free(p);

	/* Overlap at a shifted offset with the same bytes: counted, reassembled. */
	p = pipe_new(0);
	uint8_t pkt[1600];
	int idx[] = { 0, 1, 2, 3, 4 };
	feed(p, idx, 1, 208, 1, dgram);
	size_t pl = frag4(pkt, 77, 104, 208, true, dgram); /* overlaps 0 and 1 */
	struct cap_frame f = raw_frame(pkt, pl, 9, 1);
	cap_pipeline_frame(p, &f);
	feed(p, idx + 1, 4, 208, 1, dgram);
	ok(got_dgram() && cap_pipeline_stats(p)->frag_overlaps >= 1,
	   "B6 overlap with identical data: counted, reassembled");
	cap_pipeline_free(p);
}

static void test_bad_fragments(void)
{
	struct cap_pipeline *p = pipe_new(0);
	uint8_t pkt[1600];
	size_t pl = frag4(pkt, 5, 65528, 100, false, dgram);
	(void)pl;
	/* offset 65528 + 100 > 65535: build by hand (src has only dlen bytes) */
	size_t o = ip4_hdr(pkt, 17, 0x0a000001, 0x0a000002, 100, 5, 65528 / 8);
	memset(pkt + o, 0, 100);
	struct cap_frame f = raw_frame(pkt, o + 100, 1, 0);
	cap_pipeline_frame(p, &f);
	is_int(rec_kind(&R, "frag_too_long"), 1, "B8 offset + length > 65535: rejected");
	pl = frag4(pkt, 6, 0, 13, true, dgram);
	f = raw_frame(pkt, pl, 2, 0);
	cap_pipeline_frame(p, &f);
	is_int(rec_kind(&R, "frag_bad_length"), 1, "B8 MF with a length not a multiple of 8: rejected");
	o = ip4_hdr(pkt, 17, 0x0a000001, 0x0a000002, 0, 7, 0x2000 | 10);
	f = raw_frame(pkt, o, 3, 0);
	cap_pipeline_frame(p, &f);
	is_int(rec_kind(&R, "frag_empty"), 1, "B8 zero-length fragment: rejected");
	/* B10 tiny first fragment splitting the UDP header */
	int ord[] = { 1, 0 };
	size_t saved = dlen;
	dlen = 16;
	rec_reset(&R);
	feed(p, ord, 2, 8, 1, dgram);
	dlen = saved;
	is_int(rec_kind(&R, "frag_tiny"), 1, "B10 tiny first fragment: anomaly");
	cap_pipeline_free(p);
}

static void test_timeout_and_cap(void)
{
	struct cap_pipeline *p = pipe_new(0);
	int first[] = { 0, 1 }, rest[] = { 2, 3, 4 };
	feed(p, first, 2, 208, 1, dgram);
	uint8_t pkt[1600];
	size_t pl = frag4(pkt, 78, 0, 208, true, dgram);
	struct cap_frame f = raw_frame(pkt, pl, 50, 31LL * 1000000000);
	cap_pipeline_frame(p, &f);
	is_int((long long)cap_pipeline_stats(p)->frag_timeouts, 1,
	       "B9 incomplete datagram expires after 30 s of capture time");
	feed(p, rest, 3, 208, 1, dgram);
	is_int((long long)R.n, 0, "B9 fragments after the timeout do not complete it");
	cap_pipeline_free(p);

	/* B9 memory cap: 1000 first fragments with different ids, 64 KiB cap. */
	p = pipe_new(64 << 10);
	for (int i = 0; i < 1000; i++) {
		pl = frag4(pkt, (uint16_t)(1000 + i), 0, 208, true, dgram);
		f = raw_frame(pkt, pl, (uint64_t)i + 1, i);
		cap_pipeline_frame(p, &f);
	}
	const struct cap_stats *st = cap_pipeline_stats(p);
	ok(st->frag_evicted > 800, "B9 memory cap: oldest evicted and counted (%llu)",
	   (unsigned long long)st->frag_evicted);
	cap_pipeline_finish(p);
	cap_pipeline_free(p);
}

static void test_ipv6_frag_pcap(void)
{
	rec_reset(&R);
	long fr = run_pcap(&R, "tests/captures/ipv6-frag-reordered.pcap", NULL, 0);
	/* tshark -r ... -Y dns: 2 messages */
	ok(fr > 0 && R.n == 2 && (R.m[1].flags & CAP_MSG_FRAGMENTED),
	   "IPv6 fragments out of order (capture): 2 messages as tshark");
	rec_reset(&R);
	fr = run_pcap(&R, "tests/captures/ipv4-frag-reversed-dup-overlap.pcap", NULL, 0);
	/* tshark -r ... -Y dns: 4 messages (it keeps one version of the
	 * conflicting datagram; we drop it, RFC 5722 style): we expect 3 */
	ok(fr > 0 && R.n == 3 && rec_kind(&R, "frag_overlap_conflict") == 1,
	   "IPv4 fragments reversed/duplicated/conflicting (capture): 3 messages, 1 conflict");
}

int main(void)
{
	make_dgram();
	test_orders();
	test_dup_and_conflict();
	test_bad_fragments();
	test_timeout_and_cap();
	test_ipv6_frag_pcap();
	rec_reset(&R);
	return done_testing();
}
