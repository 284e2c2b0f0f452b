// SPDX-License-Identifier: GPL-2.0
/* The replay command of a run (see replay.h). */
#include <stdio.h>
#include <string.h>

#include "run/replay.h"

int replay_args(int argc, char *const *argv, bool seed_set, uint64_t seed, const char **out,
		int max, char *seedbuf, size_t seedlen)
{
	int n = 0;

	for (int i = 1; i < argc && n < max - 2; i++)
		out[n++] = argv[i];
	if (!seed_set && n + 2 <= max) {
		snprintf(seedbuf, seedlen, "%llu", (unsigned long long)seed);
		out[n++] = "--seed";
		out[n++] = seedbuf;
	}
	return n;
}

size_t shell_quote(const char *w, char *buf, size_t len)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				   "-_./=,:+@%";
	size_t n = 0;

	if (!len)
		return 0;
	if (w[0] && strspn(w, safe) == strlen(w)) {
		n = (size_t)snprintf(buf, len, "%s", w);
		return n < len ? n : len - 1;
	}
	/* Inside single quotes only ' itself needs care: close, escaped quote, reopen. */
	buf[n++] = '\'';
	for (const char *p = w; *p && n + 5 < len; p++) {
		if (*p == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else {
			buf[n++] = *p;
		}
	}
	if (n + 1 < len)
		buf[n++] = '\'';
	buf[n] = 0;
	return n;
}

void replay_command_str(const char *cwd, const char *const *args, int n, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "cd ");

	if (o < len)
		o += shell_quote(cwd, buf + o, len - o);
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, " && pinstress run");
	for (int i = 0; i < n && o + 2 < len; i++) {
		buf[o++] = ' ';
		buf[o] = 0;
		o += shell_quote(args[i], buf + o, len - o);
	}
}
