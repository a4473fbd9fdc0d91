/* tests/unit/test_capture_source.c -- capture/source.c, pcapfile.c, pcapng.c.
 *
 * Every expected timestamp below came from
 *   tshark -r tests/captures/FILE -T fields -e frame.number -e frame.time_epoch
 * (TShark 4.0.17), written as seconds and nanoseconds. Run from the top of
 * the tree (make test does). Broken files are made in a temp directory. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/source.h"
#include "tests/tap.h"
#include "util/err.h"

#define CAPS "tests/captures/"
#define NS(s, n) ((int64_t)(s) * 1000000000 + (n))
#define MAXF 64

struct got {
	size_t n;
	struct cap_frame f[MAXF];
	uint8_t first[MAXF]; /* first data byte, to see data is right */
	struct cap_file_info info[4];
	size_t nfiles;
	int rc;
};

static char tmpdir[] = "/tmp/test_capture_source.XXXXXX";

static void run(struct got *g, const char *const *paths, size_t n)
{
	struct cap_source *s = NULL;
	memset(g, 0, sizeof(*g));
	g->rc = cap_source_open(&s, paths, n);
	if (g->rc != ST_OK)
		return;
	struct cap_frame f;
	while ((g->rc = cap_source_next(s, &f)) == 1) {
		if (g->n < MAXF) {
			g->f[g->n] = f;
			g->first[g->n] = f.caplen ? f.data[0] : 0;
			if (f.caplen)
				(void)f.data[f.caplen - 1]; /* ASan: whole frame readable */
		}
		g->n++;
	}
	const struct cap_file_info *fi = cap_source_files(s, &g->nfiles);
	for (size_t i = 0; i < g->nfiles && i < 4; i++)
		g->info[i] = fi[i];
	if (g->info[0].status != ST_OK)
		diag("%s: %s", paths[0], g->info[0].error);
	cap_source_close(s);
}

static void run1(struct got *g, const char *path)
{
	run(g, &path, 1);
}

/* Writes len bytes of buf to tmpdir/name; returns the path (static). */
static const char *put(const char *name, const void *buf, size_t len)
{
	static char path[4][512];
	static int k;
	char *p = path[k++ % 4];
	snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
	FILE *f = fopen(p, "wb");
	if (!f || fwrite(buf, 1, len, f) != len)
		diag("cannot write %s", p);
	if (f)
		fclose(f);
	return p;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	static uint8_t buf[8][8192];
	static int k;
	uint8_t *b = buf[k++ % 8];
	*len = f ? fread(b, 1, sizeof(buf[0]), f) : 0;
	if (f)
		fclose(f);
	return b;
}

static void check_ts(const struct got *g, const int64_t *want, size_t n,
		     const char *what)
{
	is_int((long long)g->n, (long long)n, "%s: %zu frames", what, n);
	for (size_t i = 0; i < n && i < g->n; i++) {
		if (g->f[i].ts_ns != want[i] || g->f[i].number != i + 1)
			break;
		if (i == n - 1)
			ok(1, "%s: timestamps and numbers equal tshark's", what);
	}
	if (g->n != n || g->f[n - 1].ts_ns != want[n - 1])
		ok(0, "%s: timestamps equal tshark's", what);
}

static void test_pcap(void)
{
	struct got g;
	/* tshark: 1 1591780794.740079000, 2 1591780794.870361000 */
	static const int64_t udp[] = { NS(1591780794, 740079000),
				       NS(1591780794, 870361000) };
	run1(&g, CAPS "dns_udp.pcap");
	check_ts(&g, udp, 2, "pcap µs");
	is_int(g.info[0].status, ST_OK, "pcap µs: status OK");
	is_str(g.info[0].format, "pcap", "pcap µs: format");
	is_int(g.f[0].tsresol_ns, 1000, "pcap µs: tsresol 1000 ns");
	is_int(g.f[0].linktype, 1, "pcap µs: Ethernet");
	is_int(g.f[1].caplen, 266, "pcap µs: caplen");
	is_int(g.f[1].len, 266, "pcap µs: len");
	is_int(g.first[0], 0x00, "pcap µs: data");
	is_int((long long)g.info[0].frames, 2, "info frames");
	is_int((long long)g.info[0].bytes, 98 + 266, "info bytes");
	is_int((long long)g.info[0].file_size, 420, "info file_size");
	ok(g.info[0].first_ts_ns == udp[0] && g.info[0].last_ts_ns == udp[1],
	   "info first/last ts");

	/* tshark on foo-ns.pcap and foo.pcapng (same packets) */
	static const int64_t foo[] = {
		NS(1703776967, 936254914), NS(1703776967, 948840289),
		NS(1703776967, 948903488), NS(1703776967, 949079380),
		NS(1703776967, 961064802), NS(1703776967, 961326516),
		NS(1703776967, 961355391), NS(1703776967, 961597909),
		NS(1703776967, 975390302), NS(1703776967, 975410250),
	};
	run1(&g, CAPS "foo-ns.pcap");
	check_ts(&g, foo, 10, "pcap ns");
	is_str(g.info[0].format, "pcap-ns", "pcap ns: format");
	is_int(g.f[5].tsresol_ns, 1, "pcap ns: tsresol 1 ns");
	is_int(g.f[5].caplen, 2045, "pcap ns: caplen 2045");

	/* tshark: 1382970487.688018000 (74), 1382970487.704674000 (154) */
	static const int64_t be[] = { NS(1382970487, 688018000),
				      NS(1382970487, 704674000) };
	run1(&g, CAPS "sample-bigendian.pcap");
	check_ts(&g, be, 2, "pcap big-endian");
	is_int(g.f[0].caplen, 74, "pcap big-endian: caplen");
	is_int(g.f[1].caplen, 154, "pcap big-endian: caplen 2");
	is_int(g.info[0].linktype, 1, "pcap big-endian: linktype");

	run1(&g, CAPS "foo.pcapng");
	check_ts(&g, foo, 10, "pcapng foo");
	is_str(g.info[0].format, "pcapng", "pcapng: format");
	is_int(g.f[0].tsresol_ns, 1, "pcapng foo: tsresol 1 ns");
	is_int(g.f[5].caplen, 2045, "pcapng foo: caplen 2045");
}

static void test_pcapng(void)
{
	struct got g;
	/* tshark: 1 1591780794.740079000 if0, 2 1591780794.870361000 if0,
	 * 3 1741351492.219938000 if1, 4 1741351492.234317000 if1 */
	static const int64_t mixed[] = {
		NS(1591780794, 740079000), NS(1591780794, 870361000),
		NS(1741351492, 219938000), NS(1741351492, 234317000),
	};
	run1(&g, CAPS "mixed-linktype.pcapng");
	check_ts(&g, mixed, 4, "pcapng two link types");
	ok(g.f[0].linktype == 1 && g.f[1].linktype == 1 &&
	   g.f[2].linktype == 276 && g.f[3].linktype == 276,
	   "pcapng two link types: Ethernet then SLL2");
	is_int(g.f[3].caplen, 780, "pcapng two link types: caplen");
	is_int(g.info[0].status, ST_OK, "pcapng two link types: status OK");

	/* tshark: 1700000000.123456789, 1700000000.987654321 */
	static const int64_t ns[] = { NS(1700000000, 123456789),
				      NS(1700000000, 987654321) };
	run1(&g, CAPS "tsresol-ns.pcapng");
	check_ts(&g, ns, 2, "pcapng if_tsresol 9");
	is_int(g.f[0].tsresol_ns, 1, "if_tsresol 9: 1 ns");

	/* tshark: 1700000000.117737770, 1700000001.999999046 */
	static const int64_t bin[] = { NS(1700000000, 117737770),
				       NS(1700000001, 999999046) };
	run1(&g, CAPS "tsresol-bin20.pcapng");
	check_ts(&g, bin, 2, "pcapng if_tsresol 2^-20");
	is_int(g.f[0].tsresol_ns, 954, "if_tsresol 2^-20: 954 ns");

	/* tshark: 1 1600000000.000001000, 2 (SPB, no time), 3
	 * 1600000100.500000000, 4 custom block, 5 1600000101.250000000 */
	run1(&g, CAPS "sections-be.pcapng");
	is_int((long long)g.n, 4, "two sections: 4 packets");
	is_int(g.info[0].status, ST_OK, "two sections: status OK");
	ok(g.f[0].ts_ns == NS(1600000000, 1000) && g.f[0].number == 1,
	   "big-endian section EPB");
	ok(g.f[1].number == 2 && g.f[1].caplen == 266 &&
	   g.f[1].ts_ns == g.f[0].ts_ns, "SPB: previous frame's time");
	ok(g.f[2].number == 3 && g.f[2].ts_ns == NS(1600000100, 500000000) &&
	   g.f[2].tsresol_ns == 1000000, "obsolete PB, tsresol 3, tsoffset 100");
	ok(g.f[3].number == 5 && g.f[3].ts_ns == NS(1600000101, 250000000),
	   "custom block takes frame number 4, as in tshark");
}

static void test_merge(void)
{
	struct got g;
	const char *three[] = { CAPS "tsresol-ns.pcapng", CAPS "dns_udp.pcap",
				CAPS "sample-bigendian.pcap" };
	run(&g, three, 3);
	is_int((long long)g.n, 6, "merge: 6 frames");
	int order = 1;
	static const uint32_t wantfile[] = { 2, 2, 1, 1, 0, 0 };
	for (size_t i = 0; i < 6; i++) {
		if (g.f[i].file != wantfile[i] || g.f[i].number != i % 2 + 1)
			order = 0;
		if (i && g.f[i].ts_ns < g.f[i - 1].ts_ns)
			order = 0;
	}
	ok(order, "merge: ordered by time, file index and numbers right");
	is_int((long long)g.nfiles, 3, "merge: 3 file infos");
	is_str(g.info[2].format, "pcap", "merge: info per file");

	const char *same[] = { CAPS "dns_udp.pcap", CAPS "dns_udp.pcap" };
	run(&g, same, 2);
	ok(g.n == 4 && g.f[0].file == 0 && g.f[1].file == 1 &&
	   g.f[2].file == 0 && g.f[3].file == 1 && g.f[1].number == 1,
	   "merge: ties keep file order");
	/* Data of the delivered frame stays intact while the other file
	 * has read ahead. */
	ok(g.first[0] == 0x00 && g.first[1] == 0x00, "merge: data intact");
}

static void test_cut(const char *src, size_t lastlen, uint64_t frames_before)
{
	size_t len;
	uint8_t *b = slurp(src, &len);
	size_t offs[] = { len - 1, len - 2, len - 4, len - lastlen / 2,
			  len - lastlen + 1, len - lastlen + 8,
			  len - lastlen + 12, len - lastlen + 17 };
	int good = 1;
	struct got g;
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		run1(&g, put("cut", b, offs[i]));
		if (g.rc != 0 || g.n != frames_before ||
		    g.info[0].status != ST_ETRUNC ||
		    !strstr(g.info[0].error, "truncated")) {
			diag("cut %s at %zu: %zu frames, status %d", src,
			     offs[i], g.n, g.info[0].status);
			good = 0;
		}
	}
	ok(good, "%s cut inside its last record: %" PRIu64 " frames, ST_ETRUNC",
	   src, frames_before);
	run1(&g, put("cut", b, len - lastlen));
	ok(g.n == frames_before && g.info[0].status == ST_OK,
	   "%s cut at the record boundary: complete, OK", src);
}

static void test_truncated(void)
{
	struct got g;
	test_cut(CAPS "dns_udp.pcap", 16 + 266, 1);
	test_cut(CAPS "tsresol-ns.pcapng", 300, 1);
	test_cut(CAPS "foo-ns.pcap", 16 + 66, 9);
	run1(&g, put("cut", slurp(CAPS "dns_udp.pcap", &(size_t){0}), 200));
	ok(strstr(g.info[0].error, "frame 2") &&
	   strstr(g.info[0].error, "offset 138"),
	   "pcap truncation names frame 2 and byte offset 138");
	run1(&g, put("cut", slurp(CAPS "tsresol-ns.pcapng", &(size_t){0}), 300));
	ok(strstr(g.info[0].error, "frame 2") &&
	   strstr(g.info[0].error, "offset 192"),
	   "pcapng truncation names frame 2 and byte offset 192");
}

static void test_bad_files(void)
{
	struct got g;
	size_t len;
	uint8_t *b;

	run1(&g, put("empty", "", 0));
	ok(g.rc == 0 && g.n == 0 && g.info[0].status == ST_EFORMAT &&
	   strstr(g.info[0].error, "not a capture file"), "empty file");
	run1(&g, put("garbage", "hello, this is not a capture\n", 29));
	ok(g.n == 0 && g.info[0].status == ST_EFORMAT &&
	   strstr(g.info[0].error, "not a capture file"), "garbage file");
	run1(&g, put("short", "\xd4\xc3", 2));
	is_int(g.info[0].status, ST_EFORMAT, "2-byte file");
	run1(&g, put("gz", "\x1f\x8b\x08\x00\x00\x00\x00\x00", 8));
	ok(g.info[0].status == ST_EFORMAT &&
	   strstr(g.info[0].error, "gunzip it first"), "gzip file");
	run1(&g, tmpdir);
	is_int(g.info[0].status, ST_EIO, "directory: ST_EIO");
	run1(&g, CAPS "does-not-exist.pcap");
	ok(g.rc == 0 && g.info[0].status == ST_EIO &&
	   strstr(g.info[0].error, "No such file"), "missing file: ST_EIO");

	b = slurp(CAPS "dns_udp.pcap", &len);
	run1(&g, put("hdr", b, 24));
	ok(g.n == 0 && g.info[0].status == ST_OK && g.info[0].linktype == 1,
	   "pcap header only: empty capture, OK");
	run1(&g, put("hdr", b, 20));
	is_int(g.info[0].status, ST_ETRUNC, "pcap header cut: ST_ETRUNC");

	b = slurp(CAPS "tsresol-ns.pcapng", &len);
	run1(&g, put("hdr", b, 60));
	ok(g.n == 0 && g.info[0].status == ST_OK && g.info[0].tsresol_ns == 1,
	   "pcapng SHB+IDB only: empty capture, OK");

	/* Broken blocks: frame 1 at 60 (iface id at 68, caplen at 80,
	 * trailer at 188); IDB if_tsresol byte at 48. */
	uint8_t m[512];
	struct { size_t at; uint8_t v; int frames; const char *why; } bad[] = {
		{ 188, 0x85, 0, "trailing length differs" },
		{ 64, 0x85, 0, "total length not a multiple of 4" },
		{ 64, 0x08, 0, "total length below 12" },
		{ 67, 0x10, 0, "total length above the cap" },
		{ 80, 0xff, 0, "caplen past the block" },
		{ 68, 0x01, 0, "unknown interface" },
		{ 48, 0x80 | 70, 0, "if_tsresol 2^-70" },
		{ 48, 20, 0, "if_tsresol 10^-20" },
		{ 200, 0x01, 1, "second EPB unknown interface" },
		{ 8, 0x00, 0, "bad byte-order magic" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(m, b, len);
		m[bad[i].at] = bad[i].v;
		run1(&g, put("bad.pcapng", m, len));
		ok(g.n == (size_t)bad[i].frames &&
		   g.info[0].status == ST_EMALF && g.info[0].error[0],
		   "pcapng %s: ST_EMALF after %d frames", bad[i].why,
		   bad[i].frames);
	}
	memcpy(m, b, len);
	m[0] = 0x0b; /* no SHB magic: not a capture */
	run1(&g, put("bad.pcapng", m, len));
	is_int(g.info[0].status, ST_EFORMAT, "pcapng without SHB magic");
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_pcap();
	test_pcapng();
	test_merge();
	test_truncated();
	test_bad_files();
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	return done_testing();
}
