/* analyze/wire_blocks.h -- the DNS messages' bytes, stored a block of
 * consecutive messages per row (table message_wire_blocks).
 *
 * One row per message (the old message_wire table) cost a third of the
 * load's time on a million packets, almost all of it SQLite's work per
 * row, not per byte (docs/bench.md). A block holds up to AN_WIRE_BLOCK_MSGS
 * messages, or fewer once it passes AN_WIRE_BLOCK_BYTES, starting at the
 * message id first_id (its row id); message first_id + k is entry k. An
 * entry is a 2-byte big-endian length and that many bytes: a DNS message
 * over UDP or TCP is never longer than 65535 bytes.
 *
 * Readers get the block of message id M with
 *   SELECT first_id, wires FROM message_wire_blocks WHERE first_id <= M
 *   ORDER BY first_id DESC LIMIT 1
 * and cut the entry out with an_wire_block_entry(), which treats the blob
 * as hostile (the database file may be). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define AN_WIRE_BLOCK_MSGS 64
#define AN_WIRE_BLOCK_BYTES 65536
#define AN_WIRE_ENTRY_MAX 65535

/* A block being filled by the writer. Zero-initialised is empty. */
struct an_wire_block {
	int64_t first_id;
	unsigned n;          /* messages in it */
	uint8_t *buf;
	size_t len, cap;
};

/* Appends message id's bytes (cut to AN_WIRE_ENTRY_MAX, which a DNS
 * message cannot exceed). id must follow the block's last message, or the
 * block must be empty. ST_OK, ST_ENOMEM, or ST_EINVAL for an id out of
 * sequence. */
int an_wire_block_add(struct an_wire_block *b, int64_t id, const uint8_t *wire, size_t len);
/* 1 when the block takes no more messages. */
int an_wire_block_full(const struct an_wire_block *b);
/* Next message id the block expects (first_id + n). */
int64_t an_wire_block_next_id(const struct an_wire_block *b);
void an_wire_block_clear(struct an_wire_block *b);
void an_wire_block_free(struct an_wire_block *b);

/* Entry k (0-based) of a stored block: 1 with *out and *outlen set (into
 * blob), 0 if the blob holds no such whole entry. */
int an_wire_block_entry(const uint8_t *blob, size_t bloblen, int64_t k,
			const uint8_t **out, size_t *outlen);
