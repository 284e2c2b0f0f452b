// SPDX-License-Identifier: GPL-2.0
/* Named evidence counters of one job. */
#include <stdio.h>
#include <string.h>

#include "verify/evidence.h"

void evidence_init(struct evidence *e)
{
	memset(e, 0, sizeof(*e));
	pthread_mutex_init(&e->lock, NULL);
}

static struct ev_slot *find(const struct evidence *e, const char *name)
{
	unsigned int n = __atomic_load_n(&e->n, __ATOMIC_ACQUIRE);

	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(e->slot[i].name, name))
			return (struct ev_slot *)&e->slot[i];
	return NULL;
}

_Atomic uint64_t *evidence_get(struct evidence *e, const char *name)
{
	struct ev_slot *s;

	pthread_mutex_lock(&e->lock);
	s = find(e, name);
	if (!s && e->n < EV_MAX) {
		s = &e->slot[e->n];
		snprintf(s->name, sizeof(s->name), "%s", name);
		atomic_store(&s->v, 0);
		__atomic_store_n(&e->n, e->n + 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&e->lock);
	return s ? &s->v : NULL;
}

uint64_t evidence_value(const struct evidence *e, const char *name)
{
	const struct ev_slot *s = find(e, name);

	return s ? atomic_load_explicit(&((struct ev_slot *)s)->v, memory_order_relaxed) : 0;
}

bool evidence_proven(const struct evidence *e, const char *proof, char *missing, size_t len)
{
	char buf[256], *save = NULL;

	if (!proof || !*proof)
		return true;
	snprintf(buf, sizeof(buf), "%s", proof);
	for (char *k = strtok_r(buf, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		if (evidence_value(e, k))
			continue;
		snprintf(missing, len, "%s", k);
		return false;
	}
	return true;
}
