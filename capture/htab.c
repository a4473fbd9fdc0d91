/* capture/htab.c -- open-addressing pointer table (see htab.h). */
#include <stdlib.h>
#include <string.h>
#include "capture/htab.h"
#include "util/err.h"

#define HTAB_MIN 64

int cap_htab_init(struct cap_htab *t, uint64_t seed)
{
	t->slots = calloc(HTAB_MIN, sizeof(*t->slots));
	if (!t->slots)
		return ST_ENOMEM;
	t->mask = HTAB_MIN - 1;
	t->count = 0;
	t->seed = seed | 1;
	return ST_OK;
}

void cap_htab_clear(struct cap_htab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->mask = 0;
	t->count = 0;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* Keyed multiply-mix over 8-byte words; not cryptographic, but the seed is
 * not in the capture, so collisions cannot be precomputed from it. */
uint64_t cap_htab_hash(const struct cap_htab *t, const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = t->seed ^ (len * 0x9e3779b97f4a7c15ULL);
	while (len > 0) {
		uint64_t w = 0;
		size_t n = len < 8 ? len : 8;
		memcpy(&w, p, n);
		h = mix(h ^ w) + 0x9e3779b97f4a7c15ULL;
		p += n;
		len -= n;
	}
	h = mix(h);
	return h ? h : 1;
}

void *cap_htab_find(const struct cap_htab *t, uint64_t h,
		    bool (*eq)(const void *item, const void *key), const void *key)
{
	for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
		const struct cap_htab_slot *s = &t->slots[i];
		if (s->hash == 0)
			return NULL;
		if (s->hash == h && eq(s->item, key))
			return s->item;
	}
}

static void put(struct cap_htab_slot *slots, size_t mask, uint64_t h, void *item)
{
	size_t i = h & mask;
	while (slots[i].hash != 0)
		i = (i + 1) & mask;
	slots[i].hash = h;
	slots[i].item = item;
}

static int grow(struct cap_htab *t)
{
	size_t n = (t->mask + 1) * 2;
	struct cap_htab_slot *ns = calloc(n, sizeof(*ns));
	if (!ns)
		return ST_ENOMEM;
	for (size_t i = 0; i <= t->mask; i++)
		if (t->slots[i].hash)
			put(ns, n - 1, t->slots[i].hash, t->slots[i].item);
	free(t->slots);
	t->slots = ns;
	t->mask = n - 1;
	return ST_OK;
}

int cap_htab_add(struct cap_htab *t, uint64_t h, void *item)
{
	/* Keep the load under 1/2: probe chains stay short. */
	if ((t->count + 1) * 2 > t->mask + 1 && grow(t) != ST_OK)
		return ST_ENOMEM;
	put(t->slots, t->mask, h, item);
	t->count++;
	return ST_OK;
}

/* Backward-shift deletion (Knuth 6.4 algorithm R). */
void cap_htab_del(struct cap_htab *t, uint64_t h, const void *item)
{
	size_t i = h & t->mask;
	for (;; i = (i + 1) & t->mask) {
		if (t->slots[i].hash == 0)
			return;
		if (t->slots[i].item == item)
			break;
	}
	size_t j = i;
	for (;;) {
		t->slots[i].hash = 0;
		t->slots[i].item = NULL;
		for (;;) {
			j = (j + 1) & t->mask;
			if (t->slots[j].hash == 0) {
				t->count--;
				return;
			}
			size_t k = t->slots[j].hash & t->mask;
			/* Move j back to i unless its home k lies cyclically in (i, j]. */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		t->slots[i] = t->slots[j];
		i = j;
	}
}

size_t cap_htab_bytes(const struct cap_htab *t)
{
	return (t->mask + 1) * sizeof(*t->slots);
}
