/* bench/baseline.c -- the floor sigtrail's `analyze` is measured against.
 *
 * A minimal capture-to-SQLite loop: libpcap over the file; Ethernet (with 802.1Q tags),
 * IPv4 (unfragmented only) and IPv6 (no extension headers), UDP with port 53 on either side;
 * every section of each DNS message walked (header, questions, all resource records with
 * name decompression; RDATA skipped, not decoded); one row per message inserted with a
 * prepared statement inside one transaction (WAL, synchronous=OFF); secondary indexes created
 * after the bulk load. TCP and IP fragments are skipped: it is a baseline, not a dissector.
 *
 * Build: cc -O2 -std=c11 -D_DEFAULT_SOURCE bench/baseline.c \
 *            $(pkg-config --cflags --libs libpcap sqlite3) -o bench/work/baseline
 * Usage: baseline CAPTURE DB     (prints "packets messages skipped malformed" on stderr)
 *        baseline CAPTURE -      the same walk with no SQLite at all: bench/run.sh times it
 *                                to show what the rows and indexes alone cost on the machine
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_TEXT 1024

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Read the name at *off in msg[0..len): presentation text into out (if not NULL), *off moved
 * past it. Pointers must point backwards; at most 128 hops. Returns 0, or -1 if malformed. */
static int read_name(const uint8_t *msg, size_t len, size_t *off, char *out)
{
	size_t pos = *off, end = 0, o = 0;
	int hops = 0, jumped = 0;

	for (;;) {
		if (pos >= len)
			return -1;
		uint8_t c = msg[pos];
		if ((c & 0xC0) == 0xC0) {
			if (pos + 1 >= len || ++hops > 128)
				return -1;
			size_t ptr = (size_t)(c & 0x3F) << 8 | msg[pos + 1];
			if (ptr >= pos)
				return -1;
			if (!jumped)
				end = pos + 2;
			jumped = 1;
			pos = ptr;
			continue;
		}
		if (c & 0xC0)
			return -1;
		if (c == 0) {
			if (!jumped)
				end = pos + 1;
			break;
		}
		if (pos + 1 + c > len)
			return -1;
		if (out) {
			if (o + (size_t)c * 4 + 2 >= NAME_MAX_TEXT)
				return -1;
			for (size_t i = 0; i < c; i++) {
				uint8_t ch = msg[pos + 1 + i];
				if (ch == '.' || ch == '\\') {
					out[o++] = '\\';
					out[o++] = (char)ch;
				} else if (ch > 0x20 && ch < 0x7F) {
					out[o++] = (char)ch;
				} else {
					o += (size_t)sprintf(out + o, "\\%03u", ch);
				}
			}
			out[o++] = '.';
		}
		pos += 1 + (size_t)c;
	}
	if (out) {
		if (o == 0)
			out[o++] = '.';
		out[o] = '\0';
	}
	*off = end;
	return 0;
}

struct row {
	int id, qtype, rcode, flags, qd, an, ns, ar;
	char qname[NAME_MAX_TEXT];
};

/* Walk the whole message. Returns 0, or -1 if malformed. */
static int walk_dns(const uint8_t *m, size_t len, struct row *r)
{
	if (len < 12)
		return -1;
	r->id = get16(m);
	r->flags = get16(m + 2);
	r->rcode = r->flags & 0xF;
	r->qd = get16(m + 4);
	r->an = get16(m + 6);
	r->ns = get16(m + 8);
	r->ar = get16(m + 10);
	r->qname[0] = '\0';
	r->qtype = -1;
	size_t off = 12;
	for (int i = 0; i < r->qd; i++) {
		if (read_name(m, len, &off, i == 0 ? r->qname : NULL) < 0 || off + 4 > len)
			return -1;
		if (i == 0)
			r->qtype = get16(m + off);
		off += 4;
	}
	int nrr = r->an + r->ns + r->ar;
	char owner[NAME_MAX_TEXT];
	for (int i = 0; i < nrr; i++) {
		if (read_name(m, len, &off, owner) < 0 || off + 10 > len)
			return -1;
		uint16_t type = get16(m + off), rdlen = get16(m + off + 8);
		off += 10;
		if (off + rdlen > len)
			return -1;
		if (type == 41) /* OPT: extended rcode */
			r->rcode |= (int)(m[off - 6] << 4);
		off += rdlen;
	}
	return 0;
}

struct ctx {
	sqlite3_stmt *ins;
	unsigned long packets, messages, skipped, malformed;
	int linktype;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *p)
{
	struct ctx *c = (struct ctx *)user;
	size_t n = h->caplen, off;
	uint16_t et;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	const uint8_t *l4;
	size_t l4len;

	c->packets++;
	if (c->linktype != DLT_EN10MB || n < 14)
		goto skip;
	et = get16(p + 12);
	off = 14;
	while ((et == 0x8100 || et == 0x88A8) && off + 4 <= n) {
		et = get16(p + off + 2);
		off += 4;
	}
	if (et == 0x0800) {
		if (off + 20 > n)
			goto skip;
		const uint8_t *ip = p + off;
		size_t ihl = (size_t)(ip[0] & 0xF) * 4, tot = get16(ip + 2);
		if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != 17 || (get16(ip + 6) & 0x3FFF))
			goto skip;
		if (tot > n - off)
			tot = n - off;
		if (tot < ihl + 8)
			goto skip;
		inet_ntop(AF_INET, ip + 12, src, sizeof src);
		inet_ntop(AF_INET, ip + 16, dst, sizeof dst);
		l4 = ip + ihl;
		l4len = tot - ihl;
	} else if (et == 0x86DD) {
		if (off + 40 > n)
			goto skip;
		const uint8_t *ip = p + off;
		size_t plen = get16(ip + 4);
		if (ip[6] != 17)
			goto skip;
		if (plen > n - off - 40)
			plen = n - off - 40;
		if (plen < 8)
			goto skip;
		inet_ntop(AF_INET6, ip + 8, src, sizeof src);
		inet_ntop(AF_INET6, ip + 24, dst, sizeof dst);
		l4 = ip + 40;
		l4len = plen;
	} else {
		goto skip;
	}
	if (get16(l4) != 53 && get16(l4 + 2) != 53)
		goto skip;
	size_t ulen = get16(l4 + 4);
	if (ulen < 8 || ulen > l4len)
		ulen = l4len;
	struct row r;
	if (walk_dns(l4 + 8, ulen - 8, &r) < 0) {
		c->malformed++;
		return;
	}
	if (!c->ins) { /* "-": no database */
		c->messages++;
		return;
	}
	sqlite3_stmt *s = c->ins;
	sqlite3_bind_int(s, 1, r.id);
	sqlite3_bind_double(s, 2, (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6);
	sqlite3_bind_text(s, 3, src, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, dst, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 5, get16(l4));
	sqlite3_bind_int(s, 6, get16(l4 + 2));
	sqlite3_bind_text(s, 7, r.qname, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 8, r.qtype);
	sqlite3_bind_int(s, 9, r.rcode);
	sqlite3_bind_int(s, 10, r.flags);
	sqlite3_bind_int(s, 11, r.qd);
	sqlite3_bind_int(s, 12, r.an);
	sqlite3_bind_int(s, 13, r.ns);
	sqlite3_bind_int(s, 14, r.ar);
	sqlite3_bind_int64(s, 15, (sqlite3_int64)c->packets);
	if (sqlite3_step(s) != SQLITE_DONE) {
		fprintf(stderr, "baseline: insert failed\n");
		exit(1);
	}
	sqlite3_reset(s);
	c->messages++;
	return;
skip:
	c->skipped++;
}

static void exec_or_die(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "baseline: %s: %s\n", sql, err ? err : "?");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	sqlite3 *db;
	struct ctx c = {0};

	if (argc != 3) {
		fprintf(stderr, "usage: baseline CAPTURE DB|-\n");
		return 2;
	}
	pcap_t *pc = pcap_open_offline(argv[1], errbuf);
	if (!pc) {
		fprintf(stderr, "baseline: %s\n", errbuf);
		return 1;
	}
	c.linktype = pcap_datalink(pc);
	if (strcmp(argv[2], "-") == 0) {
		db = NULL;
		if (pcap_loop(pc, -1, on_packet, (u_char *)&c) == -1) {
			fprintf(stderr, "baseline: %s\n", pcap_geterr(pc));
			return 1;
		}
		goto done;
	}
	if (sqlite3_open(argv[2], &db) != SQLITE_OK) {
		fprintf(stderr, "baseline: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	exec_or_die(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
			"CREATE TABLE message(id INTEGER, time REAL, src TEXT, dst TEXT, sport INTEGER,"
			" dport INTEGER, qname TEXT, qtype INTEGER, rcode INTEGER, flags INTEGER,"
			" qdcount INTEGER, ancount INTEGER, nscount INTEGER, arcount INTEGER,"
			" frame INTEGER);"
			"BEGIN;");
	if (sqlite3_prepare_v2(db, "INSERT INTO message VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1,
			       &c.ins, NULL) != SQLITE_OK) {
		fprintf(stderr, "baseline: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	if (pcap_loop(pc, -1, on_packet, (u_char *)&c) == -1) {
		fprintf(stderr, "baseline: %s\n", pcap_geterr(pc));
		return 1;
	}
	sqlite3_finalize(c.ins);
	exec_or_die(db, "CREATE INDEX message_qname ON message(qname);"
			"CREATE INDEX message_time ON message(time);"
			"COMMIT;");
done:
	sqlite3_close(db);
	pcap_close(pc);
	fprintf(stderr, "baseline: %lu packets, %lu messages, %lu skipped, %lu malformed\n",
		c.packets, c.messages, c.skipped, c.malformed);
	return 0;
}
