// SPDX-License-Identifier: GPL-2.0
/*
 * `pinstress run`: parse, plan, canary, set up every job, run them for the
 * duration while the main thread watches signals, the kernel log and the
 * clock, then stop, join, judge and report.  Only this file turns results
 * into an exit code.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "backings/backing.h"
#include "faults/fault.h"
#include "failure.h"
#include "kernel/ftrace.h"
#include "kernel/prepare.h"
#include "job_setup.h"
#include "run/options.h"
#include "plan.h"
#include "verify/known_bugs.h"
#include "verify/plant.h"
#include "run.h"
#include "run/runlock.h"
#include "run/safefile.h"
#include "run/scratch.h"
#include "kernel/tunable.h"
#include "workload.h"

#define MONITOR_TICK_MS		200
#define PROGRESS_EVERY_S	10.0
#define JSON_EVERY_S		60.0	/* the --json file is rewritten while the run goes */

static uint64_t fresh_seed(void)
{
	uint64_t s;

	if (getrandom(&s, sizeof(s), 0) != sizeof(s))
		s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	return s & 0xffffffffffffULL;	/* short enough to type back in */
}

static void plant_now(struct run_ctx *run)
{
	struct job *j = &run->jobs[0];
	struct stamp_id want;
	struct rng r;

	rng_seed(&r, run->rc->seed ^ 0x91a47ULL);
	for (int tries = 0; tries < 100000; tries++) {
		size_t b = rng_below(&r, j->reg.nblocks);

		if (!oracle_claim(&j->oracle, b, BLK_BUSY))
			continue;
		oracle_expect(&j->oracle, b, &want);
		/*
		 * Not a block that carries a known bug's evidence (unpinned
		 * clean after its last READ_FIXED): planted damage must be
		 * corruption, and the test says so.
		 */
		if (j->unpin_note && UNPIN_NOTE_GEN(atomic_load(&j->unpin_note[b])) == want.gen) {
			oracle_release(&j->oracle, b, false);
			continue;
		}
		plant_damage(region_block(&j->reg, b), j->reg.block_size, j->seed, &want,
			     (enum vclass)run->plant.cls, SIDE_PARENT, &r);
		evring_block(&j->evr, EVK_PLANT, b, 0, (uint64_t)run->plant.cls);
		pthread_mutex_lock(&run->lock);
		run->plant.block = b;
		run->plant.at_s = run_elapsed(&run->st);
		run->plant.done = true;
		pthread_mutex_unlock(&run->lock);
		/* The oracle still expects the old stamp: a writer's release, content changed. */
		oracle_release(&j->oracle, b, true);
		fprintf(stderr, "pinstress: planted %s damage in job %s block %zu at %.3fs\n",
			vclass_name((enum vclass)run->plant.cls), j->cfg->name, b, run->plant.at_s);
		return;
	}
}

/*
 * --plant kernel-warning: a kernel WARNING record, as /dev/kmsg gives it,
 * fed to the log watch, which must make the run a kernel error.
 */
static void plant_kernel_warning(struct run_ctx *run, double now)
{
	static const char rec[] = "4,999999,1,-;WARNING: CPU: 0 PID: 1 at mm/gup.c:1 "
				  "try_grab_folio+0x1/0x2 (a sample planted by pinstress --plant "
				  "kernel-warning)\n";

	run->plant.at_s = now;
	run->plant.done = true;
	fprintf(stderr, "pinstress: planted a kernel WARNING record at %.3fs\n", now);
	if (run->klog_ok && klog_feed(&run->klog, rec, sizeof(rec) - 1) > 0)
		fprintf(stderr, "pinstress: kernel log: %s\n",
			run->klog.lines[run->klog.nlines - 1].msg);
}

/* Name the jobs running when each new bad kernel line came: who to look at first. */
static void klog_attribute(struct run_ctx *run)
{
	for (; run->klog_seen < run->klog.nlines; run->klog_seen++) {
		char *s = run->klog_jobs[run->klog_seen];
		size_t n = 0;

		s[0] = 0;
		for (unsigned int i = run->round_j0; i < run->njobs; i++)
			if (run->jobs[i].cfg && n < sizeof(run->klog_jobs[0]))
				n += (size_t)snprintf(s + n, sizeof(run->klog_jobs[0]) - n, "%s%s",
						      n ? "," : "", run->jobs[i].cfg->name);
	}
}

/*
 * A SIGINT/SIGTERM/SIGHUP within @wait stops the run: true.  Also polled
 * (zero @wait) between the jobs of a setup, so a signal during a 1 GiB
 * fill or KSM merging is seen there, not only once the round runs.
 */
static bool signalled(struct run_ctx *run, const sigset_t *sigs, const struct timespec *wait,
		      const char *when)
{
	siginfo_t si;

	if (sigtimedwait(sigs, &si, wait) <= 0)
		return false;
	run->signal = si.si_signo;
	run->signal_ns = clock_ns();
	/* After a progress line a TTY shows without its newline. */
	fprintf(stderr, "\npinstress: %s%s, stopping\n", strsignal(si.si_signo), when);
	run_stop(&run->st);
	return true;
}

static void monitor(struct run_ctx *run, const sigset_t *sigs)
{
	bool tty = isatty(STDERR_FILENO);
	double next_progress = run->round_t0 + (tty ? 1.0 : PROGRESS_EVERY_S);
	double next_log = run->round_t0 + PROGRESS_EVERY_S;
	double plant_at = run->duration_s / 3 < 1.0 ? run->duration_s / 3 : 1.0;
	struct timespec tick = { 0, MONITOR_TICK_MS * 1000000L };

	while (!run_stopping(&run->st)) {
		double now;

		if (signalled(run, sigs, &tick, ""))
			break;
		now = run_elapsed(&run->st);
		if (now - run->round_t0 >= run->duration_s)
			break;
		if (run->plant.cls >= 0 && !run->plant.done && now >= plant_at)
			plant_now(run);
		if (run->plant.kwarn && !run->plant.done && now >= plant_at)
			plant_kernel_warning(run, now);
		if (run->plant.hang && !run->plant.done && now >= plant_at) {
			fprintf(stderr, "pinstress: planted a hang in job %s worker 0 at %.3fs\n",
				run->jobs[0].cfg->name, now);
			run->plant.at_s = now;
			run->plant.done = true;
			atomic_store(&run->plant.hang_now, true);
		}
		watchdog_check(run, run->round_j0, run->njobs);
		if (run->klog_ok && klog_poll(&run->klog) > 0)
			fprintf(stderr, "pinstress: kernel log: %s\n",
				run->klog.lines[run->klog.nlines - 1].msg);
		klog_attribute(run);
		timeline_tick(run, now);
		if (now >= next_progress) {
			report_progress(run, stderr, tty);
			next_progress += tty ? 1.0 : PROGRESS_EVERY_S;
		}
		if (run->logf && now >= next_log) {
			report_progress(run, run->logf, false);
			next_log += PROGRESS_EVERY_S;
		}
		if (run->rc->json[0] && now >= run->next_json_s) {
			report_write_json(run, run->rc->json, EXIT_RUNNING);
			run->next_json_s = now + JSON_EVERY_S;
		}
	}
	if (tty)
		fputc('\n', stderr);
}

static void job_banner(const struct job *j)
{
	fprintf(stderr, "pinstress: job %s: %s on %s, %zu blocks of %zu at %p, faults:",
		j->cfg->name, j->wl->name, j->backing->name, j->reg.nblocks, j->reg.block_size,
		(void *)j->reg.base);
	for (unsigned int k = 0; k < j->nfaults; k++)
		fprintf(stderr, " %s", j->faults[k].ops->name);
	fprintf(stderr, "%s (THP %llu bytes)\n", j->nfaults ? "" : " none",
		(unsigned long long)evidence_value(&j->ev, "thp_bytes_start"));
}

/*
 * Set up jobs [first, last) of the plan.  Jobs that cannot run here are
 * refused (invalid run) or, with --allow-missing, skipped and reported.
 */
static int setup_round(struct run_ctx *run, const sigset_t *sigs, unsigned int first,
		       unsigned int last)
{
	struct run_config *rc = run->rc;
	char why[512];

	for (unsigned int i = first; i < last; i++) {
		struct timespec zero = { 0, 0 };

		if (signalled(run, sigs, &zero, " during setup"))
			return -EINTR;
		struct job *j = &run->jobs[run->njobs];
		int ret = plan_job(run, j, &rc->jobs[i], why, sizeof(why));

		if (ret == PLAN_NOT_RUN) {
			memset(j, 0, sizeof(*j));
			continue;
		}
		if (ret == -ENOTSUP && rc->allow_missing) {
			fprintf(stderr, "pinstress: %s (skipped: --allow-missing)\n", why);
			run_warn(run, "%s", why);
			memset(j, 0, sizeof(*j));
			run->jobs_skipped++;
			continue;
		}
		if (ret) {
			/* Refused at planning: nothing was set up, no job to report. */
			memset(j, 0, sizeof(*j));
			fprintf(stderr, "pinstress: %s\n", why);
			run_invalid(run, "%s", why);
			return ret;
		}
		ret = job_setup(run, j, run->njobs, &rc->jobs[i], why, sizeof(why));
		run->njobs++;
		if (ret) {
			fprintf(stderr, "pinstress: %s\n", why);
			run_invalid(run, "%s", why);
			return ret;
		}
		job_banner(j);
	}
	return 0;
}

/* Did every workload, backing and fault of @j leave evidence that it acted? */
static void check_proof(struct job *j)
{
	char miss[EV_NAME_LEN];
	size_t n = 0;

	j->unproven[0] = 0;
	if (!evidence_proven(&j->ev, j->backing->proof, miss, sizeof(miss)))
		n += (size_t)snprintf(j->unproven + n, sizeof(j->unproven) - n,
				      "backing %s: %s = 0", j->backing->name, miss);
	if (n < sizeof(j->unproven) && !evidence_proven(&j->ev, j->wl->proof, miss, sizeof(miss)))
		n += (size_t)snprintf(j->unproven + n, sizeof(j->unproven) - n,
				      "%sworkload %s: %s = 0", n ? ", " : "", j->wl->name, miss);
	for (unsigned int i = 0; i < j->nfaults && n < sizeof(j->unproven); i++) {
		const struct fault_ops *f = j->faults[i].ops;

		if (!atomic_load(&j->faults[i].count))
			n += (size_t)snprintf(j->unproven + n, sizeof(j->unproven) - n,
					      "%sfault %s: no injection", n ? ", " : "", f->name);
		else if (!evidence_proven(&j->ev, f->proof, miss, sizeof(miss)))
			n += (size_t)snprintf(j->unproven + n, sizeof(j->unproven) - n,
					      "%sfault %s: %s = 0", n ? ", " : "", f->name, miss);
	}
}

/* Evidence the run itself was sound; problems make it invalid, not clean. */
static void check_job(struct run_ctx *run, struct job *j)
{
	for (unsigned int w = 0; w < j->nworkers; w++)
		if (j->workers[w].err)
			run_invalid(run, "job %s: %s", j->cfg->name, j->workers[w].errmsg);
	for (unsigned int i = 0; i < j->nfaults; i++)
		if (j->faults[i].err)
			run_invalid(run, "job %s: %s", j->cfg->name, j->faults[i].errmsg);
	if (j->st.io_errors)
		run_invalid(run, "job %s: %llu failed or short reads", j->cfg->name,
			    (unsigned long long)j->st.io_errors);
	if (evidence_value(&j->ev, "children_failed"))
		run_invalid(run, "job %s: %llu fork children did not finish (worst status %llu: "
			    "exit code, 128 + signal, 1000 + errno of the wait)", j->cfg->name,
			    (unsigned long long)evidence_value(&j->ev, "children_failed"),
			    (unsigned long long)evidence_value(&j->ev, "child_failed_status"));
	/* A run cut short by a corruption or a signal proves nothing either way. */
	if (atomic_load(&run->st.aborted))
		return;
	check_proof(j);
	if (j->unproven[0] && !run->rc->allow_no_evidence)
		run_invalid(run, "job %s: no confirmed effect: %s", j->cfg->name, j->unproven);
}

/* One round: set up, run for the duration, stop, join, check, tear down. */
static void run_round(struct run_ctx *run, const sigset_t *sigs, unsigned int first,
		      unsigned int last)
{
	unsigned int j0 = run->njobs;

	run->round_j0 = j0;
	if (!setup_round(run, sigs, first, last)) {
		struct timespec t;

		clock_gettime(CLOCK_MONOTONIC, &t);
		if (first == 0)
			run->st.t0 = t;
		run->round_t0 = run_elapsed(&run->st);
		run->next_json_s = run->round_t0 + JSON_EVERY_S;
		timeline_round_start(run);
		for (unsigned int i = j0; i < run->njobs; i++)
			if (job_start(&run->jobs[i]))
				run_invalid(run, "job %s: cannot start threads", run->jobs[i].cfg->name);
		monitor(run, sigs);
	}
	atomic_store(&run->st.stop, true);
	join_round(run, sigs, j0, run->njobs);
	for (unsigned int i = j0; i < run->njobs; i++) {
		run->jobs[i].active_s = run_elapsed(&run->st) - run->round_t0;
		if (run->jobs[i].cfg && !run->jobs[i].stuck)
			check_job(run, &run->jobs[i]);
	}
	for (unsigned int i = j0; i < run->njobs; i++)
		if (run->jobs[i].cfg && !run->jobs[i].stuck)
			job_teardown(&run->jobs[i]);
	timeline_round_end(run);
	/* What --prepare did stays for the next round. */
	if (tunable_restore_to(run->prepared))
		run_invalid(run, "could not restore every kernel tunable this run changed");
	if (!atomic_load(&run->st.aborted))
		atomic_store(&run->st.stop, false);
}

/* A thread stuck in the kernel (not on one of our locks) is the kernel's error. */
static bool kernel_hung(const struct run_ctx *run)
{
	for (unsigned int i = 0; i < run->nhung && i < RUN_MAX_HUNG; i++)
		if (!run->hung[i].lock_wait)
			return true;
	return false;
}

static int verdict(struct run_ctx *run)
{
	if (run->nerrs_total)
		return EXIT_CORRUPTION;
	if (run->klog_ok && (run->klog.nbad || klog_new_taint(&run->klog)))
		return EXIT_KERNEL_ERROR;
	if (kernel_hung(run))
		return EXIT_KERNEL_ERROR;
	if (run->invalid[0])
		return EXIT_INVALID;
	if (run->rc->plant[0])
		return EXIT_INVALID;	/* planted damage went unseen */
	if (!run->njobs)
		return EXIT_SKIP;
	return EXIT_CLEAN;
}

static void run_canary(struct run_ctx *run)
{
	canary_run_all(run->rc->scratch, run->rc->seed, false, &run->canary);
	fprintf(stderr, "pinstress: canary: %u passed, %u failed; kernel canary: %s\n",
		run->canary.passed, run->canary.failed, run->canary.kernel);
	if (!run->canary.detected)
		run_invalid(run, "canary not detected: the verifier cannot be trusted");
}

static int parse(struct run_ctx *run, int argc, char **argv)
{
	struct run_config *rc = run->rc;
	char err[512];
	int ret = cfg_init(rc, CFG_CMD_RUN);

	if (!ret)
		ret = cfg_parse_cli(rc, argc, argv, err, sizeof(err));
	if (ret == CFG_HELP) {
		printf("usage: pinstress run [-c PROFILE] [options]\n\n");
		cfg_usage(stdout, CFG_CMD_RUN);
		return 0;
	}
	if (!ret)
		ret = plan_check_names(rc, err, sizeof(err));
	if (!ret)
		ret = plan_expand(run, err, sizeof(err));
	if (!ret && plan_rounds(rc)) {
		snprintf(err, sizeof(err), "out of memory planning %u jobs", rc->njobs);
		ret = -ENOMEM;
	}
	if (!ret && !rc->scratch[0]) {
		const char *env = getenv("PINSTRESS_SCRATCH");

		snprintf(rc->scratch, sizeof(rc->scratch), "%s", env ? env : SCRATCH_DEFAULT_DIR);
	}
	if (!ret && plan_needs_scratch(rc))
		ret = scratch_check_dir(rc->scratch, err, sizeof(err));
	/* Where the report and the log go: checked before the machine is touched. */
	if (!ret && rc->json[0])
		ret = safefile_check_output(rc->json, err, sizeof(err));
	if (!ret && rc->log[0])
		ret = safefile_check_output(rc->log, err, sizeof(err));
	if (!ret)
		ret = plan_check(run, !rc->prepare, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "pinstress: %s\n", err);
		return EXIT_INVALID;
	}
	if (!rc->seed_set)
		rc->seed = fresh_seed();
	if (rc->check) {
		plan_print(rc, stdout);
		printf("not run here: %u combinations (not applicable or unavailable)\n",
		       run->not_run_total);
		printf("check: the run can start%s; nothing was changed\n",
		       rc->prepare ? " (what depends on --prepare is checked after it)" : "");
		return EXIT_CLEAN;
	}
	return -1;
}

/* --prepare: swap, THP, hugetlbfs for the whole run (undone after the last round). */
static int prepare(struct run_ctx *run)
{
	uint64_t hugepages;
	char why[512] = "";
	int ret = machine_hugepages(&hugepages);

	if (!ret)
		ret = prepare_machine(hugepages, stderr, why, sizeof(why));
	if (ret)
		fprintf(stderr, "pinstress: --prepare: %s\n", why[0] ? why : strerror(-ret));
	/* Now what the plan needs of the machine: swap, THP, memory. */
	if (!ret && (ret = plan_check(run, true, why, sizeof(why))))
		fprintf(stderr, "pinstress: %s\n", why);
	if (ret) {
		tunable_restore_all();
		return ret;
	}
	run->prepared = tunable_saved_count();
	return 0;
}

static void finish(struct run_ctx *run, int code)
{
	char xf[64] = "";

	/* With --tap, stdout is the TAP stream and the table goes with the messages. */
	report_summary(run, run->rc->tap ? stderr : stdout);
	if (run->rc->tap)
		report_tap(run, stdout);
	if (run->rc->json[0] && report_write_json(run, run->rc->json, code))
		fprintf(stderr, "pinstress: cannot write report %s\n", run->rc->json);
	if (run->nxfail_total)
		snprintf(xf, sizeof(xf), " with %llu expected failures",
			 (unsigned long long)run->nxfail_total);
	fprintf(stderr, "pinstress: result %s%s (exit %d), seed %llu\n", result_name(code), xf,
		code, (unsigned long long)run->rc->seed);
	run_log(run, "result %s%s (exit %d), seed %llu", result_name(code), xf, code,
		(unsigned long long)run->rc->seed);
}

int cmd_run(int argc, char **argv)
{
	static struct run_ctx run;
	struct run_config *rc = calloc(1, sizeof(*rc));
	unsigned int rounds;
	sigset_t sigs;
	int code, ret, lock_fd = -1;

	if (!rc)
		return EXIT_INVALID;
	run_state_init(&run.st, &run_hooks_driver);
	run.rc = rc;
	run.argc = argc;
	run.argv = argv;
	if (!getcwd(run.cwd, sizeof(run.cwd)))
		snprintf(run.cwd, sizeof(run.cwd), ".");
	code = parse(&run, argc, argv);
	if (code >= 0)
		goto out_free;
	if (machine_take(&lock_fd)) {
		code = EXIT_INVALID;
		goto out_free;
	}
	/*
	 * Signals go to the monitor only, never to a worker mid-I/O or a fork
	 * child: blocked here, before any thread starts.
	 */
	machine_stop_signals(&sigs);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	if (rc->prepare && prepare(&run)) {
		code = EXIT_INVALID;
		goto out_unlock;
	}
	if (rc->log[0]) {
		/* Appended, never through a symlink, mode 0600 when made. */
		ret = safefile_append(rc->log);
		run.logf = ret >= 0 ? fdopen(ret, "a") : NULL;
		if (!run.logf) {
			fprintf(stderr, "pinstress: --log %s: %s\n", rc->log,
				ret == -EINVAL ? "not a regular file" : strerror(ret < 0 ? -ret : errno));
			code = EXIT_INVALID;
			goto out_unlock;
		}
	}
	if (run.logf)
		setvbuf(run.logf, NULL, _IOLBF, 0);
	ret = ftrace_open(rc->ftrace_mark, rc->ftrace_stop);
	if (ret) {
		fprintf(stderr, "pinstress: --ftrace-mark/--ftrace-stop: cannot use tracefs at %s: %s\n",
			ftrace_dir(), strerror(-ret));
		code = EXIT_INVALID;
		goto out_unlock;
	}
	run.duration_s = rc->duration_ms / 1000.0;
	env_read(&run.env);
	if (topology_read(&run.topo))
		run.topo.ncpus = 0;	/* affinity = spread then pins nothing */
	run.plant.hang = !strcmp(rc->plant, "hang");
	run.plant.kwarn = !strcmp(rc->plant, "kernel-warning");
	run.plant.cls = rc->plant[0] && !run.plant.hang && !run.plant.kwarn ?
			vclass_from_name(rc->plant) : -1;
	run.plant.detected_s = -1;
	pthread_mutex_init(&run.lock, NULL);
	if (timeline_init(&run.tl, rc))
		run_warn(&run, "no memory for the timeline: the report has no samples");

	fprintf(stderr, "pinstress: seed %llu, profile %s, duration %.0fs\n",
		(unsigned long long)rc->seed, rc->profile[0] ? rc->profile : "(none)", run.duration_s);
	{
		char cmd[2048];

		replay_command(&run, cmd, sizeof(cmd));
		run_log(&run, "start: %s", cmd);
	}
	/* Before the log watch starts: what a probe makes the kernel say is the probe's. */
	run_probe_known_bugs(&run);
	clock_gettime(CLOCK_MONOTONIC, &run.st.t0);	/* the probes' time is not the run's */
	run.klog_ok = klog_open(&run.klog) == 0;
	if (run.klog_ok)
		klog_mark(&run.klog, "pinstress: start seed=%llu profile=%s",
			  (unsigned long long)rc->seed, rc->profile);
	if (!rc->no_canary)
		run_canary(&run);
	run.jobs = calloc(rc->njobs ? rc->njobs : 1, sizeof(*run.jobs));
	if (!run.jobs)
		run_invalid(&run, "out of memory for %u jobs", rc->njobs);
	/* A detector that cannot see, or no memory for jobs: run nothing. */
	if (run.invalid[0])
		atomic_store(&run.st.aborted, true);
	rounds = plan_nrounds(rc);
	if (rounds > 1)
		fprintf(stderr, "pinstress: %u jobs in %u rounds of up to %u, %.0fs each\n",
			rc->njobs, rounds, plan_most_per_round(rc), run.duration_s);
	/* An invalid job does not end the run: the rest of the plan still says what it can. */
	for (unsigned int first = 0, last; first < rc->njobs && !atomic_load(&run.st.aborted);
	     first = last) {
		for (last = first; last < rc->njobs && rc->jobs[last].round == rc->jobs[first].round;)
			last++;
		/* The --json file holds a whole, current report from the start on. */
		if (rc->json[0])
			report_write_json(&run, rc->json, EXIT_RUNNING);
		run_round(&run, &sigs, first, last);
	}
	run_stop(&run.st);
	run.duration_s = run_elapsed(&run.st);
	if (run.klog_ok)
		klog_close(&run.klog);
	code = verdict(&run);
	if (run.plant.cls >= 0 && run.plant.detected_s >= 0 && code == EXIT_CORRUPTION)
		fprintf(stderr, "pinstress: planted damage detected %.3fs after planting\n",
			run.plant.detected_s - run.plant.at_s);
	finish(&run, code);
	if (ftrace_mounted_by_us())
		fprintf(stderr, "pinstress: tracefs was mounted for this run and is unmounted again; "
			"to read the trace: mount -t tracefs nodev %s\n", ftrace_dir());
	ftrace_close();
	if (tunable_restore_all())
		fprintf(stderr, "pinstress: could not undo everything --prepare did (see above)\n");
	if (run.nstuck) {
		/*
		 * A thread that never came back still uses its job, its
		 * config and the run: free nothing, end the process (that
		 * ends the thread too).  Everything was restored and reported.
		 */
		fflush(NULL);
		_exit(code);
	}
	free(run.jobs);
	timeline_free(&run.tl);
	for (unsigned int i = 0; i < run.nnot_run; i++)
		free(run.not_run[i]);
	free(run.not_run);
out_unlock:
	if (run.logf)
		fclose(run.logf);
	tunable_restore_all();	/* what --prepare did, when the run ended early */
	runlock_drop(lock_fd);
out_free:
	free(rc);
	return code;
}
