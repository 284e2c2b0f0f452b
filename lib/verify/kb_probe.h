/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the probes of known bugs (one executable per probes/ program) and
 * remembering what they said: a probe's verdict holds for one kernel in
 * one boot, so it is cached in /run/pinstress/probes (tmpfs: gone at the
 * next boot), keyed by the boot id and the kernel's release and version.
 */
#ifndef PINSTRESS_KB_PROBE_H
#define PINSTRESS_KB_PROBE_H

#include <stdbool.h>

#include "verify/known_bugs.h"

#define KB_CACHE_DIR	"/run/pinstress"
#define KB_CACHE_FILE	KB_CACHE_DIR "/probes"
/* A probe bounds itself (liburing-style alarm); this is the net under it. */
#define KB_PROBE_TIMEOUT_S	90

struct kb_result {
	enum kb_state state;
	int exit_code;		/* the probe's, or -errno if it could not run */
	double seconds;
	bool cached;		/* from the cache, not run now */
	char evidence[512];	/* its one line */
};

/*
 * Run @kb's probe from @dir, giving it @scratch (a directory with O_DIRECT)
 * when it takes one; bounded: SIGTERM at the timeout (the probe restores
 * what it changed), SIGKILL 10 s later.  Its stderr goes to @err_fd (-1:
 * discarded).  0, or -errno if it could not be started.
 */
int kb_probe_run(const struct known_bug *kb, const char *dir, const char *scratch, int err_fd,
		 struct kb_result *r);

/* The cached results for this boot and kernel into @r[known_bugs_nr]; others left alone. */
int kb_cache_load(struct kb_result *r);

/* Store every result with a state other than KB_UNKNOWN (atomically, root-only file). */
int kb_cache_store(const struct kb_result *r);

/* Where the probes are: $PINSTRESS_PROBES, else probes/ beside the running executable. */
int kb_probe_dir(char *buf, size_t len);

#endif
