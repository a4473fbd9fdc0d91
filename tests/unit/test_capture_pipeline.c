/* tests/unit/test_capture_pipeline.c -- capture/pipeline.c end to end:
 * crafted frames (THREATS C1, C2) and the corpus captures, whose message
 * counts come from tshark 4.0.17:
 *   tshark -r F -Y dns -T fields -e frame.number -e dns.id
 * (one message per comma-separated dns.id). */
#include "tests/tap.h"
#include "tests/unit/capture_helpers.h"

#define CORPUS "/work/shared/corpus/"

static struct rec R;

struct expect {
	const char *path;
	long messages; /* tshark's count unless a comment says otherwise */
	uint16_t port;  /* 0: default 53 */
};

static const struct expect corpus[] = {
	{ "dnscap/src/test/dns.pcap", 82, 0 },
	{ "dnscap/src/test/frags.pcap", 82, 0 },
	{ "dnscap/src/test/vlan11.pcap", 82, 0 },
	{ "dnscap/src/test/dnso1tcp.pcap", 82, 0 },
	{ "dnscap/src/test/dnsotcp-many1pkt.pcap", 4, 0 },
	{ "dnscap/src/test/dnsotcp-manyopkts.pcap", 3, 0 },
	{ "dnscap/src/test/1qtcpnosyn.pcap", 2, 0 },
	/* tshark: 2. It takes the first captured bytes (a body without its
	 * length) as a length prefix and never recovers; we resynchronise and
	 * also find the query in frames 5+7. All 3 are byte-identical to
	 * messages of the complete stream dnso1tcp.pcap (checked by hand). */
	{ "dnscap/src/test/do1t-nosyn-1nolen.pcap", 3, 0 },
	{ "dnscap/src/test/dnso1tcp-midmiss.pcap", 6, 0 },
	/* tshark: 41; it stops after the hole. We skip the gap (2 tcp_gap)
	 * and resynchronise: 76, each byte-identical to a message of the
	 * complete stream dnso1tcp.pcap (82 messages; checked by hand). */
	{ "dnscap/src/test/dnso1tcp-bighole.pcap", 76, 0 },
	{ "dnscap/src/test/sll2.pcap", 2, 0 },
	{ "dnsjit/src/test/ip6-tcp-padd.pcap", 2, 0 },
	{ "dnsjit/src/test/46vs45.pcap", 1, 0 },
	{ "dnsjit/src/test/tcp-response-with-trailing-junk.pcap", 20, 0 },
	{ "arkime/tests/pcap/dns-tcp.pcap", 4, 0 },
	{ "suricata-verify/tests/dns/dns-tcp-multirequest-buffer/dns-tcp-multirequest-buffer.pcap", 40, 0 },
	{ "suricata-verify/tests/dns-tcp-ts-gap/input.pcap", 5, 0 },
	{ "zeek/testing/btest/Traces/dns-edns-ecs.pcap", 85, 0 },
	{ "zeek/testing/btest/Traces/dns-svcb.pcap", 2, 0 },
};

/* Our own captures (tests/captures/SOURCES.md); counts from tshark with
 * -o tcp.reassemble_out_of_order:TRUE. */
static const struct expect ours[] = {
	{ "tests/captures/vlan-qinq.pcap", 2, 0 },
	{ "tests/captures/sll2-tcp.pcap", 2, 0 },
	{ "tests/captures/tcp-1byte-reordered.pcap", 2, 0 },
	{ "tests/captures/ipv6-frag-reordered.pcap", 2, 0 },
};

static void test_ours(void)
{
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
		rec_reset(&R);
		long fr = run_pcap(&R, ours[i].path, NULL, 0);
		ok(fr > 0 && (long)R.n == ours[i].messages && R.anomalies == 0,
		   "%s: %ld messages as tshark, no anomaly", ours[i].path, ours[i].messages);
	}
	rec_reset(&R);
	run_pcap(&R, "tests/captures/vlan-qinq.pcap", NULL, 0);
	ok(R.n == 2 && R.m[0].vlan == 100, "B1 QinQ 802.1ad+802.1Q: outer VLAN 100 kept");
	rec_reset(&R);
	run_pcap(&R, "tests/captures/tcp-1byte-reordered.pcap", NULL, 0);
	ok(R.n == 2 && (R.m[0].flags & CAP_MSG_SEGMENTED), "1-byte reordered segments: SEGMENTED");
}

static void test_corpus(void)
{
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		char path[512];
		snprintf(path, sizeof(path), CORPUS "%s", corpus[i].path);
		rec_reset(&R);
		uint16_t port = corpus[i].port;
		long fr = run_pcap(&R, path, &port, port ? 1 : 0);
		if (fr < 0) {
			ok(1, "# SKIP %s not present", corpus[i].path);
			continue;
		}
		unsigned partial = 0;
		for (size_t k = 0; k < R.n; k++)
			partial += !!(R.m[k].flags & CAP_MSG_PARTIAL);
		is_int((long)R.n - partial, corpus[i].messages,
		       "%s: complete messages as tshark (%u partial)",
		       corpus[i].path, partial);
	}
}

static void test_vlan_kept(void)
{
	rec_reset(&R);
	run_pcap(&R, CORPUS "dnscap/src/test/vlan11.pcap", NULL, 0);
	ok(R.n > 0 && R.m[0].vlan == 11, "vlan11.pcap: outer VLAN id 11 kept");
	rec_reset(&R);
	run_pcap(&R, CORPUS "dnscap/src/test/frags.pcap", NULL, 0);
	unsigned frag = 0;
	for (size_t k = 0; k < R.n; k++)
		frag += !!(R.m[k].flags & CAP_MSG_FRAGMENTED);
	is_int(frag, 82, "frags.pcap: every message flagged FRAGMENTED");
	ok(R.n > 0 && R.m[0].first_frame < R.m[0].frame,
	   "frags.pcap: first_frame is the earliest fragment");
}

static struct cap_pipeline *new_pipe(void)
{
	struct cap_config cfg;
	cap_config_defaults(&cfg);
	struct cap_handler h = rec_handler(&R);
	return cap_pipeline_new(&cfg, &h);
}

static void test_c1_udp(void)
{
	uint8_t q[64], pkt[256];
	size_t qn = dns_query(q, 0x1234, 1);
	size_t n = udp4(pkt, 0x0a000001, 0x0a000002, 40000, 53, q, qn);
	rec_reset(&R);
	struct cap_pipeline *p = new_pipe();
	struct cap_frame f = raw_frame(pkt, n, 1, 0);
	cap_pipeline_frame(p, &f);
	ok(R.n == 1 && !(R.m[0].flags & CAP_MSG_CKSUM_BAD) && R.m[0].len == qn,
	   "UDP datagram on port 53 with a good checksum");
	pkt[n - 1] ^= 0xff;
	f.number = 2;
	cap_pipeline_frame(p, &f);
	ok(R.n == 2 && (R.m[1].flags & CAP_MSG_CKSUM_BAD),
	   "C1 bad UDP checksum: decoded anyway, flagged CKSUM_BAD");
	pkt[n - 1] ^= 0xff;
	put16(pkt + 24, (uint16_t)(8 + qn - 4)); /* UDP length < IP payload */
	f.number = 3;
	cap_pipeline_frame(p, &f);
	ok(R.n == 3 && R.m[2].len == qn - 4 && rec_kind(&R, "udp_length_under_ip") == 1,
	   "C1 UDP length < IP payload: the smaller used, anomaly");
	put16(pkt + 24, (uint16_t)(8 + qn + 100));
	f.number = 4;
	cap_pipeline_frame(p, &f);
	ok(R.n == 4 && R.m[3].len == qn && rec_kind(&R, "udp_length_over_ip") == 1,
	   "C1 UDP length > IP payload: the smaller used, anomaly");
	/* C2: garbage on port 53 still comes out as a message. */
	uint8_t junk[7] = { 1, 2, 3, 4, 5, 6, 7 };
	n = udp4(pkt, 0x0a000001, 0x0a000002, 53, 53, junk, sizeof(junk));
	f = raw_frame(pkt, n, 5, 0);
	cap_pipeline_frame(p, &f);
	ok(R.n == 5 && R.m[4].len == 7, "C2 non-DNS bytes on port 53: delivered for decode/ to judge");
	/* Snaplen: caplen shorter than the IP length. */
	n = udp4(pkt, 0x0a000001, 0x0a000002, 40000, 53, q, qn);
	f = raw_frame(pkt, n - 10, 6, 0);
	cap_pipeline_frame(p, &f);
	ok(R.n == 6 && (R.m[5].flags & CAP_MSG_SNAPLEN) && R.m[5].len == qn - 10,
	   "snaplen-cut frame: what is there, flagged SNAPLEN, never past caplen");
	/* Trailing link padding past the IP length is ignored (46vs45). */
	uint8_t padded[256];
	memcpy(padded, pkt, n);
	padded[n] = 0xee;
	f = raw_frame(padded, n + 1, 7, 0);
	cap_pipeline_frame(p, &f);
	ok(R.n == 7 && R.m[6].len == qn, "trailing padding after the IP length ignored");
	const struct cap_stats *st = cap_pipeline_stats(p);
	is_int((long long)st->messages, 7, "stats: 7 messages");
	cap_pipeline_free(p);
}

static void test_unsupported_linktype(void)
{
	rec_reset(&R);
	struct cap_pipeline *p = new_pipe();
	uint8_t b[40] = { 0 };
	for (int i = 1; i <= 3; i++) {
		struct cap_frame f = raw_frame(b, sizeof(b), (uint64_t)i, 0);
		f.linktype = 239; /* NFLOG */
		cap_pipeline_frame(p, &f);
	}
	is_int((long long)cap_pipeline_stats(p)->linktype_unsupported, 3,
	       "unsupported link type: every frame counted");
	is_int(rec_kind(&R, "linktype_unsupported"), 1, "unsupported link type: reported once");
	cap_pipeline_free(p);
}

int main(void)
{
	test_corpus();
	test_vlan_kept();
	test_ours();
	test_c1_udp();
	test_unsupported_linktype();
	rec_reset(&R);
	return done_testing();
}
