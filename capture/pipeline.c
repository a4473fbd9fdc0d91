/* capture/pipeline.c -- frames in, DNS messages out (see pipeline.h).
 *
 * Glue only: link.c strips the link layer, ip.c the IP header, defrag.c
 * reassembles fragments, udp.c and tcpreasm.c give DNS messages. A plain
 * UDP datagram goes from frame to handler without a copy or a malloc: the
 * message points into the frame. */
#include <stdlib.h>
#include <string.h>
#include "capture/anom.h"
#include "capture/defrag.h"
#include "capture/ip.h"
#include "capture/link.h"
#include "capture/pipeline.h"
#include "capture/tcpreasm.h"
#include "capture/udp.h"
#include "util/err.h"

#define LINKTYPES_REPORTED_MAX 32

struct cap_pipeline {
	struct cap_config cfg;
	struct cap_handler h;
	struct cap_stats st;
	struct cap_anom anom;
	struct cap_defrag *defrag;
	struct cap_tcpreasm *tcp;
	int linktypes_seen[LINKTYPES_REPORTED_MAX];
	size_t nlinktypes_seen;
};

/* What the transport layer needs to know about where bytes came from. */
struct carrier {
	const struct cap_frame *f;
	const struct cap_ip *ip;
	uint16_t vlan;
	uint32_t flags;       /* CAP_MSG_FRAGMENTED, CAP_MSG_SNAPLEN */
	uint64_t first_frame;
};

void cap_config_defaults(struct cap_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ports[0] = 53;
	cfg->nports = 1;
	cfg->frag_mem_max = CAP_DEFRAG_MEM_DEFAULT;
	cfg->frag_timeout_ns = CAP_DEFRAG_TIMEOUT_DEFAULT_NS;
	cfg->tcp_mem_max = CAP_TCP_MEM_DEFAULT;
	cfg->tcp_flow_max_pending = CAP_TCP_PENDING_DEFAULT;
	cfg->tcp_idle_ns = CAP_TCP_IDLE_DEFAULT_NS;
	cfg->tcp_flows_max = CAP_TCP_FLOWS_DEFAULT;
}

struct cap_pipeline *cap_pipeline_new(const struct cap_config *cfg,
				      const struct cap_handler *h)
{
	struct cap_pipeline *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->cfg = *cfg;
	if (p->cfg.nports > CAP_MAX_PORTS)
		p->cfg.nports = CAP_MAX_PORTS;
	p->h = *h;
	p->anom.h = &p->h;
	p->anom.st = &p->st;
	p->defrag = cap_defrag_new(cfg->frag_mem_max, cfg->frag_timeout_ns, &p->anom);
	p->tcp = cap_tcpreasm_new(&p->cfg, &p->h, &p->anom);
	if (!p->defrag || !p->tcp) {
		cap_pipeline_free(p);
		return NULL;
	}
	return p;
}

static bool dns_port(const struct cap_pipeline *p, uint16_t a, uint16_t b)
{
	for (size_t i = 0; i < p->cfg.nports; i++)
		if (p->cfg.ports[i] == a || p->cfg.ports[i] == b)
			return true;
	return false;
}

static void anom(struct cap_pipeline *p, const struct cap_frame *f,
		 const char *kind, const char *detail)
{
	cap_anom(&p->anom, f->file, f->number, kind, "%s", detail);
}

static struct cap_endpoint endpoint(const struct cap_ip *ip, uint16_t port,
				    const uint8_t *addr)
{
	struct cap_endpoint e = { .family = ip->family, .port = port };
	memcpy(e.addr, addr, 16);
	return e;
}

static int udp(struct cap_pipeline *p, const struct carrier *c,
	       const uint8_t *seg, size_t len, bool complete)
{
	struct cap_udp u;
	if (cap_udp_parse(c->ip, seg, len, complete, &u) != ST_OK) {
		p->st.ip_malformed++;
		anom(p, c->f, "udp_truncated", "UDP header cut");
		return ST_OK;
	}
	p->st.udp++;
	if (!dns_port(p, u.sport, u.dport)) {
		p->st.not_dns_port++;
		return ST_OK;
	}
	uint32_t flags = c->flags;
	if (u.len_anomaly) {
		p->st.udp_len_mismatch++;
		anom(p, c->f, u.len_anomaly, "UDP length field and IP disagree; the smaller used");
	}
	/* A wrong checksum is kept on the message and counted, but it is not
	 * an anomaly row: with checksum offload, every datagram the capturing
	 * host sends carries a partial checksum, so it is the normal case on
	 * a resolver's own capture (tshark does not check by default either).
	 * Spoofing evidence stays queryable: messages.cap_flags & 32. */
	if (u.cksum_bad) {
		p->st.udp_cksum_bad++;
		flags |= CAP_MSG_CKSUM_BAD;
	}
	struct cap_msg m = {
		.ts_ns = c->f->ts_ns, .tsresol_ns = c->f->tsresol_ns,
		.file = c->f->file, .frame = c->f->number,
		.first_frame = c->first_frame,
		.src = endpoint(c->ip, u.sport, c->ip->src),
		.dst = endpoint(c->ip, u.dport, c->ip->dst),
		.transport = CAP_UDP, .vlan = c->vlan, .flags = flags,
		.wire = u.payload, .len = u.len,
	};
	p->st.messages++;
	return p->h.on_message ? p->h.on_message(p->h.ctx, &m) : ST_OK;
}

static int tcp(struct cap_pipeline *p, const struct carrier *c,
	       const uint8_t *seg, size_t len)
{
	struct cap_tcp_seg s;
	int rc = cap_tcp_parse(seg, len, &s);
	if (rc != ST_OK) {
		p->st.ip_malformed++;
		anom(p, c->f, rc == ST_ETRUNC ? "tcp_truncated" : "tcp_bad_offset",
		     "TCP header unusable");
		return ST_OK;
	}
	p->st.tcp++;
	if (!dns_port(p, s.sport, s.dport)) {
		p->st.not_dns_port++;
		return ST_OK;
	}
	return cap_tcpreasm_push(p->tcp, c->ip, &s, c->f, c->vlan);
}

static int transport(struct cap_pipeline *p, const struct carrier *c,
		     uint8_t proto, const uint8_t *seg, size_t len, bool complete)
{
	if (proto == 17)
		return udp(p, c, seg, len, complete);
	if (proto == 6)
		return tcp(p, c, seg, len);
	p->st.not_dns_port++;
	return ST_OK;
}

/* A datagram rebuilt from fragments: IPv6 may still have extension
 * headers (those after the fragment header) in front of the transport. */
static int reassembled(struct cap_pipeline *p, struct carrier *c,
		       const struct cap_defrag_out *o)
{
	uint8_t proto = o->proto;
	size_t off = 0;
	const char *why;
	if (c->ip->family == 6 &&
	    cap_ip6_skip_ext(&proto, o->data, o->len, &off, &why) != ST_OK) {
		p->st.ip_malformed++;
		anom(p, c->f, why, "after reassembly");
		return ST_OK;
	}
	c->flags |= CAP_MSG_FRAGMENTED;
	c->first_frame = o->first_frame;
	return transport(p, c, proto, o->data + off, o->len - off, true);
}

static void unsupported_linktype(struct cap_pipeline *p, const struct cap_frame *f)
{
	p->st.linktype_unsupported++;
	for (size_t i = 0; i < p->nlinktypes_seen; i++)
		if (p->linktypes_seen[i] == f->linktype)
			return;
	if (p->nlinktypes_seen < LINKTYPES_REPORTED_MAX)
		p->linktypes_seen[p->nlinktypes_seen++] = f->linktype;
	cap_anom(&p->anom, f->file, f->number, "linktype_unsupported",
		 "link type %d: its frames are counted, not decoded", f->linktype);
}

int cap_pipeline_frame(struct cap_pipeline *p, const struct cap_frame *f)
{
	p->st.frames++;
	p->st.bytes += f->caplen;
	cap_defrag_expire(p->defrag, f->ts_ns);
	int rc = cap_tcpreasm_expire(p->tcp, f->ts_ns);
	if (rc != ST_OK)
		return rc;
	struct cap_link l;
	rc = cap_link_parse(f->linktype, f->data, f->caplen, &l);
	if (rc == ST_EUNSUPP) {
		unsupported_linktype(p, f);
		return ST_OK;
	}
	if (rc != ST_OK) {
		p->st.link_malformed++;
		anom(p, f, rc == ST_ELIMIT ? "vlan_depth" : "link_truncated",
		     rc == ST_ELIMIT ? "more VLAN tags than CAP_LINK_VLAN_MAX" : "link header cut");
		return ST_OK;
	}
	if (l.net == 0) {
		p->st.not_ip++;
		return ST_OK;
	}
	struct cap_ip ip;
	const char *why;
	if (cap_ip_parse(l.net, f->data + l.off, f->caplen - l.off, &ip, &why) != ST_OK) {
		p->st.ip_malformed++;
		anom(p, f, why, "IP header unusable");
		return ST_OK;
	}
	if (ip.family == 4)
		p->st.ipv4++;
	else
		p->st.ipv6++;
	struct carrier c = { f, &ip, l.vlan, 0, f->number };
	if (ip.snapcut) {
		p->st.snaplen_cut++;
		c.flags |= CAP_MSG_SNAPLEN;
		anom(p, f, "snaplen_cut", "frame shorter than its IP length");
	}
	if (!ip.frag)
		return transport(p, &c, ip.proto, ip.payload, ip.payload_len, !ip.snapcut);
	struct cap_defrag_out o;
	rc = cap_defrag_push(p->defrag, &ip, f, &o);
	if (rc == 1)
		return reassembled(p, &c, &o);
	return rc;
}

int cap_pipeline_finish(struct cap_pipeline *p)
{
	cap_defrag_finish(p->defrag);
	return cap_tcpreasm_finish(p->tcp);
}

const struct cap_stats *cap_pipeline_stats(const struct cap_pipeline *p)
{
	return &p->st;
}

void cap_pipeline_free(struct cap_pipeline *p)
{
	if (!p)
		return;
	cap_tcpreasm_free(p->tcp);
	cap_defrag_free(p->defrag);
	free(p);
}
