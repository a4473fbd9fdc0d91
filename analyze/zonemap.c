/* analyze/zonemap.c -- zones seen in the capture, and name-to-zone lookups
 * exposed to SQL. See zonemap.h. */
#include "analyze/zonemap.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/wire_blocks.h"
#include "decode/msg.h"
#include "decode/name.h"
#include "util/arena.h"
#include "util/err.h"

/* Escaped names are at most 4 bytes per wire byte (\DDD). */
#define ZM_NAME_TEXT_MAX 1100
/* Arena budget for parsing one stored message. */
#define ZM_PARSE_BUDGET (1u << 20)

struct zm_zone {
	char *name;       /* lowercase escaped text, trailing dot */
	int is_signed;
};

struct an_zonemap {
	struct sqlite3 *h;       /* where the functions are registered */
	struct zm_zone *z;
	size_t n, cap;
	uint64_t dropped;        /* zones beyond AN_ZONEMAP_MAX */
};

static void zm_lower(char *dst, const char *src, size_t cap)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < cap; i++) {
		char c = src[i];
		dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	dst[i] = 0;
}

static void zm_sort(struct an_zonemap *zm);

static int zm_add(struct an_zonemap *zm, const char *name, int is_signed)
{
	char buf[ZM_NAME_TEXT_MAX];

	if (!name || !*name || strlen(name) >= sizeof(buf))
		return ST_OK;
	if (zm->n == AN_ZONEMAP_MAX)
		zm_sort(zm);    /* most additions repeat a zone: merge them first */
	if (zm->n == AN_ZONEMAP_MAX) {
		zm->dropped++;
		return ST_OK;
	}
	if (zm->n == zm->cap) {
		size_t cap = zm->cap ? zm->cap * 2 : 64;
		struct zm_zone *z = realloc(zm->z, cap * sizeof(*z));
		if (!z)
			return ST_ENOMEM;
		zm->z = z;
		zm->cap = cap;
	}
	zm_lower(buf, name, sizeof(buf));
	zm->z[zm->n].name = strdup(buf);
	if (!zm->z[zm->n].name)
		return ST_ENOMEM;
	zm->z[zm->n].is_signed = is_signed;
	zm->n++;
	return ST_OK;
}

static int zm_cmp(const void *a, const void *b)
{
	return strcmp(((const struct zm_zone *)a)->name, ((const struct zm_zone *)b)->name);
}

/* Sorts and merges duplicates (signed wins). */
static void zm_sort(struct an_zonemap *zm)
{
	size_t i, o = 0;

	if (!zm->n)
		return;
	qsort(zm->z, zm->n, sizeof(*zm->z), zm_cmp);
	for (i = 1; i < zm->n; i++) {
		if (strcmp(zm->z[i].name, zm->z[o].name) == 0) {
			zm->z[o].is_signed |= zm->z[i].is_signed;
			free(zm->z[i].name);
		} else {
			zm->z[++o] = zm->z[i];
		}
	}
	zm->n = o + 1;
}

static const struct zm_zone *zm_find(const struct an_zonemap *zm, const char *lname)
{
	struct zm_zone key = { .name = (char *)(uintptr_t)lname };

	if (!zm->n) /* zm->z is NULL then, and bsearch's base must not be */
		return NULL;
	return bsearch(&key, zm->z, zm->n, sizeof(*zm->z), zm_cmp);
}

/* The character after the next unescaped dot, or NULL at the end. */
static const char *zm_next_label(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			continue;
		}
		if (*s == '.')
			return s[1] ? s + 1 : NULL;
	}
	return NULL;
}

const char *an_zonemap_lookup(const struct an_zonemap *zm, const char *name, int signed_only)
{
	char buf[ZM_NAME_TEXT_MAX];
	const char *p;
	const struct zm_zone *z;

	if (!zm || !name || strlen(name) >= sizeof(buf))
		return NULL;
	zm_lower(buf, name, sizeof(buf));
	for (p = buf; p; p = zm_next_label(p)) {
		z = zm_find(zm, p);
		if (z && (z->is_signed || !signed_only))
			return z->name;
		if (strcmp(p, ".") == 0)
			return NULL;
	}
	z = zm_find(zm, ".");
	return z && (z->is_signed || !signed_only) ? z->name : NULL;
}

int an_name_under(const char *name, const char *zone)
{
	char n[ZM_NAME_TEXT_MAX], z[ZM_NAME_TEXT_MAX];
	const char *p;

	if (!name || !zone || strlen(name) >= sizeof(n) || strlen(zone) >= sizeof(z))
		return 0;
	if (strcmp(zone, ".") == 0)
		return 1;
	zm_lower(n, name, sizeof(n));
	zm_lower(z, zone, sizeof(z));
	for (p = n; p; p = zm_next_label(p))
		if (strcmp(p, z) == 0)
			return 1;
	return 0;
}

static void zm_sql_zone_of(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct an_zonemap *zm = sqlite3_user_data(ctx);
	const char *name = (const char *)sqlite3_value_text(argv[0]);
	const char *z = an_zonemap_lookup(zm, name, 0);

	(void)argc;
	if (z)
		sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(ctx);
}

static void zm_sql_signed_zone_of(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct an_zonemap *zm = sqlite3_user_data(ctx);
	const char *name = (const char *)sqlite3_value_text(argv[0]);
	const char *z = an_zonemap_lookup(zm, name, 1);

	(void)argc;
	if (z)
		sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(ctx);
}

/* an_zone_signed(zone), zone as an_zone_of() gave it: 1 if that zone is
 * signed, else 0 (NULL: 0). What coalesce((SELECT signed FROM zones WHERE
 * zone = an_zone_of(name)), 0) gives, without the subquery per row, and
 * without walking the name's labels a second time. */
static void zm_sql_zone_signed(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct an_zonemap *zm = sqlite3_user_data(ctx);
	const char *z = (const char *)sqlite3_value_text(argv[0]);
	const struct zm_zone *e = z ? zm_find(zm, z) : NULL;

	(void)argc;
	sqlite3_result_int(ctx, e ? e->is_signed : 0);
}

static void zm_sql_name_under(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int(ctx, an_name_under((const char *)sqlite3_value_text(argv[0]),
					      (const char *)sqlite3_value_text(argv[1])));
}

/* Signers and DNSKEY owners: signed zones. */
static int zm_load_signed(struct an_zonemap *zm, sqlite3 *h)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(h, "SELECT zone FROM signatures UNION SELECT zone FROM keys",
			       -1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	rc = ST_OK;
	while (rc == ST_OK && sqlite3_step(st) == SQLITE_ROW)
		rc = zm_add(zm, (const char *)sqlite3_column_text(st, 0), 1);
	sqlite3_finalize(st);
	return rc;
}

static int zm_scan_msg(struct an_zonemap *zm, const struct dec_msg *m)
{
	char owner[ZM_NAME_TEXT_MAX], qname[ZM_NAME_TEXT_MAX];
	int rc = ST_OK;
	uint16_t i;

	if (m->has_question)
		dec_name_to_text(&m->qname, qname, sizeof(qname));
	else
		qname[0] = 0;
	for (i = 0; i < m->nrr && rc == ST_OK; i++) {
		const struct dec_rr *rr = &m->rr[i];

		if (rr->section != DEC_SEC_AN && rr->section != DEC_SEC_NS)
			continue;
		if (rr->type != 2 && rr->type != 6 && rr->type != 43)
			continue;
		dec_name_to_text(&rr->owner, owner, sizeof(owner));
		if (rr->type == 43)
			rc = zm_add(zm, owner, 1);
		else if (rr->type == 6 || rr->section == DEC_SEC_NS)
			rc = zm_add(zm, owner, 0);
		else if (m->aa && strcasecmp(owner, qname) == 0)
			rc = zm_add(zm, owner, 0);
	}
	return rc;
}

/* Referrals and authoritative answers: zone apexes. */
static int zm_load_cuts(struct an_zonemap *zm, sqlite3 *h)
{
	struct st_arena *ar = st_arena_new(ZM_PARSE_BUDGET);
	sqlite3_stmt *st;
	struct dec_msg m;
	int rc = ST_OK;

	if (!ar)
		return ST_ENOMEM;
	/* each message's bytes are an entry of its block (wire_blocks.h) */
	if (sqlite3_prepare_v2(h, "SELECT m.id - w.first_id, w.wires FROM messages m"
			       " JOIN message_wire_blocks w ON w.first_id = (SELECT max(x.first_id)"
			       "  FROM message_wire_blocks x WHERE x.first_id <= m.id)"
			       " WHERE m.qr = 1 AND m.rd = 0"
			       " AND m.malformed IS NULL AND (m.nscount > 0 OR m.ancount > 0)",
			       -1, &st, NULL) != SQLITE_OK) {
		st_arena_free(ar);
		return ST_EDB;
	}
	while (rc == ST_OK && sqlite3_step(st) == SQLITE_ROW) {
		const uint8_t *block = sqlite3_column_blob(st, 1), *w;
		int blen = sqlite3_column_bytes(st, 1);
		size_t len;

		if (!block || blen <= 0 ||
		    !an_wire_block_entry(block, (size_t)blen, sqlite3_column_int64(st, 0), &w, &len) ||
		    len < 12)
			continue;
		st_arena_reset(ar);
		memset(&m, 0, sizeof(m));
		if (dec_msg_parse(&m, w, len, ar) == ST_ENOMEM)
			continue;
		rc = zm_scan_msg(zm, &m);
	}
	sqlite3_finalize(st);
	st_arena_free(ar);
	return rc;
}

static int zm_store(struct an_zonemap *zm, sqlite3 *h)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = ST_OK;

	if (sqlite3_exec(h, "DELETE FROM zones", NULL, NULL, NULL) != SQLITE_OK)
		return ST_EDB;
	if (sqlite3_prepare_v2(h, "INSERT INTO zones(zone, signed) VALUES (?1, ?2)",
			       -1, &st, NULL) != SQLITE_OK)
		return ST_EDB;
	for (i = 0; i < zm->n && rc == ST_OK; i++) {
		sqlite3_bind_text(st, 1, zm->z[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, zm->z[i].is_signed);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = ST_EDB;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

static int zm_register(struct an_zonemap *zm, sqlite3 *h)
{
	const int f = SQLITE_UTF8 | SQLITE_DETERMINISTIC;

	if (sqlite3_create_function(h, "an_zone_of", 1, f, zm, zm_sql_zone_of, NULL, NULL) ||
	    sqlite3_create_function(h, "an_signed_zone_of", 1, f, zm, zm_sql_signed_zone_of,
				    NULL, NULL) ||
	    sqlite3_create_function(h, "an_zone_signed", 1, f, zm, zm_sql_zone_signed, NULL, NULL) ||
	    sqlite3_create_function(h, "an_name_under", 2, f, zm, zm_sql_name_under, NULL, NULL))
		return ST_EDB;
	zm->h = h;
	return ST_OK;
}

struct an_zonemap *an_zonemap_new(void)
{
	return calloc(1, sizeof(struct an_zonemap));
}

int an_zonemap_learn(struct an_zonemap *zm, const struct dec_msg *m)
{
	/* the messages zm_load_cuts() selects */
	if (!zm || m->len < 12 || !m->qr || m->rd || m->err != ST_OK ||
	    (m->nscount == 0 && m->ancount == 0))
		return ST_OK;
	return zm_scan_msg(zm, m);
}

/* Signers and key owners from the database, apexes from learned (or, with
 * none, from the stored messages), then the table and the functions. */
static int zm_build(sqlite3 *h, struct an_zonemap *learned, struct an_zonemap **out)
{
	struct an_zonemap *zm = calloc(1, sizeof(*zm));
	int rc;

	*out = NULL;
	if (!zm)
		return ST_ENOMEM;
	rc = zm_load_signed(zm, h);
	if (rc == ST_OK && !learned)
		rc = zm_load_cuts(zm, h);
	if (rc == ST_OK && learned) {
		zm_sort(learned);
		for (size_t i = 0; rc == ST_OK && i < learned->n; i++)
			rc = zm_add(zm, learned->z[i].name, learned->z[i].is_signed);
	}
	if (rc == ST_OK) {
		zm_sort(zm);
		rc = zm_store(zm, h);
	}
	if (rc == ST_OK)
		rc = zm_register(zm, h);
	if (rc != ST_OK) {
		an_zonemap_free(zm);
		return rc;
	}
	*out = zm;
	return ST_OK;
}

int an_zonemap_build(sqlite3 *h, struct an_zonemap **out)
{
	return zm_build(h, NULL, out);
}

int an_zonemap_build_learned(sqlite3 *h, struct an_zonemap *learned, struct an_zonemap **out)
{
	return zm_build(h, learned, out);
}

void an_zonemap_free(struct an_zonemap *zm)
{
	size_t i;

	if (!zm)
		return;
	if (zm->h) {
		sqlite3_create_function(zm->h, "an_zone_of", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL);
		sqlite3_create_function(zm->h, "an_signed_zone_of", 1, SQLITE_UTF8, NULL, NULL,
					NULL, NULL);
		sqlite3_create_function(zm->h, "an_zone_signed", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL);
		sqlite3_create_function(zm->h, "an_name_under", 2, SQLITE_UTF8, NULL, NULL, NULL, NULL);
	}
	for (i = 0; i < zm->n; i++)
		free(zm->z[i].name);
	free(zm->z);
	free(zm);
}
