/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The block stamp: every block of memory under test begins with a header
 * that says which block it belongs to, which write put it there and a hash
 * of the rest, followed by a pseudo-random payload derived from that
 * identity.  Expected content is recomputed from the identity, never stored,
 * so the oracle needs a few bytes per block whatever the block size.
 */
#ifndef PINSTRESS_STAMP_H
#define PINSTRESS_STAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STAMP_MAGIC	0x54534e50u	/* "PNST" little-endian */
#define STAMP_VERSION	1
#define STAMP_MIN_BLOCK	512u
#define STAMP_MAX_BLOCK	(2u << 20)

/* Who wrote a block: the top byte of stamp_id.source. */
enum stamp_kind {
	SRC_INIT = 1,	/* initial fill at setup */
	SRC_CPU = 2,	/* plain stores by a worker (low bits: worker) */
	SRC_FILE = 3,	/* kernel write from the scratch file (low bits: slot) */
	SRC_CHILD = 4,	/* a fork child's own data (low bits: fork number) */
	SRC_CANARY = 5,	/* planted by a canary */
	SRC_REMOTE = 6,	/* another process wrote it (pvm) */
	SRC_SHARED = 7,	/* the region's one shared pattern (KSM: identical pages) */
	SRC_PROCMEM = 8,	/* written through /proc/self/mem (low bits: worker) */
};

/*
 * A SRC_SHARED stamp is the same bytes in every block of a region, so that
 * KSM can merge the pages: its header says block STAMP_BLOCK_SHARED and
 * generation 0 whatever block and generation the oracle holds.
 */
#define STAMP_BLOCK_SHARED	UINT64_MAX

#define SRC_MAKE(kind, idx)	(((uint32_t)(kind) << 24) | ((uint32_t)(idx) & 0xffffffu))
#define SRC_KIND(src)		((src) >> 24)
#define SRC_INDEX(src)		((src) & 0xffffffu)

struct stamp_id {
	uint32_t region;	/* region id, unique per job in a run */
	uint32_t source;	/* SRC_MAKE(kind, index) */
	uint64_t block;		/* block index inside the region */
	uint64_t gen;		/* generation of this block, +1 per write */
};

struct stamp_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t hdr_size;
	uint32_t region;
	uint32_t source;
	uint64_t block;
	uint64_t gen;
	uint32_t block_size;
	uint32_t reserved;
	uint64_t reserved2;
	uint64_t payload_hash;	/* XXH3 of the payload, seeded by the run seed */
	uint64_t hdr_hash;	/* XXH3 of the bytes above, seeded by the run seed */
};

#define STAMP_HDR_SIZE	sizeof(struct stamp_hdr)

/* Write the stamp of @id into @blk (block size @bs). */
void stamp_fill(void *blk, size_t bs, uint64_t seed, const struct stamp_id *id);

/* Header check only: true if the header is ours and self-consistent. */
bool stamp_hdr_valid(const void *blk, size_t bs, uint64_t seed);

/* Decode a header that stamp_hdr_valid() accepted. */
void stamp_hdr_id(const void *blk, struct stamp_id *id);

/* XXH3 of the payload of @blk as it is now. */
uint64_t stamp_payload_hash(const void *blk, size_t bs, uint64_t seed);

/* True if the payload hash in the (valid) header matches the payload. */
bool stamp_payload_ok(const void *blk, size_t bs, uint64_t seed);

/* Fast path: true iff @blk holds exactly the stamp of @id. */
bool stamp_matches(const void *blk, size_t bs, uint64_t seed, const struct stamp_id *id);

/* Hash the payload @id would have, without materialising it. */
uint64_t stamp_expected_payload_hash(size_t bs, uint64_t seed, const struct stamp_id *id);

bool stamp_id_equal(const struct stamp_id *a, const struct stamp_id *b);

/* "cpu", "file", "child", ... for a stamp source. */
const char *src_kind_name(uint32_t source);
/* "{region R block B gen G src KIND:I}" */
void stamp_id_str(const struct stamp_id *id, char *buf, size_t len);

#endif
