/* SPDX-License-Identifier: GPL-2.0 */
/* Short names for the json-c constructors the report and failure records use. */
#ifndef PINSTRESS_JSONW_H
#define PINSTRESS_JSONW_H

#include <json-c/json.h>
#include <stdint.h>

static inline json_object *jstr(const char *s)
{
	return json_object_new_string(s);
}

static inline json_object *ju64(uint64_t v)
{
	return json_object_new_uint64(v);
}

#endif
