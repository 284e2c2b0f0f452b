// SPDX-License-Identifier: GPL-2.0
/* JSON files in and out (see jsonio.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonio.h"
#include "run/safefile.h"

int jsonio_write(json_object *o, const char *path, int flags, char *why, size_t len)
{
	size_t n;
	const char *s = json_object_to_json_string_length(o, flags, &n);

	if (!s) {
		snprintf(why, len, "%s: out of memory", path);
		return -ENOMEM;
	}
	return safefile_write(path, s, n, why, len);
}

json_object *jsonio_load(struct jsonio *r, const char *path)
{
	struct json_tokener *tok;
	json_object *o = NULL;
	char *buf = NULL, why[400];
	size_t n = 0;

	r->file = path;
	r->err[0] = 0;
	if (safefile_read(path, SAFEFILE_MAX_INPUT, &buf, &n, why, sizeof(why))) {
		snprintf(r->err, sizeof(r->err), "%s", why);
		return NULL;
	}
	tok = json_tokener_new();
	if (tok)
		o = json_tokener_parse_ex(tok, buf, (int)n);
	if (!tok) {
		snprintf(r->err, sizeof(r->err), "%s: out of memory", path);
	} else if (!o && json_tokener_get_error(tok) == json_tokener_continue) {
		snprintf(r->err, sizeof(r->err), "%s: not JSON: it ends inside a value (byte %zu)",
			 path, n);
	} else if (!o || json_tokener_get_error(tok) != json_tokener_success) {
		snprintf(r->err, sizeof(r->err), "%s: not JSON: %s at byte %zu", path,
			 json_tokener_error_desc(json_tokener_get_error(tok)),
			 json_tokener_get_parse_end(tok));
		json_object_put(o);
		o = NULL;
	} else if (json_tokener_get_parse_end(tok) < n &&
		   buf[json_tokener_get_parse_end(tok) + strspn(buf + json_tokener_get_parse_end(tok),
								 " \t\r\n")]) {
		snprintf(r->err, sizeof(r->err), "%s: text after the JSON value at byte %zu", path,
			 json_tokener_get_parse_end(tok));
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	free(buf);
	return o;
}

static const char *type_name(json_type t)
{
	switch (t) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
	case json_type_int:
		return "a number";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "?";
}

static bool is(json_object *v, json_type type)
{
	json_type t = json_object_get_type(v);

	return t == type || (type == json_type_double && t == json_type_int);
}

static json_object *check(struct jsonio *r, json_object *v, const char *where, json_type type)
{
	if (v && is(v, type))
		return v;
	if (!r->err[0])
		snprintf(r->err, sizeof(r->err), "%s: %s: %s, not %s", r->file,
			 where[0] ? where : "(top)", type_name(type),
			 v ? type_name(json_object_get_type(v)) : "null");
	return NULL;
}

json_object *jsonio_get(struct jsonio *r, json_object *o, const char *where, const char *key,
			json_type type, bool optional)
{
	char path[256];
	json_object *v = NULL;
	bool there = o && json_object_object_get_ex(o, key, &v);

	snprintf(path, sizeof(path), "%s%s%s", where, where[0] ? "." : "", key);
	if (optional && (!there || !v))
		return NULL;
	if (!there) {
		if (!r->err[0])
			snprintf(r->err, sizeof(r->err), "%s: %s: missing", r->file, path);
		return NULL;
	}
	return check(r, v, path, type);
}

json_object *jsonio_idx(struct jsonio *r, json_object *a, const char *where, size_t i,
			json_type type)
{
	char path[256];

	snprintf(path, sizeof(path), "%s[%zu]", where, i);
	return check(r, json_object_array_get_idx(a, i), path, type);
}
