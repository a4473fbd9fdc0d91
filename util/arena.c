/* util/arena.c -- chunked bump allocator (see arena.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util/arena.h"

#define ARENA_CHUNK (64 * 1024)
#define ARENA_ALIGN (_Alignof(max_align_t))

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, used;
	_Alignas(max_align_t) unsigned char data[];
};

struct st_arena {
	struct arena_chunk *head;
	size_t budget, given;
};

struct st_arena *st_arena_new(size_t budget)
{
	struct st_arena *a = calloc(1, sizeof(*a));
	if (a)
		a->budget = budget;
	return a;
}

static void chunks_free(struct arena_chunk *c)
{
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
}

void st_arena_free(struct st_arena *a)
{
	if (!a)
		return;
	chunks_free(a->head);
	free(a);
}

void *st_arena_alloc(struct st_arena *a, size_t size)
{
	if (size > SIZE_MAX / 2)
		return NULL;
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (size == 0)
		size = ARENA_ALIGN;
	if (a->budget && size > a->budget - a->given)
		return NULL;
	struct arena_chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		size_t want = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		c = malloc(sizeof(*c) + want);
		if (!c)
			return NULL;
		c->size = want;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += size;
	a->given += size;
	memset(p, 0, size);
	return p;
}

void st_arena_reset(struct st_arena *a)
{
	if (!a->head)
		return;
	/* Keep the newest chunk (usually the only one); drop the rest. */
	chunks_free(a->head->next);
	a->head->next = NULL;
	a->head->used = 0;
	a->given = 0;
}
