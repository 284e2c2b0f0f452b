// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON report's timeline (timeline.h).  A mark holds cumulative
 * counters, never deltas: a sample is the difference of its two marks.  So
 * merging two samples is dropping the mark between them, their sums and the
 * CPU share weighted by span come out exact, and the samples of a job add
 * up to its final counters however often they were merged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults/fault.h"
#include "jsonw.h"
#include "run.h"
#include "timeline.h"

/* What the faults make the kernel do: reclaim, migration, tiering, THP, compaction. */
static const char *const vmstat_want[] = {
	"pswpout", "pswpin", "pgmigrate_success", "thp_split_pmd", "thp_collapse_alloc",
	"thp_fault_alloc", "numa_pages_migrated", "numa_hint_faults", "pgdemote_*",
	"pgpromote_success", "compact_*",
};

int timeline_init(struct timeline *tl, const struct run_config *rc)
{
	int n;

	memset(tl, 0, sizeof(*tl));
	tl->samples = rc->samples;
	tl->interval_s = rc->sample_interval_ms / 1000.0;
	/* Never more marks than this: merging makes room before the next one. */
	tl->marks = calloc(tl->samples + 1, sizeof(*tl->marks));
	if (!tl->marks)
		return -ENOMEM;
	/* Counters the kernel lacks (no THP, no NUMA) are left out, not shown as 0. */
	n = vmstat_names(vmstat_want, sizeof(vmstat_want) / sizeof(vmstat_want[0]), tl->vm_names,
			 TL_VMSTAT_MAX);
	tl->nvm = n > 0 ? (unsigned int)n : 0;
	for (unsigned int i = 0; i < tl->nvm; i++)
		tl->vm_ptr[i] = tl->vm_names[i];
	return 0;
}

void timeline_free(struct timeline *tl)
{
	for (unsigned int i = 0; i < tl->nmarks; i++)
		free(tl->marks[i].jobs);
	free(tl->marks);
	tl->marks = NULL;
	tl->nmarks = 0;
}

static uint64_t ld(const _Atomic uint64_t *v)
{
	return atomic_load_explicit((_Atomic uint64_t *)v, memory_order_relaxed);
}

/* The counters the progress line and the report show, as they are now. */
static void job_read(const struct job *j, struct tl_job *s)
{
	unsigned int nev = __atomic_load_n(&j->ev.n, __ATOMIC_ACQUIRE);

	memset(s, 0, sizeof(*s));
	s->ops = ld(&j->st.ops);
	s->verified = ld(&j->st.blocks_verified);
	for (unsigned int k = 0; k < j->nfaults; k++) {
		s->injections[k] = ld(&j->faults[k].count);
		s->confirmed[k] = ld(&j->faults[k].confirmed);
	}
	for (unsigned int i = 0; i < nev && i < EV_MAX; i++)
		s->ev[i] = ld(&j->ev.slot[i].v);
}

static int mark_take(struct run_ctx *run, struct tl_mark *m, double t, unsigned int j0,
		     unsigned int j1, bool round_end)
{
	struct timeline *tl = &run->tl;

	m->jobs = NULL;
	if (j1 > j0) {
		m->jobs = malloc((j1 - j0) * sizeof(*m->jobs));
		if (!m->jobs)
			return -ENOMEM;
	}
	m->t = t;
	m->j0 = j0;
	m->j1 = j1;
	m->round_end = round_end;
	m->cpu_ok = !cpu_times_read(&m->cpu);
	m->vm_ok = tl->nvm && !vmstat_read_set(tl->vm_ptr, tl->nvm, m->vm);
	for (unsigned int j = j0; j < j1; j++)
		job_read(&run->jobs[j], &m->jobs[j - j0]);
	return 0;
}

/*
 * Merge neighbouring samples in pairs by dropping every other mark; the
 * last stays, so the marks still span the run.
 */
static void halve(struct timeline *tl)
{
	unsigned int last = tl->nmarks - 1, n = 0;

	for (unsigned int i = 0; i <= last; i++) {
		if (i % 2 && i != last) {
			free(tl->marks[i].jobs);
			continue;
		}
		tl->marks[n++] = tl->marks[i];
	}
	tl->nmarks = n;
	tl->interval_s *= 2;
	tl->merged++;
}

static void mark_add(struct run_ctx *run, double t, unsigned int j0, unsigned int j1,
		     bool round_end)
{
	struct timeline *tl = &run->tl;

	if (!tl->marks)
		return;
	/* Full since a round's mark (which does not halve at once, see below). */
	if (tl->nmarks == tl->samples + 1)
		halve(tl);
	/* A mark not taken (no memory) only makes the sample around it longer. */
	if (!mark_take(run, &tl->marks[tl->nmarks], t, j0, j1, round_end))
		tl->nmarks++;
}

void timeline_round_start(struct run_ctx *run)
{
	struct timeline *tl = &run->tl;
	unsigned int j0 = run->round_j0;

	/*
	 * The run's first mark holds no job: what their setup counted
	 * (census *_start) goes into their first sample, so every job's
	 * samples add up to its final counters.  A later round's mark
	 * ends the sample of its setup.
	 */
	mark_add(run, run->round_t0, j0, tl->nmarks ? run->njobs : j0, false);
	tl->next_s = run->round_t0 + tl->interval_s;
}

void timeline_tick(struct run_ctx *run, double now)
{
	struct timeline *tl = &run->tl;
	double due = tl->next_s;

	if (!tl->nmarks || now < due)
		return;
	mark_add(run, now, run->round_j0, run->njobs, false);
	/*
	 * Full: halve now, so the next mark is due one doubled interval
	 * after this one and the samples stay evenly spaced.  A round's
	 * marks leave it to the next mark: the run's last one then keeps
	 * the buffer full rather than halving it for nothing.
	 */
	if (tl->nmarks == tl->samples + 1)
		halve(tl);
	/* On the grid, so the tick's jitter does not add up over a long run. */
	tl->next_s = due + tl->interval_s;
	if (tl->next_s <= now)
		tl->next_s = now + tl->interval_s;
}

void timeline_round_end(struct run_ctx *run)
{
	if (run->tl.nmarks)
		mark_add(run, run_elapsed(&run->st), run->round_j0, run->njobs, true);
}

/* Job @j's counters at mark @m. */
static void job_at(const struct run_ctx *run, const struct tl_mark *m, unsigned int j,
		   struct tl_job *s)
{
	if (j >= m->j0 && j < m->j1)
		*s = m->jobs[j - m->j0];
	else if (j < m->j0)
		job_read(&run->jobs[j], s);	/* an earlier round's: final */
	else
		memset(s, 0, sizeof(*s));	/* not set up yet */
}

/* A double with @decimals digits, not json-c's 17. */
static json_object *jfixed(double v, int decimals)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

/* Signed: a counter that is set, not added to (census *_end), may go down. */
static json_object *jdelta(uint64_t a, uint64_t b)
{
	return json_object_new_int64((int64_t)(b - a));
}

static json_object *job_sample_json(const struct job *j, const struct tl_job *a,
				    const struct tl_job *b)
{
	json_object *o = json_object_new_object(), *fl = json_object_new_object();
	json_object *ev = json_object_new_object();
	unsigned int nev = __atomic_load_n(&j->ev.n, __ATOMIC_ACQUIRE);

	json_object_object_add(o, "ops", jdelta(a->ops, b->ops));
	json_object_object_add(o, "verified", jdelta(a->verified, b->verified));
	for (unsigned int k = 0; k < j->nfaults; k++) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "injections", jdelta(a->injections[k], b->injections[k]));
		json_object_object_add(f, "confirmed", jdelta(a->confirmed[k], b->confirmed[k]));
		json_object_object_add(fl, j->faults[k].ops->name, f);
	}
	json_object_object_add(o, "faults", fl);
	/* Only what changed: a job has dozens of counters, most of them still. */
	for (unsigned int i = 0; i < nev && i < EV_MAX; i++)
		if (a->ev[i] != b->ev[i])
			json_object_object_add(ev, j->ev.slot[i].name, jdelta(a->ev[i], b->ev[i]));
	json_object_object_add(o, "evidence", ev);
	return o;
}

static json_object *cpu_pct(uint64_t a, uint64_t b, uint64_t ticks)
{
	return jfixed(ticks ? 100.0 * (double)(b - a) / (double)ticks : 0, 1);
}

static void sample_machine(const struct timeline *tl, const struct tl_mark *a,
			   const struct tl_mark *b, json_object *o)
{
	json_object *vm = NULL;

	if (a->cpu_ok && b->cpu_ok) {
		uint64_t ticks = b->cpu.total - a->cpu.total;

		json_object_object_add(o, "cpu_user_pct", cpu_pct(a->cpu.user, b->cpu.user, ticks));
		json_object_object_add(o, "cpu_sys_pct", cpu_pct(a->cpu.sys, b->cpu.sys, ticks));
	} else {
		json_object_object_add(o, "cpu_user_pct", NULL);
		json_object_object_add(o, "cpu_sys_pct", NULL);
	}
	if (a->vm_ok && b->vm_ok) {
		vm = json_object_new_object();
		for (unsigned int i = 0; i < tl->nvm; i++)
			json_object_object_add(vm, tl->vm_names[i], jdelta(a->vm[i], b->vm[i]));
	}
	json_object_object_add(o, "vmstat", vm);
}

/*
 * The jobs of a sample: those of every round it overlaps, keyed by name
 * (with "#index" should two jobs of one sample share a name).
 */
static json_object *sample_jobs(const struct run_ctx *run, const struct tl_mark *a,
				const struct tl_mark *b)
{
	json_object *o = json_object_new_object();
	unsigned int lo = a->round_end ? a->j1 : a->j0;
	struct tl_job sa, sb;

	for (unsigned int j = lo; j < b->j1; j++) {
		const struct job *job = &run->jobs[j];
		char key[CFG_NAME_LEN + 16];

		if (!job->cfg)
			continue;
		job_at(run, a, j, &sa);
		job_at(run, b, j, &sb);
		snprintf(key, sizeof(key), "%s", job->cfg->name);
		if (json_object_object_get_ex(o, key, NULL))
			snprintf(key, sizeof(key), "%s#%u", job->cfg->name, j);
		json_object_object_add(o, key, job_sample_json(job, &sa, &sb));
	}
	return o;
}

json_object *timeline_json(const struct run_ctx *run)
{
	const struct timeline *tl = &run->tl;
	json_object *o = json_object_new_object(), *samples = json_object_new_array();

	json_object_object_add(o, "interval_s", jfixed(tl->interval_s, 3));
	json_object_object_add(o, "merged", json_object_new_int((int)tl->merged));
	for (unsigned int i = 0; i + 1 < tl->nmarks; i++) {
		const struct tl_mark *a = &tl->marks[i], *b = &tl->marks[i + 1];
		json_object *s = json_object_new_object();

		json_object_object_add(s, "t0", jfixed(a->t, 3));
		json_object_object_add(s, "t1", jfixed(b->t, 3));
		sample_machine(tl, a, b, s);
		json_object_object_add(s, "jobs", sample_jobs(run, a, b));
		json_object_array_add(samples, s);
	}
	json_object_object_add(o, "samples", samples);
	return o;
}
