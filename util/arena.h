/* util/arena.h -- bump allocator for memory that dies together.
 *
 * sigtrail keeps one arena per decoded message (reset when the message is
 * stored). Memory from an arena is never passed to free(). The budget caps
 * what one hostile message can make us allocate. */
#pragma once
#include <stddef.h>

struct st_arena; /* opaque */

/* NULL if out of memory. budget: most bytes handed out between resets,
 * 0 for no cap. The caller owns the arena; release with st_arena_free(). */
struct st_arena *st_arena_new(size_t budget);
void st_arena_free(struct st_arena *a);
/* size zeroed bytes aligned for any type, valid until the next reset.
 * NULL when the budget is spent or out of memory. */
void *st_arena_alloc(struct st_arena *a, size_t size);
/* Forgets every allocation; keeps one chunk for reuse. */
void st_arena_reset(struct st_arena *a);
