/* capture/pcapng.c -- pcapng blocks in, frames out (see pcapng.h).
 *
 * Layout per draft-ietf-opsawg-pcapng: every block is type(4) length(4)
 * body length(4), in the byte order of its section, which the Section
 * Header Block announces with 0x1A2B3C4D. All body fields are read
 * through struct st_cur. */
#include "capture/pcapng.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/cur.h"
#include "util/err.h"

enum {
	NG_PB  = 0x00000002, /* obsolete Packet Block */
	NG_IDB = 0x00000001,
	NG_SPB = 0x00000003,
	NG_EPB = 0x00000006,
	NG_JOURNAL   = 0x00000009, /* systemd journal export */
	NG_CB        = 0x00000BAD, /* custom block */
	NG_CB_NOCOPY = 0x40000BAD,
	NG_BOM = 0x1A2B3C4D,
	NG_OPT_TSRESOL  = 9,
	NG_OPT_TSOFFSET = 14,
};

struct ng_if {
	int linktype;
	uint32_t snaplen;
	uint64_t units;    /* clock ticks per second */
	uint32_t mult;     /* ns per tick when units divides 1e9, else 0 */
	uint32_t resol_ns; /* tick length rounded up, at least 1 */
	int64_t offset_s;  /* if_tsoffset */
};

struct cap_pcapng {
	FILE *f;
	uint64_t off;      /* byte offset of the next block */
	uint64_t frame;    /* packets delivered */
	int64_t last_ts;   /* for Simple Packet Blocks, which have none */
	bool be;           /* current section is big-endian */
	bool section;      /* a Section Header Block was read */
	bool first_if;     /* info got the first interface's link type */
	struct ng_if *ifs;
	uint32_t nif, ifcap;
	uint8_t *buf;
	size_t bufcap;
};

int cap_pcapng_open(struct cap_pcapng **out, FILE *f)
{
	struct cap_pcapng *r = calloc(1, sizeof(*r));
	*out = r;
	if (!r) {
		fclose(f);
		return ST_ENOMEM;
	}
	r->f = f;
	return ST_OK;
}

void cap_pcapng_free(struct cap_pcapng *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	free(r->ifs);
	free(r->buf);
	free(r);
}

static uint32_t ng_u32(const struct cap_pcapng *r, struct st_cur *c)
{
	return r->be ? st_cur_u32(c) : st_cur_u32le(c);
}

static uint16_t ng_u16(const struct cap_pcapng *r, struct st_cur *c)
{
	return r->be ? st_cur_u16(c) : st_cur_u16le(c);
}

static uint32_t ng_raw32(const struct cap_pcapng *r, const uint8_t *p)
{
	struct st_cur c = st_cur_make(p, 4);
	return ng_u32(r, &c);
}

/* Ends the file with status and a sentence; returns 0 (end of file). */
static int ng_stop(struct cap_file_info *info, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int ng_stop(struct cap_file_info *info, int status, const char *fmt, ...)
{
	va_list ap;
	info->status = status;
	va_start(ap, fmt);
	vsnprintf(info->error, sizeof(info->error), fmt, ap);
	va_end(ap);
	return 0;
}

/* fread of n bytes; ST_OK, ST_ETRUNC (short), or ST_EIO. *got says how
 * many bytes came. */
static int ng_read(struct cap_pcapng *r, void *dst, size_t n, size_t *got)
{
	*got = fread(dst, 1, n, r->f);
	if (*got == n)
		return ST_OK;
	return ferror(r->f) ? ST_EIO : ST_ETRUNC;
}

static int ng_grow(struct cap_pcapng *r, size_t need)
{
	if (need <= r->bufcap)
		return ST_OK;
	size_t cap = r->bufcap ? r->bufcap : 4096;
	while (cap < need)
		cap *= 2;
	uint8_t *nb = realloc(r->buf, cap);
	if (!nb)
		return ST_ENOMEM;
	r->buf = nb;
	r->bufcap = cap;
	return ST_OK;
}

/* Resolution byte of if_tsresol: ticks per second, or 0 if absurd. */
static uint64_t ng_units(uint8_t b)
{
	unsigned k = b & 0x7f;
	if (b & 0x80)
		return k <= 63 ? (uint64_t)1 << k : 0;
	if (k > 19)
		return 0;
	uint64_t u = 1;
	while (k--)
		u *= 10;
	return u;
}

static void ng_if_clock(struct ng_if *i, uint64_t units)
{
	i->units = units;
	i->mult = 1000000000u % units == 0 ? (uint32_t)(1000000000u / units) : 0;
	uint64_t res = (1000000000u + units - 1) / units;
	i->resol_ns = res ? (uint32_t)res : 1;
}

static int64_t ng_sat_add(int64_t a, int64_t b)
{
	int64_t s;
	if (__builtin_add_overflow(a, b, &s))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return s;
}

/* Ticks since the epoch (plus if_tsoffset) to ns, saturating. */
static int64_t ng_ts(const struct ng_if *i, uint64_t t)
{
	int64_t off_ns;
	if (__builtin_mul_overflow(i->offset_s, (int64_t)1000000000, &off_ns))
		off_ns = i->offset_s > 0 ? INT64_MAX : INT64_MIN;
	if (i->mult) {
		uint64_t v;
		if (__builtin_mul_overflow(t, (uint64_t)i->mult, &v) ||
		    v > INT64_MAX)
			return ng_sat_add(INT64_MAX, off_ns > 0 ? 0 : off_ns);
		return ng_sat_add((int64_t)v, off_ns);
	}
	uint64_t sec = t / i->units, rem = t % i->units, frac;
	if (i->units <= ((uint64_t)1 << 34))
		frac = rem * 1000000000u / i->units;
	else
		frac = (uint64_t)((unsigned __int128)rem * 1000000000u / i->units);
	if (sec > INT64_MAX / 1000000000 - 1)
		return ng_sat_add(INT64_MAX, off_ns > 0 ? 0 : off_ns);
	return ng_sat_add((int64_t)(sec * 1000000000u + frac), off_ns);
}

static int ng_idb(struct cap_pcapng *r, struct st_cur *c,
		  struct cap_file_info *info, uint64_t boff)
{
	if (r->nif >= CAP_PCAPNG_IF_MAX)
		return ng_stop(info, ST_EMALF, "more than %u interfaces in the "
			       "section at byte offset %" PRIu64,
			       CAP_PCAPNG_IF_MAX, boff);
	if (r->nif == r->ifcap) {
		uint32_t cap = r->ifcap ? r->ifcap * 2 : 4;
		struct ng_if *n = realloc(r->ifs, cap * sizeof(*n));
		if (!n)
			return ST_ENOMEM;
		r->ifs = n;
		r->ifcap = cap;
	}
	struct ng_if *i = &r->ifs[r->nif];
	memset(i, 0, sizeof(*i));
	i->linktype = ng_u16(r, c);
	(void)ng_u16(r, c);
	i->snaplen = ng_u32(r, c);
	ng_if_clock(i, 1000000);
	if (c->err)
		return ng_stop(info, ST_EMALF, "interface block at byte offset "
			       "%" PRIu64 " too short", boff);
	while (st_cur_left(c) >= 4) {
		uint16_t code = ng_u16(r, c), len = ng_u16(r, c);
		if (code == 0)
			break;
		const uint8_t *v = st_cur_bytes(c, len);
		if (!v)
			return ng_stop(info, ST_EMALF, "interface block at byte "
				       "offset %" PRIu64 ": option %u runs past "
				       "the block", boff, code);
		size_t pad = (4u - len % 4u) % 4u;
		st_cur_skip(c, pad < st_cur_left(c) ? pad : st_cur_left(c));
		if (code == NG_OPT_TSRESOL) {
			uint64_t u = len == 1 ? ng_units(v[0]) : 0;
			if (!u)
				return ng_stop(info, ST_EMALF, "interface %u: "
					       "if_tsresol 0x%02x out of range",
					       r->nif, len ? v[0] : 0);
			ng_if_clock(i, u);
		} else if (code == NG_OPT_TSOFFSET) {
			if (len != 8)
				return ng_stop(info, ST_EMALF, "interface %u: "
					       "if_tsoffset of %u bytes", r->nif,
					       len);
			struct st_cur oc = st_cur_make(v, 8);
			uint64_t a = ng_u32(r, &oc), b = ng_u32(r, &oc);
			i->offset_s = (int64_t)(r->be ? a << 32 | b : b << 32 | a);
		}
	}
	if (!r->first_if) {
		r->first_if = true;
		info->linktype = i->linktype;
		info->tsresol_ns = i->resol_ns;
	}
	r->nif++;
	return 1;
}

/* EPB, SPB or PB body to a frame. 1 frame, 0 stopped. */
static int ng_packet(struct cap_pcapng *r, uint32_t type, struct st_cur *c,
		     struct cap_frame *fr, struct cap_file_info *info,
		     uint64_t boff)
{
	uint64_t n = r->frame + 1;
	uint32_t ifid, caplen, len;
	uint64_t t = 0;
	if (type == NG_SPB) {
		ifid = 0;
		len = ng_u32(r, c);
		caplen = len;
		if (caplen > st_cur_left(c))
			caplen = (uint32_t)st_cur_left(c);
	} else {
		if (type == NG_PB) {
			ifid = ng_u16(r, c);
			(void)ng_u16(r, c);
		} else {
			ifid = ng_u32(r, c);
		}
		uint64_t hi = ng_u32(r, c);
		t = hi << 32 | ng_u32(r, c);
		caplen = ng_u32(r, c);
		len = ng_u32(r, c);
	}
	if (c->err)
		return ng_stop(info, ST_EMALF, "frame %" PRIu64 ": packet block "
			       "at byte offset %" PRIu64 " too short", n, boff);
	if (ifid >= r->nif)
		return ng_stop(info, ST_EMALF, "frame %" PRIu64 ": interface "
			       "%" PRIu32 " not described (%" PRIu32 " known), "
			       "byte offset %" PRIu64, n, ifid, r->nif, boff);
	const struct ng_if *i = &r->ifs[ifid];
	if (type == NG_SPB && i->snaplen && caplen > i->snaplen)
		caplen = i->snaplen;
	const uint8_t *data = st_cur_bytes(c, caplen);
	if (!data)
		return ng_stop(info, ST_EMALF, "frame %" PRIu64 ": captured "
			       "length %" PRIu32 " exceeds its block at byte "
			       "offset %" PRIu64, n, caplen, boff);
	fr->ts_ns = type == NG_SPB ? r->last_ts : ng_ts(i, t);
	r->last_ts = fr->ts_ns;
	fr->tsresol_ns = i->resol_ns;
	fr->number = n;
	fr->linktype = i->linktype;
	fr->caplen = caplen;
	fr->len = len;
	fr->data = data;
	r->frame = n;
	return 1;
}

/* Section Header Block: byte order, version; forgets the interfaces. */
static int ng_shb(struct cap_pcapng *r, const uint8_t *bom,
		  struct cap_file_info *info, uint64_t boff)
{
	uint32_t le = (uint32_t)bom[0] | (uint32_t)bom[1] << 8 |
		      (uint32_t)bom[2] << 16 | (uint32_t)bom[3] << 24;
	if (le == NG_BOM)
		r->be = false;
	else if (le == 0x4D3C2B1Au)
		r->be = true;
	else
		return ng_stop(info, ST_EMALF, "section header at byte offset "
			       "%" PRIu64 ": bad byte-order magic", boff);
	r->section = true;
	r->nif = 0;
	return 1;
}

static int ng_cut(struct cap_pcapng *r, struct cap_file_info *info,
		  uint64_t boff, uint32_t type, bool have_type)
{
	bool pkt = have_type && (type == NG_EPB || type == NG_SPB ||
				 type == NG_PB);
	if (pkt)
		return ng_stop(info, ST_ETRUNC, "capture truncated: frame %"
			       PRIu64 " cut off (block at byte offset %" PRIu64
			       ", file ends at %" PRIu64 ")", r->frame + 1,
			       boff, info->file_size);
	return ng_stop(info, ST_ETRUNC, "capture truncated inside a block at "
		       "byte offset %" PRIu64 " after frame %" PRIu64
		       " (file ends at %" PRIu64 ")", boff, r->frame,
		       info->file_size);
}

int cap_pcapng_next(struct cap_pcapng *r, struct cap_frame *fr,
		    struct cap_file_info *info)
{
	for (;;) {
		uint8_t hdr[12];
		uint64_t boff = r->off;
		size_t got;
		int rc = ng_read(r, hdr, 8, &got);
		if (rc == ST_EIO)
			return ng_stop(info, ST_EIO, "read error at byte offset "
				       "%" PRIu64 ": %s", boff, strerror(errno));
		if (rc != ST_OK) {
			if (got == 0)
				return 0;
			return ng_cut(r, info, boff, ng_raw32(r, hdr), got >= 4);
		}
		uint32_t type = ng_raw32(r, hdr);
		size_t pre = 8;
		if (type == CAP_PCAPNG_MAGIC) {
			rc = ng_read(r, hdr + 8, 4, &got);
			if (rc == ST_EIO)
				return ng_stop(info, ST_EIO, "read error: %s",
					       strerror(errno));
			if (rc != ST_OK)
				return ng_cut(r, info, boff, type, true);
			if (!ng_shb(r, hdr + 8, info, boff))
				return 0;
			pre = 12;
		} else if (!r->section) {
			return ng_stop(info, ST_EMALF, "no section header "
				       "before the block at byte offset %" PRIu64,
				       boff);
		}
		uint32_t blen = ng_raw32(r, hdr + 4);
		if (blen % 4 || blen < 12 + (pre - 8) || blen > CAP_PCAPNG_BLOCK_MAX)
			return ng_stop(info, ST_EMALF, "block at byte offset %"
				       PRIu64 ": bad total length %" PRIu32,
				       boff, blen);
		size_t rest = blen - pre; /* body after hdr, plus trailer */
		if (ng_grow(r, rest))
			return ST_ENOMEM;
		rc = ng_read(r, r->buf, rest, &got);
		if (rc == ST_EIO)
			return ng_stop(info, ST_EIO, "read error at byte offset "
				       "%" PRIu64 ": %s", boff, strerror(errno));
		if (rc != ST_OK)
			return ng_cut(r, info, boff, type, true);
		r->off += blen;
		if (ng_raw32(r, r->buf + rest - 4) != blen)
			return ng_stop(info, ST_EMALF, "block at byte offset %"
				       PRIu64 ": trailing length differs from "
				       "leading %" PRIu32, boff, blen);
		struct st_cur c = st_cur_make(r->buf, rest - 4);
		switch (type) {
		case CAP_PCAPNG_MAGIC: {
			uint16_t major = ng_u16(r, &c);
			if (c.err || major != 1)
				return ng_stop(info, ST_EMALF, "section header at "
					       "byte offset %" PRIu64 ": version "
					       "%u unsupported", boff, major);
			break;
		}
		case NG_IDB:
			rc = ng_idb(r, &c, info, boff);
			if (rc <= 0)
				return rc;
			break;
		case NG_EPB:
		case NG_SPB:
		case NG_PB:
			return ng_packet(r, type, &c, fr, info, boff);
		case NG_CB:
		case NG_CB_NOCOPY:
		case NG_JOURNAL:
			r->frame++; /* tshark numbers these as frames */
			break;
		default:
			break; /* NRB, ISB, DSB...: skipped */
		}
	}
}
