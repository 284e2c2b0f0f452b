// SPDX-License-Identifier: GPL-2.0
/*
 * Stamp generation and checking.  This is the hot path of every verify, so
 * it hashes with XXH3 and generates the payload with one multiply-xorshift
 * mix per 8 bytes; both run at several GB/s on one core.
 *
 * Nothing here allocates or takes locks: a fork child of the multithreaded
 * driver calls these functions between fork() and _exit().
 */
#define XXH_INLINE_ALL
#include <xxhash.h>
#include <stdio.h>
#include <string.h>

#include "run/rng.h"
#include "verify/stamp.h"

#define GOLDEN 0x9e3779b97f4a7c15ULL

/* The identity as written in memory: shared stamps drop block and generation. */
static const struct stamp_id *stamp_norm(const struct stamp_id *id, struct stamp_id *tmp)
{
	if (SRC_KIND(id->source) != SRC_SHARED)
		return id;
	*tmp = *id;
	tmp->block = STAMP_BLOCK_SHARED;
	tmp->gen = 0;
	return tmp;
}

static uint64_t payload_base(uint64_t seed, const struct stamp_id *id)
{
	return XXH3_64bits_withSeed(id, sizeof(*id), seed);
}

static void payload_gen(uint64_t *w, size_t nwords, uint64_t base, size_t first)
{
	for (size_t i = 0; i < nwords; i++)
		w[i] = rng_mix64(base + (first + i) * GOLDEN);
}

static uint64_t hdr_hash(const struct stamp_hdr *h, uint64_t seed)
{
	return XXH3_64bits_withSeed(h, offsetof(struct stamp_hdr, hdr_hash), seed);
}

void stamp_fill(void *blk, size_t bs, uint64_t seed, const struct stamp_id *idin)
{
	struct stamp_id tmp;
	const struct stamp_id *id = stamp_norm(idin, &tmp);
	struct stamp_hdr h = {
		.magic = STAMP_MAGIC,
		.version = STAMP_VERSION,
		.hdr_size = STAMP_HDR_SIZE,
		.region = id->region,
		.source = id->source,
		.block = id->block,
		.gen = id->gen,
		.block_size = (uint32_t)bs,
	};
	uint8_t *payload = (uint8_t *)blk + STAMP_HDR_SIZE;
	size_t plen = bs - STAMP_HDR_SIZE;

	payload_gen((uint64_t *)payload, plen / 8, payload_base(seed, id), 0);
	h.payload_hash = XXH3_64bits_withSeed(payload, plen, seed);
	h.hdr_hash = hdr_hash(&h, seed);
	memcpy(blk, &h, sizeof(h));
}

bool stamp_hdr_valid(const void *blk, size_t bs, uint64_t seed)
{
	const struct stamp_hdr *h = blk;

	if (h->magic != STAMP_MAGIC || h->version != STAMP_VERSION ||
	    h->hdr_size != STAMP_HDR_SIZE || h->block_size != bs)
		return false;
	return h->hdr_hash == hdr_hash(h, seed);
}

void stamp_hdr_id(const void *blk, struct stamp_id *id)
{
	const struct stamp_hdr *h = blk;

	id->region = h->region;
	id->source = h->source;
	id->block = h->block;
	id->gen = h->gen;
}

uint64_t stamp_payload_hash(const void *blk, size_t bs, uint64_t seed)
{
	return XXH3_64bits_withSeed((const uint8_t *)blk + STAMP_HDR_SIZE, bs - STAMP_HDR_SIZE, seed);
}

bool stamp_payload_ok(const void *blk, size_t bs, uint64_t seed)
{
	const struct stamp_hdr *h = blk;

	return h->payload_hash == stamp_payload_hash(blk, bs, seed);
}

bool stamp_id_equal(const struct stamp_id *a, const struct stamp_id *b)
{
	return a->region == b->region && a->source == b->source &&
	       a->block == b->block && a->gen == b->gen;
}

bool stamp_matches(const void *blk, size_t bs, uint64_t seed, const struct stamp_id *idin)
{
	struct stamp_id got, tmp;
	const struct stamp_id *id = stamp_norm(idin, &tmp);

	if (!stamp_hdr_valid(blk, bs, seed))
		return false;
	stamp_hdr_id(blk, &got);
	if (!stamp_id_equal(&got, id))
		return false;
	return stamp_payload_ok(blk, bs, seed);
}

uint64_t stamp_expected_payload_hash(size_t bs, uint64_t seed, const struct stamp_id *idin)
{
	struct stamp_id tmp;
	const struct stamp_id *id = stamp_norm(idin, &tmp);
	uint64_t chunk[512];
	size_t nwords = (bs - STAMP_HDR_SIZE) / 8;
	uint64_t base = payload_base(seed, id);
	XXH3_state_t st;

	XXH3_INITSTATE(&st);
	XXH3_64bits_reset_withSeed(&st, seed);
	for (size_t i = 0; i < nwords; i += 512) {
		size_t n = nwords - i < 512 ? nwords - i : 512;

		payload_gen(chunk, n, base, i);
		XXH3_64bits_update(&st, chunk, n * 8);
	}
	return XXH3_64bits_digest(&st);
}

const char *src_kind_name(uint32_t source)
{
	static const char *const n[] = { "?",	   "init",   "cpu",	"file",	  "child",
					 "canary", "remote", "shared", "procmem" };
	uint32_t k = SRC_KIND(source);

	return k < sizeof(n) / sizeof(n[0]) ? n[k] : "?";
}

void stamp_id_str(const struct stamp_id *id, char *buf, size_t len)
{
	snprintf(buf, len, "{region %u block %llu gen %llu src %s:%u}", id->region,
		 (unsigned long long)id->block, (unsigned long long)id->gen,
		 src_kind_name(id->source), SRC_INDEX(id->source));
}
