/* analyze/row_counts.c -- see row_counts.h. */
#include "analyze/row_counts.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

#define RCODE_KEY "rows_rcode_"

void an_row_counts_message(struct an_row_counts *c, const struct cap_msg *cm,
			   const struct dec_msg *m)
{
	if (c->messages == 0 || cm->ts_ns < c->ts_first)
		c->ts_first = cm->ts_ns;
	if (c->messages == 0 || cm->ts_ns > c->ts_last)
		c->ts_last = cm->ts_ns;
	c->messages++;
	if (cm->transport == CAP_TCP)
		c->tcp++;
	else
		c->udp++;
	if (cm->flags & CAP_MSG_FRAGMENTED)
		c->reassembled++;
	if (m->err != ST_OK)
		c->malformed++;
	if (m->len < 12)
		return; /* header columns NULL: neither a query nor a response */
	if (!m->qr) {
		c->queries++;
		return;
	}
	c->responses++;
	c->rcode[m->rcode_full % AN_ROW_RCODES]++;
}

void an_row_counts_check(struct an_row_counts *c, const char *verdict)
{
	c->checks++;
	if (!strcmp(verdict, "valid"))
		c->checks_valid++;
	else if (!strcmp(verdict, "bogus"))
		c->checks_bogus++;
	else if (!strcmp(verdict, "indeterminate"))
		c->checks_indeterminate++;
	else if (!strcmp(verdict, "unsupported"))
		c->checks_unsupported++;
}

/* The fixed keys, each with where its value lives. */
#define FIELD(name) { "rows_" #name, offsetof(struct an_row_counts, name) }
static const struct {
	const char *key;
	size_t off;
} fields[] = {
	FIELD(messages), FIELD(queries), FIELD(responses), FIELD(malformed),
	FIELD(udp), FIELD(tcp), FIELD(reassembled), FIELD(ts_first), FIELD(ts_last),
	FIELD(checks), FIELD(checks_valid), FIELD(checks_bogus),
	FIELD(checks_indeterminate), FIELD(checks_unsupported),
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static int64_t field_get(const struct an_row_counts *c, size_t i)
{
	int64_t v;
	memcpy(&v, (const char *)c + fields[i].off, sizeof(v));
	return v;
}

static void field_set(struct an_row_counts *c, size_t i, int64_t v)
{
	memcpy((char *)c + fields[i].off, &v, sizeof(v));
}

int an_row_counts_each(const struct an_row_counts *c,
		       int (*put)(void *ctx, const char *key, int64_t value), void *ctx)
{
	int rc;
	for (size_t i = 0; i < NFIELDS; i++)
		if ((rc = put(ctx, fields[i].key, field_get(c, i))))
			return rc;
	for (int r = 0; r < AN_ROW_RCODES; r++) {
		if (!c->rcode[r])
			continue;
		char key[32];
		snprintf(key, sizeof(key), RCODE_KEY "%d", r);
		if ((rc = put(ctx, key, c->rcode[r])))
			return rc;
	}
	return 0;
}

int an_row_counts_read(struct sqlite3 *h, struct an_row_counts *c)
{
	memset(c, 0, sizeof(*c));
	sqlite3_stmt *s = NULL;
	/* Constant SQL; the keys are compared in C, never composed into SQL. */
	if (sqlite3_prepare_v2(h, "SELECT key, value FROM stats WHERE key GLOB 'rows_*'", -1, &s,
			       NULL) != SQLITE_OK)
		return 0;
	size_t found = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(s, 0);
		int64_t v = sqlite3_column_int64(s, 1);
		if (!key)
			continue;
		if (!strncmp(key, RCODE_KEY, sizeof(RCODE_KEY) - 1)) {
			char *end;
			long r = strtol(key + sizeof(RCODE_KEY) - 1, &end, 10);
			if (*end == '\0' && r >= 0 && r < AN_ROW_RCODES)
				c->rcode[r] = v;
			continue;
		}
		for (size_t i = 0; i < NFIELDS; i++)
			if (!strcmp(key, fields[i].key)) {
				field_set(c, i, v);
				found++;
				break;
			}
	}
	sqlite3_finalize(s);
	if (found != NFIELDS) {
		memset(c, 0, sizeof(*c));
		return 0;
	}
	return 1;
}
