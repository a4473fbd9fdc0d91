/* tests/unit/test_capture_tcpreasm.c -- capture/tcpreasm.c through the
 * pipeline, one test per THREATS row C3-C9 plus the split property. */
#include "tests/tap.h"
#include "tests/unit/capture_helpers.h"

static struct rec R;
static struct cap_pipeline *P;
static uint64_t frame_no;
static int64_t now;
static uint8_t stream[1024];
static size_t stream_len;
static size_t msg_len[3];

#define CLI 0x0a000001
#define SRV 0x0a000002

static void start(size_t flows_max)
{
	struct cap_config cfg;
	cap_config_defaults(&cfg);
	if (flows_max)
		cfg.tcp_flows_max = flows_max;
	struct cap_handler h = rec_handler(&R);
	rec_reset(&R);
	P = cap_pipeline_new(&cfg, &h);
	frame_no = 0;
	now = 1000000000;
}

static void seg(uint16_t sport, uint32_t seq, uint8_t flags, const uint8_t *d, size_t n)
{
	uint8_t pkt[2048];
	size_t len = tcp4(pkt, CLI, SRV, sport, 53, seq, flags, d, n);
	struct cap_frame f = raw_frame(pkt, len, ++frame_no, now);
	cap_pipeline_frame(P, &f);
}

static void stop(void)
{
	cap_pipeline_finish(P);
}

static void done(void)
{
	cap_pipeline_free(P);
	P = NULL;
}

/* Three length-prefixed queries back to back. */
static void make_stream(void)
{
	stream_len = 0;
	for (int i = 0; i < 3; i++) {
		uint8_t q[128];
		size_t n = dns_query(q, (uint16_t)(0x100 + i), (unsigned)i);
		msg_len[i] = n;
		put16(stream + stream_len, (uint16_t)n);
		memcpy(stream + stream_len + 2, q, n);
		stream_len += 2 + n;
	}
}

static bool is_msg(size_t k, int i)
{
	size_t off = 0;
	for (int j = 0; j < i; j++)
		off += 2 + msg_len[j];
	return k < R.n && R.m[k].len == msg_len[i] &&
	       memcmp(R.m[k].wire, stream + off + 2, msg_len[i]) == 0;
}

static void test_splits(void)
{
	/* C3 property: the first two messages cut at every pair of split
	 * points (1-3 segments) give the same two messages. */
	size_t two = 4 + msg_len[0] + msg_len[1];
	int bad = 0, total = 0;
	for (size_t a = 1; a <= two; a++) {
		for (size_t b = a; b <= two; b++) {
			start(0);
			seg(1000, 99, 0x02, NULL, 0);
			seg(1000, 100, 0x10, stream, a);
			if (b > a)
				seg(1000, (uint32_t)(100 + a), 0x10, stream + a, b - a);
			if (two > b)
				seg(1000, (uint32_t)(100 + b), 0x10, stream + b, two - b);
			stop();
			total++;
			if (!(R.n == 2 && is_msg(0, 0) && is_msg(1, 1) && R.anomalies == 0))
				bad++;
			done();
		}
	}
	is_int(bad, 0, "C3 %d ways to split two messages: identical messages, no anomaly", total);
}

static void test_one_byte_reordered(void)
{
	start(0);
	seg(1000, 99, 0x02, NULL, 0);
	for (size_t i = stream_len; i-- > 0;)
		seg(1000, (uint32_t)(100 + i), 0x10, stream + i, 1);
	ok(R.n == 3 && is_msg(0, 0) && is_msg(1, 1) && is_msg(2, 2),
	   "C3 1-byte segments in reverse order: 3 messages");
	ok(R.n == 3 && (R.m[0].flags & CAP_MSG_SEGMENTED) && R.m[0].frame == frame_no,
	   "C3 reversed: frame = the frame that completed it, SEGMENTED");
	stop();
	done();
}

static void test_retrans(void)
{
	start(0);
	seg(1000, 99, 0x02, NULL, 0);
	seg(1000, 100, 0x10, stream, 20);
	seg(1000, 100, 0x10, stream, 20);          /* exact retransmission */
	seg(1000, 110, 0x10, stream + 10, 30);     /* overlapping, same bytes */
	seg(1000, 140, 0x10, stream + 40, stream_len - 40);
	stop();
	ok(R.n == 3 && is_msg(2, 2) && R.anomalies == 0,
	   "C3 retransmission and identical overlap: same messages, no anomaly");
	ok(cap_pipeline_stats(P)->tcp_retrans >= 1, "C3 retransmission counted");
	done();
}

static void test_conflict(void)
{
	start(0);
	seg(1000, 99, 0x02, NULL, 0);
	uint8_t evil[64];
	memcpy(evil, stream + 20, 20);
	evil[5] ^= 0x55;
	seg(1000, 120, 0x10, stream + 20, 20);     /* held out of order */
	seg(1000, 120, 0x10, evil, 20);            /* different bytes */
	seg(1000, 100, 0x10, stream, 20);
	seg(1000, 140, 0x10, stream + 40, stream_len - 40);
	stop();
	ok(R.n == 3 && is_msg(0, 0) && is_msg(1, 1),
	   "C4 overlap with different data: first wins");
	is_int(rec_kind(&R, "tcp_overlap_conflict"), 1, "C4 overlap with different data: anomaly");
	done();
}

static void test_bad_length(void)
{
	start(0);
	seg(1000, 99, 0x02, NULL, 0);
	uint8_t zero[2] = { 0, 0 };
	seg(1000, 100, 0x10, zero, 2);
	seg(1000, 102, 0x10, stream, 1);      /* prefix split 1+1 */
	seg(1000, 103, 0x10, stream + 1, 1);
	seg(1000, 104, 0x10, stream + 2, stream_len - 2);
	stop();
	ok(rec_kind(&R, "tcp_bad_length") == 1, "C5 length prefix 0: bad_length anomaly");
	ok(R.n == 3 && is_msg(0, 0) && (R.m[0].flags & CAP_MSG_RESYNCED),
	   "C5 after a bad length: resynchronised; split 1+1 prefix works");
	done();
	/* 65535 announced, FIN after 10 bytes. */
	start(0);
	seg(1000, 99, 0x02, NULL, 0);
	uint8_t lie[40];
	memcpy(lie, stream, 40);
	put16(lie, 65535);
	seg(1000, 100, 0x11, lie, 40);
	ok(R.n == 1 && (R.m[0].flags & CAP_MSG_PARTIAL) && R.m[0].len == 38,
	   "C5 length 65535 then FIN: partial bytes delivered as PARTIAL");
	is_int(rec_kind(&R, "tcp_partial_message"), 1, "C5 partial at FIN: anomaly");
	done();
}

static void test_gap_resync(void)
{
	start(0);
	seg(1000, 99, 0x02, NULL, 0);
	size_t a = 2 + msg_len[0];
	seg(1000, 100, 0x10, stream, a + 5);       /* msg 0 + 5 bytes of msg 1 */
	/* bytes [a+5, a+15) never arrive */
	seg(1000, (uint32_t)(100 + a + 15), 0x10, stream + a + 15, stream_len - a - 15);
	stop();
	ok(R.n == 2 && is_msg(0, 0) && is_msg(1, 2) && (R.m[1].flags & CAP_MSG_RESYNCED),
	   "C6 gap: skipped at the end, next message found and flagged RESYNCED");
	is_int(rec_kind(&R, "tcp_gap"), 1, "C6 gap: tcp_gap anomaly");
	is_int((long long)cap_pipeline_stats(P)->tcp_gap_bytes, 10, "C6 gap: 10 bytes counted");
	done();
}

static void test_midstream(void)
{
	start(0);
	size_t a = 2 + msg_len[0];
	seg(1000, 5000, 0x10, stream + 7, stream_len - 7); /* no SYN, mid-message */
	stop();
	ok(R.n == 2 && is_msg(0, 1) && is_msg(1, 2) && (R.m[0].flags & CAP_MSG_RESYNCED),
	   "C6 picked up mid-way: resynchronised on the next message");
	is_int((long long)cap_pipeline_stats(P)->tcp_resync_skipped, (long long)(a - 7),
	       "C6 mid-way: skipped bytes counted");
	done();
}

static void test_wrap(void)
{
	start(0);
	uint32_t isn = 0xffffffe0;
	seg(1000, isn, 0x02, NULL, 0);
	for (size_t i = 0; i < stream_len; i += 7) {
		size_t n = stream_len - i < 7 ? stream_len - i : 7;
		seg(1000, isn + 1 + (uint32_t)i, 0x10, stream + i, n);
	}
	ok(R.n == 3 && is_msg(0, 0) && is_msg(1, 1) && is_msg(2, 2) && R.anomalies == 0,
	   "C7 sequence wrap past 2^32: 3 messages");
	stop();
	done();
}

static void test_syn_after_fin(void)
{
	start(0);
	size_t a = 2 + msg_len[0];
	seg(1000, 99, 0x02, NULL, 0);
	seg(1000, 100, 0x11, stream, a);           /* message + FIN */
	seg(1000, 7000, 0x02, NULL, 0);            /* new SYN, same 4-tuple */
	seg(1000, 7001, 0x10, stream + a, 2 + msg_len[1]);
	uint8_t rst_data[4] = { 1, 2, 3, 4 };
	seg(1000, 7001 + 2 + (uint32_t)msg_len[1], 0x04, rst_data, 4);
	stop();
	ok(R.n == 2 && is_msg(0, 0) && is_msg(1, 1), "C8 SYN after FIN on the same 4-tuple: a new flow");
	is_int((long long)cap_pipeline_stats(P)->tcp_flows, 2, "C8 two flows counted");
	is_int(rec_kind(&R, "tcp_rst_data"), 1, "C8 data in RST: recorded, not reassembled");
	done();
}

static void test_flow_flood(void)
{
	start(4);
	for (uint16_t port = 2000; port < 2100; port++)
		seg(port, 1, 0x10, stream, 1);  /* one byte of a length prefix */
	stop();
	is_int((long long)cap_pipeline_stats(P)->tcp_flows_evicted, 96,
	       "C9 flow flood: oldest flows evicted at the flow cap, counted");
	is_int((long long)R.n, 0, "C9 flow flood: no bogus messages");
	done();
	/* idle timeout on the capture clock */
	start(0);
	seg(1000, 99, 0x02, NULL, 0);
	seg(1000, 100, 0x10, stream, 30);
	now += 301LL * 1000000000;
	seg(1001, 99, 0x02, NULL, 0);
	ok(R.n == 1 && (R.m[0].flags & CAP_MSG_PARTIAL), "C9 idle 5 min: flow ended, partial delivered");
	stop();
	done();
}

static void test_trailing_junk(void)
{
	start(0);
	uint8_t b[256];
	memcpy(b, stream, 2 + msg_len[0]);
	b[2 + msg_len[0]] = 0x5a;
	seg(1000, 99, 0x02, NULL, 0);
	seg(1000, 100, 0x19, b, 3 + msg_len[0]);
	stop();
	ok(R.n == 1 && is_msg(0, 0), "trailing junk: one message, junk not a message");
	is_int(rec_kind(&R, "tcp_trailing_junk"), 1, "trailing junk: anomaly");
	done();
}

int main(void)
{
	make_stream();
	test_splits();
	test_one_byte_reordered();
	test_retrans();
	test_conflict();
	test_bad_length();
	test_gap_resync();
	test_midstream();
	test_wrap();
	test_syn_after_fin();
	test_flow_flood();
	test_trailing_junk();
	rec_reset(&R);
	return done_testing();
}
