/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON files in and out.  Out: through lib/run/safefile.h (no link
 * followed, mode 0600, renamed into place).  In: a regular file of bounded
 * size, parsed, and every member read with its type checked, so a report
 * with a null or a string where a number belongs is one error line naming
 * the file and the member ("b.json: metrics[3].samples[2]: a number, not
 * null"), never a crash.
 */
#ifndef PINSTRESS_JSONIO_H
#define PINSTRESS_JSONIO_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/* Write @o to @path: 0, or -errno with @why. */
int jsonio_write(json_object *o, const char *path, int flags, char *why, size_t len);

struct jsonio {
	const char *file;
	char err[512];		/* the first error, "FILE: WHERE: ..." */
};

/* Parse @path: its root, or NULL with r->err. */
json_object *jsonio_load(struct jsonio *r, const char *path);

/*
 * Member @key of object @o (at @where, "" for the root) as @type
 * (json_type_double also takes an integer).  NULL and r->err set when it
 * is missing, null or of another type, except that with @optional a
 * missing or null member is NULL without an error.
 */
json_object *jsonio_get(struct jsonio *r, json_object *o, const char *where, const char *key,
			json_type type, bool optional);

/* Element @i of array @a (at @where) as @type; NULL and r->err if it is not one. */
json_object *jsonio_idx(struct jsonio *r, json_object *a, const char *where, size_t i,
			json_type type);

#endif
