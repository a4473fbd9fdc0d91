/* capture/tcpreasm.c -- DNS-over-TCP reassembly (see tcpreasm.h).
 *
 * A direction keeps the in-order bytes not yet cut into messages in buf
 * [head, len), the stream offset of buf[0] in pos, and marks saying which
 * frame brought which bytes (for first_frame and CAP_MSG_SEGMENTED).
 * Segments beyond a hole wait in a list sorted by sequence number and
 * never overlapping one another. Sequence numbers are compared as signed
 * 32-bit differences from next_seq (RFC 1982 style), so a stream may wrap
 * past 2^32. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "capture/htab.h"
#include "capture/tcpreasm.h"
#include "util/cur.h"

struct seg {
	struct seg *next;
	uint32_t seq, len;
	uint64_t frame;
	int64_t ts_ns;  /* the frame's time: a message released later keeps it */
	uint8_t data[];
};

struct mark {
	uint64_t pos;   /* stream offset of the first byte this frame brought */
	uint64_t frame;
	int64_t ts_ns;  /* that frame's time */
};

enum { D_NEW, D_OPEN, D_CLOSED };

struct dir {
	uint8_t state;
	bool have_isn, need_sync, resynced, fin_seen;
	uint32_t isn, next_seq, fin_seq;
	uint64_t pos;           /* stream offset of buf[0] */
	uint8_t *buf;
	size_t head, len, cap;
	struct mark *marks;
	size_t nmarks, capmarks;
	struct seg *ooo;
	size_t ooo_bytes;
};

struct flow_key {
	uint8_t family, pad;
	uint16_t port[2];
	uint8_t addr[2][16];
};

struct flow {
	struct flow_key key;
	uint64_t hash;
	struct flow *older, *newer; /* by last activity */
	int64_t last_ts;
	uint16_t vlan;
	uint32_t file;
	struct dir d[2];            /* d[0]: key.addr[0] -> key.addr[1] */
};

struct cap_tcpreasm {
	const struct cap_config *cfg;
	const struct cap_handler *h;
	struct cap_anom *anom;
	struct cap_stats *st;
	struct cap_htab tab;
	struct flow *oldest, *newest;
	size_t nflows, mem;
	int stop;                   /* first negative handler code */
	const struct cap_frame *cur;/* frame being pushed (NULL at finish) */
};

/* ---- TCP header ---- */

int cap_tcp_parse(const uint8_t *seg, size_t len, struct cap_tcp_seg *out)
{
	struct st_cur c = st_cur_make(seg, len);
	out->sport = st_cur_u16(&c);
	out->dport = st_cur_u16(&c);
	out->seq = st_cur_u32(&c);
	st_cur_skip(&c, 4);
	size_t doff = (size_t)(st_cur_u8(&c) >> 4) * 4;
	out->flags = st_cur_u8(&c);
	st_cur_skip(&c, 6);
	if (c.err != ST_OK)
		return ST_ETRUNC;
	if (doff < 20)
		return ST_EMALF;
	st_cur_skip(&c, doff - 20);
	if (c.err != ST_OK)
		return ST_ETRUNC;
	out->len = st_cur_left(&c);
	out->data = st_cur_bytes(&c, out->len);
	return ST_OK;
}

/* ---- plausibility (resynchronisation, partial messages) ---- */

enum { P_NO = 0, P_YES = 1, P_SHORT = -1, P_HDR_OK = -2 };

static bool qclass_ok(uint16_t qc)
{
	qc &= 0x7fff; /* mDNS unicast-response bit */
	return qc == 1 || qc == 3 || qc == 4 || qc == 254 || qc == 255;
}

/* Does a DNS message (with its length prefix) plausibly start at q? P_YES,
 * P_NO, P_SHORT (too few bytes to tell, header incomplete) or P_HDR_OK
 * (header sane, the first question not all there yet). RFC 1035 4.1. */
static int plausible(const uint8_t *q, size_t n)
{
	struct st_cur c = st_cur_make(q, n);
	size_t L = st_cur_u16(&c);
	if (c.err == ST_OK && L < CAP_TCP_MIN_MSG)
		return P_NO;
	bool whole = n >= 2 + L;
	if (whole)
		c.end = 2 + L;
	st_cur_skip(&c, 2);
	uint16_t fl = st_cur_u16(&c);
	uint16_t qd = st_cur_u16(&c), an = st_cur_u16(&c);
	uint16_t ns = st_cur_u16(&c), ar = st_cur_u16(&c);
	if (c.err != ST_OK)
		return P_SHORT;
	unsigned op = fl >> 11 & 15;
	if (op == 3 || op > 6 || qd != 1)
		return P_NO;
	if (5 + ((size_t)an + ns + ar) * 11 > L - 12)
		return P_NO;
	size_t name = 0;
	for (;;) {
		uint8_t b = st_cur_u8(&c);
		if (c.err != ST_OK)
			return whole ? P_NO : P_HDR_OK;
		if (b == 0)
			break;
		if (b & 0xc0)
			return P_NO;
		name += b + 1;
		if (name > 255)
			return P_NO;
		st_cur_skip(&c, b);
	}
	uint16_t qt = st_cur_u16(&c), qc = st_cur_u16(&c);
	if (c.err != ST_OK)
		return whole ? P_NO : P_HDR_OK;
	return qt != 0 && qclass_ok(qc) ? P_YES : P_NO;
}

/* ---- bookkeeping ---- */

static void charge(struct cap_tcpreasm *r, long long d)
{
	r->mem = (size_t)((long long)r->mem + d);
}

static struct cap_endpoint endpoint(const struct flow *fl, int side)
{
	struct cap_endpoint e = { .family = fl->key.family, .port = fl->key.port[side] };
	memcpy(e.addr, fl->key.addr[side], 16);
	return e;
}

static uint64_t frame_at(const struct dir *d, uint64_t pos)
{
	uint64_t fr = d->nmarks ? d->marks[0].frame : 0;
	for (size_t i = 0; i < d->nmarks && d->marks[i].pos <= pos; i++)
		fr = d->marks[i].frame;
	return fr;
}

static int64_t ts_at(const struct dir *d, uint64_t pos)
{
	int64_t ts = d->nmarks ? d->marks[0].ts_ns : 0;
	for (size_t i = 0; i < d->nmarks && d->marks[i].pos <= pos; i++)
		ts = d->marks[i].ts_ns;
	return ts;
}

static bool spans_frames(const struct dir *d, uint64_t from, uint64_t to)
{
	for (size_t i = 0; i < d->nmarks; i++)
		if (d->marks[i].pos > from && d->marks[i].pos < to)
			return true;
	return false;
}

/* first: frame of the first byte; last: of the last byte, used as the
 * completing frame when no frame is being pushed (end of input), with its
 * time last_ts: a message released at the end carries the time of the
 * frame it is reported in, not of the last frame of the capture. */
static void deliver(struct cap_tcpreasm *r, struct flow *fl, int di,
		    const uint8_t *p, size_t n, uint32_t flags, uint64_t first,
		    uint64_t last, int64_t last_ts)
{
	if (r->stop)
		return;
	const struct cap_frame *f = r->cur;
	struct cap_msg m = {
		.ts_ns = f ? f->ts_ns : last_ts,
		.tsresol_ns = f ? f->tsresol_ns : 0,
		.file = f ? f->file : fl->file,
		.frame = f ? f->number : last,
		.first_frame = first,
		.src = endpoint(fl, di), .dst = endpoint(fl, !di),
		.transport = CAP_TCP, .vlan = fl->vlan, .flags = flags,
		.wire = p, .len = n,
	};
	if (m.frame < first)
		m.frame = first;
	r->st->messages++;
	if (r->h->on_message) {
		int rc = r->h->on_message(r->h->ctx, &m);
		if (rc < 0)
			r->stop = rc;
	}
}

/* Drops the consumed bytes [0, head) and the marks before them. */
static void compact(struct dir *d)
{
	if (d->head == 0)
		return;
	memmove(d->buf, d->buf + d->head, d->len - d->head);
	d->len -= d->head;
	d->pos += d->head;
	d->head = 0;
	size_t k = 0;
	while (k + 1 < d->nmarks && d->marks[k + 1].pos <= d->pos)
		k++;
	memmove(d->marks, d->marks + k, (d->nmarks - k) * sizeof(*d->marks));
	d->nmarks -= k;
}

static int append(struct cap_tcpreasm *r, struct dir *d, const uint8_t *p,
		  size_t n, uint64_t frame, int64_t ts_ns)
{
	if (d->len + n > d->cap) {
		size_t nc = d->cap ? d->cap : 2048;
		while (nc < d->len + n)
			nc *= 2;
		uint8_t *nb = realloc(d->buf, nc);
		if (!nb)
			return ST_ENOMEM;
		charge(r, (long long)(nc - d->cap));
		d->buf = nb;
		d->cap = nc;
	}
	uint64_t at = d->pos + d->len;
	if (!d->nmarks || d->marks[d->nmarks - 1].frame != frame) {
		if (d->nmarks == d->capmarks) {
			size_t nc = d->capmarks ? d->capmarks * 2 : 8;
			struct mark *nm = realloc(d->marks, nc * sizeof(*nm));
			if (!nm)
				return ST_ENOMEM;
			charge(r, (long long)((nc - d->capmarks) * sizeof(*nm)));
			d->marks = nm;
			d->capmarks = nc;
		}
		d->marks[d->nmarks++] = (struct mark){ at, frame, ts_ns };
	}
	memcpy(d->buf + d->len, p, n);
	d->len += n;
	d->next_seq += (uint32_t)n;
	return ST_OK;
}

/* ---- cutting messages ---- */

/* Resynchronisation: skips bytes proven not to start a message. final:
 * no more bytes will come, so "too short to tell" means no. */
static bool resync(struct cap_tcpreasm *r, struct flow *fl, struct dir *d, bool final)
{
	size_t start = d->head;
	bool found = false;
	while (d->head < d->len) {
		int p = plausible(d->buf + d->head, d->len - d->head);
		if (p == P_YES) {
			found = true;
			break;
		}
		if (p != P_NO && !final)
			break;
		if (p != P_NO && final && p == P_HDR_OK) {
			found = true; /* a cut message: the caller flushes it */
			break;
		}
		d->head++;
	}
	size_t skipped = d->head - start;
	if (skipped) {
		r->st->tcp_resync_skipped += skipped;
		cap_anom(r->anom, fl->file, r->cur ? r->cur->number : frame_at(d, d->pos + start),
			 "tcp_resync_skip", "%zu bytes skipped to find a DNS message",
			 skipped);
	}
	if (found) {
		d->need_sync = false;
		d->resynced = true;
		r->st->tcp_resyncs++;
	}
	return found;
}

static void cut_messages(struct cap_tcpreasm *r, struct flow *fl, int di)
{
	struct dir *d = &fl->d[di];
	while (!r->stop) {
		if (d->need_sync && !resync(r, fl, d, false))
			break;
		if (d->len - d->head < 2)
			break;
		const uint8_t *q = d->buf + d->head;
		size_t L = (size_t)q[0] << 8 | q[1];
		if (L < CAP_TCP_MIN_MSG) {
			cap_anom(r->anom, fl->file,
				 r->cur ? r->cur->number : frame_at(d, d->pos + d->head),
				 "tcp_bad_length",
				 "length prefix %zu", L);
			d->need_sync = true;
			d->head++;
			continue;
		}
		if (d->len - d->head < 2 + L)
			break;
		uint64_t from = d->pos + d->head, to = from + 2 + L;
		uint32_t flags = spans_frames(d, from, to) ? CAP_MSG_SEGMENTED : 0;
		if (d->resynced)
			flags |= CAP_MSG_RESYNCED;
		d->resynced = false;
		deliver(r, fl, di, q + 2, L, flags, frame_at(d, from),
			frame_at(d, to - 1), ts_at(d, to - 1));
		d->head += 2 + L;
	}
	compact(d);
}

/* What is left when no more bytes can come in order: a partial message
 * if it looks like one, else junk. Empties buf. */
static void flush_partial(struct cap_tcpreasm *r, struct flow *fl, int di)
{
	struct dir *d = &fl->d[di];
	for (;;) {
		cut_messages(r, fl, di);
		if (!d->need_sync || r->stop || !resync(r, fl, d, true))
			break;
	}
	size_t n = d->len - d->head;
	if (n == 0)
		goto out;
	const uint8_t *q = d->buf + d->head;
	uint64_t first = frame_at(d, d->pos + d->head);
	uint64_t frame = r->cur ? r->cur->number : first;
	int p = plausible(q, n);
	if (n >= 2 + CAP_TCP_MIN_MSG && (p == P_YES || p == P_HDR_OK)) {
		size_t L = (size_t)q[0] << 8 | q[1];
		r->st->tcp_partial++;
		cap_anom(r->anom, fl->file, frame, "tcp_partial_message",
			 "%zu of %zu bytes", n - 2, L);
		uint32_t flags = CAP_MSG_PARTIAL;
		if (spans_frames(d, d->pos + d->head, d->pos + d->len))
			flags |= CAP_MSG_SEGMENTED;
		if (d->resynced)
			flags |= CAP_MSG_RESYNCED;
		deliver(r, fl, di, q + 2, n - 2, flags, first,
			frame_at(d, d->pos + d->len - 1), ts_at(d, d->pos + d->len - 1));
	} else {
		cap_anom(r->anom, fl->file, frame, "tcp_trailing_junk",
			 "%zu bytes that do not start a DNS message", n);
	}
out:
	d->resynced = false;
	d->head = d->len;
	compact(d);
}

/* ---- segments ---- */

static void conflict(struct cap_tcpreasm *r, struct flow *fl, uint64_t old_frame)
{
	r->st->tcp_overlap_conflicts++;
	cap_anom(r->anom, fl->file, r->cur ? r->cur->number : old_frame,
		 "tcp_overlap_conflict",
		 "bytes differ from frame %llu; the first kept",
		 (unsigned long long)old_frame);
}

/* Trims the part of [seq, seq+n) before next_seq, comparing it with the
 * bytes still held. Returns how many bytes were trimmed. */
static size_t trim_old(struct cap_tcpreasm *r, struct flow *fl, struct dir *d,
		       uint32_t seq, const uint8_t *p, size_t n)
{
	uint32_t behind = d->next_seq - seq;
	size_t old = behind < n ? behind : n;
	size_t held = d->len; /* buf[0 .. len) ends at next_seq */
	if (old > 0 && behind <= held) {
		const uint8_t *mine = d->buf + (held - behind);
		if (memcmp(mine, p, old) != 0)
			conflict(r, fl, frame_at(d, d->pos + held - behind));
	}
	return old;
}

static void free_ooo(struct cap_tcpreasm *r, struct dir *d)
{
	while (d->ooo) {
		struct seg *s = d->ooo;
		d->ooo = s->next;
		charge(r, -(long long)(sizeof(*s) + s->len));
		free(s);
	}
	d->ooo_bytes = 0;
}

static int new_seg(struct cap_tcpreasm *r, struct seg **at, uint32_t seq,
		   const uint8_t *p, size_t n, uint64_t frame)
{
	struct seg *s = malloc(sizeof(*s) + n);
	if (!s)
		return ST_ENOMEM;
	s->seq = seq;
	s->len = (uint32_t)n;
	s->frame = frame;
	s->ts_ns = r->cur ? r->cur->ts_ns : 0;
	memcpy(s->data, p, n);
	s->next = *at;
	*at = s;
	charge(r, (long long)(sizeof(*s) + n));
	return ST_OK;
}

/* Holds [seq, seq+n), seq after next_seq, filling only what no held
 * segment covers (first wins). */
static int hold(struct cap_tcpreasm *r, struct flow *fl, struct dir *d,
		uint32_t seq, const uint8_t *p, size_t n, uint64_t frame)
{
	uint32_t cur = seq - d->next_seq, end = cur + (uint32_t)n;
	struct seg **at = &d->ooo;
	bool added = false;
	while (cur < end) {
		struct seg *s = *at;
		uint32_t ss = s ? s->seq - d->next_seq : end, se = s ? ss + s->len : end;
		if (s && se <= cur) {
			at = &s->next;
			continue;
		}
		if (cur < ss) { /* a piece nobody covers */
			uint32_t pe = ss < end ? ss : end;
			int rc = new_seg(r, at, d->next_seq + cur, p + (cur - (seq - d->next_seq)),
					 pe - cur, frame);
			if (rc != ST_OK)
				return rc;
			d->ooo_bytes += pe - cur;
			at = &(*at)->next;
			cur = pe;
			added = true;
			continue;
		}
		uint32_t oe = se < end ? se : end;
		if (memcmp(s->data + (cur - ss), p + (cur - (seq - d->next_seq)), oe - cur))
			conflict(r, fl, s->frame);
		cur = oe;
		at = &s->next;
	}
	if (!added)
		r->st->tcp_retrans++;
	return ST_OK;
}

/* Moves held segments that now touch next_seq into buf. */
static int drain(struct cap_tcpreasm *r, struct flow *fl, struct dir *d)
{
	while (d->ooo && (int32_t)(d->ooo->seq - d->next_seq) <= 0) {
		struct seg *s = d->ooo;
		d->ooo = s->next;
		d->ooo_bytes -= s->len;
		size_t skip = trim_old(r, fl, d, s->seq, s->data, s->len);
		int rc = ST_OK;
		if (skip < s->len)
			rc = append(r, d, s->data + skip, s->len - skip, s->frame, s->ts_ns);
		charge(r, -(long long)(sizeof(*s) + s->len));
		free(s);
		if (rc != ST_OK)
			return rc;
	}
	return ST_OK;
}

/* Gives up on the hole before the first held segment (THREATS C6). */
static int skip_gap(struct cap_tcpreasm *r, struct flow *fl, int di)
{
	struct dir *d = &fl->d[di];
	uint32_t hole = d->ooo->seq - d->next_seq;
	flush_partial(r, fl, di);
	r->st->tcp_gaps++;
	r->st->tcp_gap_bytes += hole;
	cap_anom(r->anom, fl->file, r->cur ? r->cur->number : d->ooo->frame,
		 "tcp_gap", "%u bytes never seen before frame %llu", hole,
		 (unsigned long long)d->ooo->frame);
	d->pos += hole;
	d->next_seq = d->ooo->seq;
	d->need_sync = true;
	int rc = drain(r, fl, d);
	if (rc == ST_OK)
		cut_messages(r, fl, di);
	return rc;
}

/* The direction ends: fill what can be, skip the rest, flush. */
static int end_dir(struct cap_tcpreasm *r, struct flow *fl, int di)
{
	struct dir *d = &fl->d[di];
	if (d->state == D_CLOSED)
		return ST_OK;
	while (d->ooo && !r->stop) {
		int rc = skip_gap(r, fl, di);
		if (rc != ST_OK)
			return rc;
	}
	free_ooo(r, d);
	flush_partial(r, fl, di);
	d->state = D_CLOSED;
	free(d->buf);
	free(d->marks);
	charge(r, -(long long)(d->cap + d->capmarks * sizeof(struct mark)));
	d->buf = NULL;
	d->marks = NULL;
	d->cap = d->len = d->head = d->nmarks = d->capmarks = 0;
	return ST_OK;
}

/* ---- flows ---- */

static bool flow_eq(const void *item, const void *key)
{
	return memcmp(&((const struct flow *)item)->key, key,
		      sizeof(struct flow_key)) == 0;
}

static void lru_unlink(struct cap_tcpreasm *r, struct flow *fl)
{
	if (fl->older)
		fl->older->newer = fl->newer;
	else
		r->oldest = fl->newer;
	if (fl->newer)
		fl->newer->older = fl->older;
	else
		r->newest = fl->older;
	fl->older = fl->newer = NULL;
}

static void lru_push(struct cap_tcpreasm *r, struct flow *fl)
{
	fl->older = r->newest;
	if (r->newest)
		r->newest->newer = fl;
	else
		r->oldest = fl;
	r->newest = fl;
}

static int end_flow(struct cap_tcpreasm *r, struct flow *fl)
{
	int rc = end_dir(r, fl, 0);
	if (rc == ST_OK)
		rc = end_dir(r, fl, 1);
	free_ooo(r, &fl->d[0]); /* on ENOMEM part-way */
	free_ooo(r, &fl->d[1]);
	for (int i = 0; i < 2; i++) {
		free(fl->d[i].buf);
		free(fl->d[i].marks);
		charge(r, -(long long)(fl->d[i].cap + fl->d[i].capmarks * sizeof(struct mark)));
	}
	lru_unlink(r, fl);
	cap_htab_del(&r->tab, fl->hash, fl);
	charge(r, -(long long)sizeof(*fl));
	r->nflows--;
	free(fl);
	return rc;
}

static int evict_oldest(struct cap_tcpreasm *r, const struct flow *keep)
{
	struct flow *fl = r->oldest;
	if (fl && fl == keep)
		fl = fl->newer;
	if (!fl)
		return ST_ELIMIT;
	r->st->tcp_flows_evicted++;
	cap_anom(r->anom, fl->file, r->cur ? r->cur->number : 0, "tcp_flow_evicted",
		 "flow idle since %lld ns dropped at the memory or flow cap",
		 (long long)fl->last_ts);
	return end_flow(r, fl);
}

static struct flow *new_flow(struct cap_tcpreasm *r, const struct flow_key *k,
			     uint64_t h, const struct cap_frame *f, uint16_t vlan)
{
	while (r->nflows >= r->cfg->tcp_flows_max && r->oldest)
		if (evict_oldest(r, NULL) == ST_ENOMEM)
			return NULL;
	struct flow *fl = calloc(1, sizeof(*fl));
	if (!fl)
		return NULL;
	if (cap_htab_add(&r->tab, h, fl) != ST_OK) {
		free(fl);
		return NULL;
	}
	fl->key = *k;
	fl->hash = h;
	fl->vlan = vlan;
	fl->file = f->file;
	fl->last_ts = f->ts_ns;
	lru_push(r, fl);
	r->nflows++;
	r->st->tcp_flows++;
	charge(r, (long long)sizeof(*fl));
	return fl;
}

/* Canonical key: the lower (address, port) is side 0. *di is the side the
 * segment comes from. */
static void make_key(struct flow_key *k, const struct cap_ip *ip,
		     const struct cap_tcp_seg *s, int *di)
{
	memset(k, 0, sizeof(*k));
	k->family = ip->family;
	int c = memcmp(ip->src, ip->dst, 16);
	*di = c > 0 || (c == 0 && s->sport > s->dport);
	memcpy(k->addr[*di], ip->src, 16);
	memcpy(k->addr[!*di], ip->dst, 16);
	k->port[*di] = s->sport;
	k->port[!*di] = s->dport;
}

/* ---- one segment ---- */

static int data_in(struct cap_tcpreasm *r, struct flow *fl, int di,
		   uint32_t seq, const uint8_t *p, size_t n, uint64_t frame)
{
	struct dir *d = &fl->d[di];
	if (d->state == D_NEW) {
		d->state = D_OPEN;
		if (!d->have_isn) { /* picked up mid-way (THREATS C6) */
			d->next_seq = seq;
			d->need_sync = true;
		}
	}
	if (seq - d->next_seq > CAP_TCP_SEQ_AHEAD_MAX &&
	    seq - d->next_seq < 0x80000000u) {
		cap_anom(r->anom, fl->file, frame, "tcp_seq_far",
			 "segment %u bytes ahead of the stream, ignored",
			 (unsigned)(seq - d->next_seq));
		return ST_OK;
	}
	if ((int32_t)(seq - d->next_seq) < 0) {
		size_t old = trim_old(r, fl, d, seq, p, n);
		if (old == n) {
			r->st->tcp_retrans++;
			return ST_OK;
		}
		seq += (uint32_t)old;
		p += old;
		n -= old;
	}
	if (seq != d->next_seq)
		return hold(r, fl, d, seq, p, n, frame);
	int rc = append(r, d, p, n, frame, r->cur ? r->cur->ts_ns : 0);
	if (rc == ST_OK)
		rc = drain(r, fl, d);
	return rc;
}

/* Keeps one direction under its pending cap by skipping holes. */
static int cap_dir(struct cap_tcpreasm *r, struct flow *fl, int di)
{
	struct dir *d = &fl->d[di];
	while (d->ooo && d->len + d->ooo_bytes > r->cfg->tcp_flow_max_pending) {
		int rc = skip_gap(r, fl, di);
		if (rc != ST_OK)
			return rc;
	}
	if (d->len > r->cfg->tcp_flow_max_pending)
		flush_partial(r, fl, di);
	return ST_OK;
}

static struct flow *flow_for(struct cap_tcpreasm *r, const struct cap_ip *ip,
			     const struct cap_tcp_seg *s, const struct cap_frame *f,
			     uint16_t vlan, int *di, int *rc)
{
	struct flow_key k;
	make_key(&k, ip, s, di);
	uint64_t h = cap_htab_hash(&r->tab, &k, sizeof(k));
	struct flow *fl = cap_htab_find(&r->tab, h, flow_eq, &k);
	*rc = ST_OK;
	bool syn = (s->flags & (CAP_TCP_SYN | CAP_TCP_ACK)) == CAP_TCP_SYN;
	/* THREATS C8: a SYN after FIN/RST, or with another ISN, is a new flow. */
	if (fl && syn) {
		const struct dir *d = &fl->d[*di];
		bool ended = fl->d[0].state == D_CLOSED || fl->d[1].state == D_CLOSED ||
			     fl->d[0].fin_seen || fl->d[1].fin_seen;
		if (ended || (d->have_isn && d->isn != s->seq) ||
		    (!d->have_isn && d->state != D_NEW)) {
			*rc = end_flow(r, fl);
			fl = NULL;
		}
	}
	if (!fl && *rc == ST_OK && (s->len > 0 || (s->flags & CAP_TCP_SYN))) {
		fl = new_flow(r, &k, h, f, vlan);
		if (!fl)
			*rc = ST_ENOMEM;
	}
	return fl;
}

static int segment(struct cap_tcpreasm *r, struct flow *fl, int di,
		   const struct cap_tcp_seg *s, const struct cap_frame *f)
{
	struct dir *d = &fl->d[di];
	if (s->flags & CAP_TCP_RST) {
		if (s->len)
			cap_anom(r->anom, f->file, f->number, "tcp_rst_data",
				 "%zu bytes in a RST, not reassembled", s->len);
		int rc = end_dir(r, fl, 0);
		return rc == ST_OK ? end_dir(r, fl, 1) : rc;
	}
	if (d->state == D_CLOSED) {
		if (s->len)
			r->st->tcp_retrans++;
		return ST_OK;
	}
	uint32_t seq = s->seq;
	if (s->flags & CAP_TCP_SYN) {
		if (!d->have_isn && d->state == D_NEW) {
			d->have_isn = true;
			d->isn = seq;
			d->next_seq = seq + 1;
		}
		seq++;
	}
	if (s->flags & CAP_TCP_FIN) {
		d->fin_seen = true;
		d->fin_seq = seq + (uint32_t)s->len;
	}
	int rc = ST_OK;
	if (s->len) {
		rc = data_in(r, fl, di, seq, s->data, s->len, f->number);
		if (rc == ST_OK)
			cut_messages(r, fl, di);
		if (rc == ST_OK)
			rc = cap_dir(r, fl, di);
	}
	if (rc == ST_OK && d->fin_seen && (d->state == D_OPEN || d->have_isn) &&
	    (int32_t)(d->next_seq - d->fin_seq) >= 0)
		rc = end_dir(r, fl, di);
	return rc;
}

int cap_tcpreasm_push(struct cap_tcpreasm *r, const struct cap_ip *ip,
		      const struct cap_tcp_seg *s, const struct cap_frame *f,
		      uint16_t vlan)
{
	r->cur = f;
	r->st->tcp_segments++;
	int di, rc;
	struct flow *fl = flow_for(r, ip, s, f, vlan, &di, &rc);
	if (fl && rc == ST_OK) {
		fl->last_ts = f->ts_ns;
		lru_unlink(r, fl);
		lru_push(r, fl);
		rc = segment(r, fl, di, s, f);
	}
	while (rc == ST_OK && r->mem > r->cfg->tcp_mem_max && r->oldest) {
		rc = evict_oldest(r, NULL);
		if (rc == ST_ELIMIT)
			rc = ST_OK;
	}
	r->cur = NULL;
	return rc != ST_OK ? rc : r->stop;
}

int cap_tcpreasm_expire(struct cap_tcpreasm *r, int64_t now_ns)
{
	int rc = ST_OK;
	while (rc == ST_OK && r->oldest &&
	       now_ns - r->oldest->last_ts > r->cfg->tcp_idle_ns)
		rc = end_flow(r, r->oldest);
	return rc != ST_OK ? rc : r->stop;
}

int cap_tcpreasm_finish(struct cap_tcpreasm *r)
{
	int rc = ST_OK;
	r->cur = NULL;
	while (rc == ST_OK && r->oldest)
		rc = end_flow(r, r->oldest);
	return rc != ST_OK ? rc : r->stop;
}

struct cap_tcpreasm *cap_tcpreasm_new(const struct cap_config *cfg,
				      const struct cap_handler *h,
				      struct cap_anom *anom)
{
	struct cap_tcpreasm *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	if (cap_htab_init(&r->tab, (uint64_t)(uintptr_t)r * 31) != ST_OK) {
		free(r);
		return NULL;
	}
	r->cfg = cfg;
	r->h = h;
	r->anom = anom;
	r->st = anom->st;
	return r;
}

size_t cap_tcpreasm_mem(const struct cap_tcpreasm *r)
{
	return r->mem;
}

void cap_tcpreasm_free(struct cap_tcpreasm *r)
{
	if (!r)
		return;
	r->stop = ST_EINVAL; /* no more deliveries */
	struct cap_handler quiet = { 0 };
	struct cap_anom a = { &quiet, r->st };
	r->h = &quiet;
	r->anom = &a;
	while (r->oldest)
		end_flow(r, r->oldest);
	cap_htab_clear(&r->tab);
	free(r);
}
