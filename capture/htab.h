/* capture/htab.h -- a small open-addressing hash table of pointers.
 *
 * The fragment and TCP flow tables sit on the per-packet hot path: linear
 * probing over a flat array of (hash, pointer) slots costs one cache line
 * per lookup and no allocation per insert, where a chained table costs a
 * malloc per entry and a pointer chase per probe. Deletion shifts entries
 * back (no tombstones), so a long capture never degrades the table.
 *
 * The table stores pointers it does not own; the caller compares keys
 * through eq(). Hashes come from cap_htab_hash(), keyed by a per-table
 * seed so that crafted addresses cannot aim at one probe chain. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cap_htab_slot {
	uint64_t hash; /* 0 marks an empty slot */
	void *item;
};

struct cap_htab {
	struct cap_htab_slot *slots;
	size_t mask;   /* slots - 1; the size is a power of two */
	size_t count;
	uint64_t seed;
};

/* ST_OK or ST_ENOMEM. */
int cap_htab_init(struct cap_htab *t, uint64_t seed);
void cap_htab_clear(struct cap_htab *t);
uint64_t cap_htab_hash(const struct cap_htab *t, const void *key, size_t len);
/* The item whose hash is h and for which eq(item, key) is true, or NULL. */
void *cap_htab_find(const struct cap_htab *t, uint64_t h,
		    bool (*eq)(const void *item, const void *key), const void *key);
/* Adds item (absent before) under h: ST_OK or ST_ENOMEM (table unchanged). */
int cap_htab_add(struct cap_htab *t, uint64_t h, void *item);
/* Removes exactly this item (found by pointer); no-op if absent. */
void cap_htab_del(struct cap_htab *t, uint64_t h, const void *item);
/* Bytes the slot array takes, for memory accounting. */
size_t cap_htab_bytes(const struct cap_htab *t);
