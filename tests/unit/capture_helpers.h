/* tests/unit/capture_helpers.h -- shared by the capture/ unit tests.
 *
 * A recording handler (messages copied, anomaly kinds counted), frame
 * builders for crafted IPv4/IPv6/UDP/TCP packets (raw IP, linktype 101),
 * and a libpcap reader that feeds a capture file to a pipeline, so the
 * tests do not wait for capture/source.c. Header-only: each test is one
 * .c file. */
#pragma once
#pragma GCC diagnostic ignored "-Wunused-function"
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "capture/pipeline.h"
#include "util/err.h"

#define REC_MAX 4096

struct rec_msg {
	uint64_t frame, first_frame;
	uint32_t flags;
	uint16_t vlan, sport, dport;
	uint8_t transport;
	size_t len;
	uint8_t *wire;
};

struct rec {
	struct rec_msg m[REC_MAX];
	size_t n;
	char kinds[64][40];
	unsigned kind_count[64];
	size_t nkinds;
	unsigned anomalies;
};

static int rec_msg(void *ctx, const struct cap_msg *m)
{
	struct rec *r = ctx;
	if (r->n == REC_MAX)
		return ST_OK;
	struct rec_msg *x = &r->m[r->n++];
	x->frame = m->frame;
	x->first_frame = m->first_frame;
	x->flags = m->flags;
	x->vlan = m->vlan;
	x->sport = m->src.port;
	x->dport = m->dst.port;
	x->transport = m->transport;
	x->len = m->len;
	x->wire = malloc(m->len ? m->len : 1);
	memcpy(x->wire, m->wire, m->len);
	return ST_OK;
}

static void rec_anom(void *ctx, uint32_t file, uint64_t frame, const char *kind,
		     const char *detail)
{
	struct rec *r = ctx;
	(void)file;
	(void)frame;
	(void)detail;
	r->anomalies++;
	for (size_t i = 0; i < r->nkinds; i++)
		if (strcmp(r->kinds[i], kind) == 0) {
			r->kind_count[i]++;
			return;
		}
	if (r->nkinds < 64) {
		snprintf(r->kinds[r->nkinds], 40, "%s", kind);
		r->kind_count[r->nkinds++] = 1;
	}
}

static unsigned rec_kind(const struct rec *r, const char *kind)
{
	for (size_t i = 0; i < r->nkinds; i++)
		if (strcmp(r->kinds[i], kind) == 0)
			return r->kind_count[i];
	return 0;
}

static void rec_reset(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->m[i].wire);
	memset(r, 0, sizeof(*r));
}

static struct cap_handler rec_handler(struct rec *r)
{
	struct cap_handler h = { r, rec_msg, rec_anom };
	return h;
}

/* Feeds every record of a capture file; returns frames read or -1. */
static long feed_pcap(struct cap_pipeline *p, const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(path,
		PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc)
		return -1;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	long n = 0;
	while (pcap_next_ex(pc, &hdr, &data) == 1) {
		struct cap_frame f = {
			.ts_ns = (int64_t)hdr->ts.tv_sec * 1000000000 + hdr->ts.tv_usec,
			.tsresol_ns = 1, .file = 0, .number = (uint64_t)++n,
			.linktype = pcap_datalink(pc), .caplen = hdr->caplen,
			.len = hdr->len, .data = data,
		};
		cap_pipeline_frame(p, &f);
	}
	pcap_close(pc);
	return n;
}

/* Runs a whole file through a fresh pipeline into r; returns frames. */
static long run_pcap(struct rec *r, const char *path, const uint16_t *ports,
		     size_t nports)
{
	struct cap_config cfg;
	cap_config_defaults(&cfg);
	if (nports) {
		memcpy(cfg.ports, ports, nports * sizeof(*ports));
		cfg.nports = nports;
	}
	struct cap_handler h = rec_handler(r);
	struct cap_pipeline *p = cap_pipeline_new(&cfg, &h);
	long n = feed_pcap(p, path);
	cap_pipeline_finish(p);
	cap_pipeline_free(p);
	return n;
}

/* ---- crafted packets (raw IP) ---- */

static size_t put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
	return 2;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t csum(uint32_t s, const uint8_t *p, size_t n)
{
	for (; n >= 2; p += 2, n -= 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		s += (uint32_t)p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* IPv4 header (20 bytes) at p; returns 20. */
static size_t ip4_hdr(uint8_t *p, uint8_t proto, uint32_t src, uint32_t dst,
		      size_t payload, uint16_t id, uint16_t frag_field)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	put16(p + 2, (uint16_t)(20 + payload));
	put16(p + 4, id);
	put16(p + 6, frag_field);
	p[8] = 64;
	p[9] = proto;
	put32(p + 12, src);
	put32(p + 16, dst);
	put16(p + 10, csum(0, p, 20));
	return 20;
}

/* A UDP/IPv4 datagram with a correct checksum; returns its length. */
static size_t udp4(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sp,
		   uint16_t dp, const uint8_t *pl, size_t n)
{
	size_t o = ip4_hdr(out, 17, src, dst, 8 + n, 1, 0x4000);
	uint8_t *u = out + o;
	put16(u, sp);
	put16(u + 2, dp);
	put16(u + 4, (uint16_t)(8 + n));
	put16(u + 6, 0);
	memcpy(u + 8, pl, n);
	uint32_t s = 0;
	for (int i = 12; i < 20; i += 2)
		s += (uint32_t)(out[i] << 8 | out[i + 1]);
	s += 17 + 8 + n;
	uint16_t c = csum(s, u, 8 + n);
	put16(u + 6, c ? c : 0xffff);
	return o + 8 + n;
}

/* A TCP/IPv4 segment (checksum not filled: not verified for TCP). */
static size_t tcp4(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sp,
		   uint16_t dp, uint32_t seq, uint8_t flags, const uint8_t *pl,
		   size_t n)
{
	size_t o = ip4_hdr(out, 6, src, dst, 20 + n, 2, 0x4000);
	uint8_t *t = out + o;
	memset(t, 0, 20);
	put16(t, sp);
	put16(t + 2, dp);
	put32(t + 4, seq);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 65535);
	if (n)
		memcpy(t + 20, pl, n);
	return o + 20 + n;
}

/* A small DNS query for "aNNN.example." type A, id; returns its length. */
static size_t dns_query(uint8_t *out, uint16_t id, unsigned label)
{
	static const uint8_t tail[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1 };
	memset(out, 0, 12);
	put16(out, id);
	put16(out + 2, 0x0100);
	put16(out + 4, 1);
	size_t o = 12;
	out[o++] = 4;
	out[o++] = 'a';
	out[o++] = (uint8_t)('0' + label / 100 % 10);
	out[o++] = (uint8_t)('0' + label / 10 % 10);
	out[o++] = (uint8_t)('0' + label % 10);
	memcpy(out + o, tail, sizeof(tail));
	return o + sizeof(tail);
}

static struct cap_frame raw_frame(const uint8_t *p, size_t n, uint64_t number,
				  int64_t ts)
{
	struct cap_frame f = { .ts_ns = ts, .tsresol_ns = 1000, .number = number,
			       .linktype = 101, .caplen = (uint32_t)n,
			       .len = (uint32_t)n, .data = p };
	return f;
}
