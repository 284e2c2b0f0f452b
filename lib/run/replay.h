/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command that replays a run: its own arguments, plus the seed when
 * the clock chose it, shell-quoted for a human and kept as a list for
 * `pinstress replay`.
 */
#ifndef PINSTRESS_REPLAY_H
#define PINSTRESS_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The arguments after "run" (@argv[0]) into @out, then "--seed" @seed if
 * the run did not set it (@seedbuf holds its text).  How many; at most @max.
 */
int replay_args(int argc, char *const *argv, bool seed_set, uint64_t seed, const char **out,
		int max, char *seedbuf, size_t seedlen);

/* @w as one shell word: as it is when plainly safe, else single-quoted. Bytes written. */
size_t shell_quote(const char *w, char *buf, size_t len);

/* "cd CWD && pinstress run ARGS...", every word quoted. */
void replay_command_str(const char *cwd, const char *const *args, int n, char *buf, size_t len);

#endif
