/* SPDX-License-Identifier: GPL-2.0 */
/* Comma-separated name lists ("pageout,zswap") as the tables write them. */
#ifndef PINSTRESS_NAMELIST_H
#define PINSTRESS_NAMELIST_H

#include <stdbool.h>
#include <string.h>

/* @name is one of the comma-separated words of @list (NULL: none). */
static inline bool namelist_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncmp(p, name, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* Any of @names[0..n) is in @list. */
static inline bool namelist_any(const char *list, const char *const *names, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (namelist_has(list, names[i]))
			return true;
	return false;
}

#endif
