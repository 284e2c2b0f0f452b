// SPDX-License-Identifier: GPL-2.0
/*
 * Scrubbing only claims idle blocks, so it can never race with a writer:
 * a block being written is skipped and looked at on the next pass.
 */
#include <time.h>

#include "run/clock.h"
#include "verify/scrub.h"

size_t scrub_pass(struct job *j)
{
	size_t n = 0;

	pthread_rwlock_rdlock(&j->maplock);
	for (size_t b = 0; b < j->reg.nblocks; b++) {
		if (!oracle_claim(&j->oracle, b, BLK_SCRUB))
			continue;
		if (job_verify_owned(j, b, DET_SCRUB))
			oracle_release(&j->oracle, b, false);
		n++;
		if ((b & 255) != 255)
			continue;
		/* Let an address-space fault in now and then. */
		pthread_rwlock_unlock(&j->maplock);
		if (run_stopping(j->run))
			return n;
		pthread_rwlock_rdlock(&j->maplock);
	}
	pthread_rwlock_unlock(&j->maplock);
	atomic_fetch_add_explicit(&j->st.scrub_passes, 1, memory_order_relaxed);
	return n;
}

void *scrub_thread(void *arg)
{
	struct job *j = arg;

	evring_set_self(EV_WHO_SCRUB, &j->scrub_watch.mine);
	op_thread_start(&j->scrub_watch);
	while (!run_stopping(j->run)) {
		uint64_t t0 = clock_ms(), spent;

		op_begin(&j->scrub_watch);
		scrub_pass(j);
		op_end(&j->scrub_watch);
		spent = clock_ms() - t0;
		if (spent < SCRUB_PASS_MS) {
			struct timespec ts = { 0, (long)(SCRUB_PASS_MS - spent) * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}
