/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Planting damage of a known class into a block: the positive control of
 * every detector.  Canaries and the live --plant hook both use it, so what
 * is tested is exactly what the verify path sees.
 */
#ifndef PINSTRESS_PLANT_H
#define PINSTRESS_PLANT_H

#include "verify/classify.h"
#include "run/rng.h"

/*
 * Damage @blk, which holds the stamp @expect, so that classify_block()
 * must answer @cls when looking from @side of a fork.  -EINVAL for VC_OK or an unknown class.
 */
int plant_damage(void *blk, size_t bs, uint64_t seed, const struct stamp_id *expect,
		 enum vclass cls, enum vside side, struct rng *r);

#endif
