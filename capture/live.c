/* capture/live.c -- frames from a network interface (see live.h). */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "capture/live.h"
#include "util/err.h"

struct cap_live {
	pcap_t *p;
	int linktype, snaplen;
	uint64_t frames;
	int (*cb)(void *ctx, const struct cap_frame *f);
	void *ctx;
	int cb_rc;            /* what cb returned when it stopped delivery */
	struct pcap_stat last; /* pcap_stats() counts in 32 bits: widened here */
	struct cap_live_stats total;
};

char *cap_live_default_filter(char *dst, size_t len, const uint16_t *ports, size_t nports)
{
	static const uint16_t dns = 53;
	if (nports == 0) {
		ports = &dns;
		nports = 1;
	}
	size_t off = 0;
	int n = snprintf(dst, len, "(");
	for (size_t i = 0; n >= 0 && (size_t)n < len - off && i < nports; i++) {
		off += (size_t)n;
		n = snprintf(dst + off, len - off, "%sport %u", i ? " or " : "", ports[i]);
	}
	if (n < 0 || (size_t)n >= len - off)
		return NULL;
	off += (size_t)n;
	/* ip[6:2] & 0x1fff: the fragment offset (RFC 791); ip6[6] == 44: the
	 * next header is a fragment header (RFC 8200 4.5). */
	n = snprintf(dst + off, len - off,
		     ") or (ip and ip[6:2] & 0x1fff != 0) or (ip6 and ip6[6] == 44)");
	return n < 0 || (size_t)n >= len - off ? NULL : dst;
}

/* Turns a failed pcap_activate() into our code and a sentence. */
static int activate_error(pcap_t *p, int prc, const char *iface, char *err, size_t errlen)
{
	const char *detail = pcap_geterr(p);
	switch (prc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(err, errlen, "%s: no such interface", iface);
		break;
	case PCAP_ERROR_PERM_DENIED:
		snprintf(err, errlen, "%s: capture not permitted (%s): run as root or give the binary "
			 "CAP_NET_RAW (setcap cap_net_raw,cap_net_admin=eip sigtrail; see docs/live.md)",
			 iface, detail && detail[0] ? detail : "permission denied");
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(err, errlen, "%s: interface is down", iface);
		break;
	default:
		snprintf(err, errlen, "%s: %s", iface,
			 detail && detail[0] ? detail : pcap_statustostr(prc));
	}
	return ST_EIO;
}

static int configure(pcap_t *p, const struct cap_live_opts *o)
{
	int rc = pcap_set_snaplen(p, o->snaplen > 0 ? o->snaplen : CAP_LIVE_SNAPLEN_DEFAULT);
	if (rc == 0)
		rc = pcap_set_buffer_size(p, o->buffer_bytes > 0 ? o->buffer_bytes
					  : (int)CAP_LIVE_BUFFER_DEFAULT);
	if (rc == 0)
		rc = pcap_set_immediate_mode(p, o->immediate);
	if (rc == 0)
		rc = pcap_set_promisc(p, o->promisc);
	if (rc == 0)
		rc = pcap_set_timeout(p, 100);
	if (rc == 0)
		rc = pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	return rc;
}

static int set_filter(struct cap_live *l, const struct cap_live_opts *o, char *err, size_t errlen)
{
	char def[CAP_LIVE_FILTER_MAX];
	const char *text = o->filter ? o->filter : cap_live_default_filter(def, sizeof(def), NULL, 0);
	struct bpf_program prog;
	if (!text || pcap_compile(l->p, &prog, text, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "bad capture filter: %s", pcap_geterr(l->p));
		return ST_EINVAL;
	}
	int rc = pcap_setfilter(l->p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot set the filter: %s", o->iface, pcap_geterr(l->p));
		return ST_EIO;
	}
	return ST_OK;
}

int cap_live_open(struct cap_live **out, const struct cap_live_opts *o, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	*out = NULL;
	struct cap_live *l = calloc(1, sizeof(*l));
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return ST_ENOMEM;
	}
	l->p = pcap_create(o->iface, perr);
	if (!l->p) {
		snprintf(err, errlen, "%s: %s", o->iface, perr);
		free(l);
		return ST_EIO;
	}
	int rc = ST_OK;
	if (configure(l->p, o) != 0) {
		snprintf(err, errlen, "%s: cannot configure capture: %s", o->iface, pcap_geterr(l->p));
		rc = ST_EIO;
	}
	int prc = rc == ST_OK ? pcap_activate(l->p) : 0;
	if (prc < 0)
		rc = activate_error(l->p, prc, o->iface, err, errlen);
	if (rc == ST_OK)
		rc = set_filter(l, o, err, errlen);
	if (rc == ST_OK && pcap_setnonblock(l->p, 1, perr) != 0) {
		snprintf(err, errlen, "%s: %s", o->iface, perr);
		rc = ST_EIO;
	}
	if (rc == ST_OK && pcap_get_selectable_fd(l->p) < 0) {
		snprintf(err, errlen, "%s: no selectable descriptor", o->iface);
		rc = ST_EIO;
	}
	if (rc != ST_OK) {
		cap_live_close(l);
		return rc;
	}
	l->linktype = pcap_datalink(l->p);
	l->snaplen = pcap_snapshot(l->p);
	*out = l;
	return ST_OK;
}

int cap_live_fd(const struct cap_live *l)
{
	return pcap_get_selectable_fd(l->p);
}

int cap_live_linktype(const struct cap_live *l)
{
	return l->linktype;
}

int cap_live_snaplen(const struct cap_live *l)
{
	return l->snaplen;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct cap_live *l = (struct cap_live *)user;
	if (l->cb_rc != ST_OK)
		return;
	struct cap_frame f = {
		/* nanosecond precision was asked for: tv_usec holds ns */
		.ts_ns = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec,
		.tsresol_ns = 1,
		.file = 0,
		.number = ++l->frames,
		.linktype = l->linktype,
		.caplen = h->caplen,
		.len = h->len,
		.data = bytes,
	};
	int rc = l->cb(l->ctx, &f);
	if (rc != ST_OK) {
		l->cb_rc = rc;
		pcap_breakloop(l->p);
	}
}

int cap_live_dispatch(struct cap_live *l, int max,
		      int (*cb)(void *ctx, const struct cap_frame *f), void *ctx,
		      char *err, size_t errlen)
{
	l->cb = cb;
	l->ctx = ctx;
	l->cb_rc = ST_OK;
	int n = pcap_dispatch(l->p, max, on_packet, (u_char *)l);
	if (l->cb_rc != ST_OK)
		return l->cb_rc;
	if (n == PCAP_ERROR) {
		snprintf(err, errlen, "capture failed: %s", pcap_geterr(l->p));
		return ST_EIO;
	}
	return n < 0 ? 0 : n;
}

int cap_live_stats(struct cap_live *l, struct cap_live_stats *st)
{
	struct pcap_stat ps;
	if (pcap_stats(l->p, &ps) != 0)
		return ST_EIO;
	/* Unsigned differences survive one wrap of the 32-bit counters
	 * between two calls (the driver asks every second). */
	l->total.recv += (uint32_t)(ps.ps_recv - l->last.ps_recv);
	l->total.drop += (uint32_t)(ps.ps_drop - l->last.ps_drop);
	l->total.ifdrop += (uint32_t)(ps.ps_ifdrop - l->last.ps_ifdrop);
	l->last = ps;
	*st = l->total;
	return ST_OK;
}

void cap_live_close(struct cap_live *l)
{
	if (!l)
		return;
	if (l->p)
		pcap_close(l->p);
	free(l);
}
