// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the restore journal: a change made by a process that is
 * then killed is undone by the next start, and only then; a live owner's
 * changes are left alone unless named; marks and forgetting keep what a
 * run's preparation did; words with spaces survive the round trip.  The
 * "tunables" are temporary files, the journal a temporary directory.
 */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/journal.h"
#include "kernel/tunable.h"

#include "unit.h"

static char dir[] = "/tmp/pinstress-unit-journal.XXXXXX";

static void make_file(char *path, const char *val)
{
	FILE *f;

	strcpy(path, "/tmp/pinstress unit tunable.XXXXXX");	/* a space on purpose */
	close(mkstemp(path));
	f = fopen(path, "w");
	fputs(val, f);
	fclose(f);
}

static const char *value(const char *path)
{
	static char buf[64];

	return tunable_read(path, buf, sizeof(buf)) ? "?" : buf;
}

static bool journal_exists(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/journal", dir);
	return access(path, F_OK) == 0;
}

/*
 * A child changes @path and dies by SIGKILL before it can restore.  With
 * @reap false it stays a zombie, which must count as gone too.
 */
static pid_t killed_child_sets(const char *path, const char *val, bool reap)
{
	siginfo_t si;
	pid_t pid = fork();

	if (pid == 0) {
		tunable_set(path, val);
		raise(SIGKILL);
	}
	waitid(P_PID, (id_t)pid, &si, WEXITED | (reap ? 0 : WNOWAIT));
	return pid;
}

static void test_killed_run(void)
{
	char path[64];
	unsigned int undo_failed;
	int n;

	make_file(path, "madvise");
	killed_child_sets(path, "never", true);
	CHECK(!strcmp(value(path), "never") && journal_exists(),
	      "a killed run left its change and its journal line");
	n = journal_recover(0, stdout, &undo_failed);
	CHECK(n == 1 && !undo_failed, "the next start undid it (%d, %u failed)", n, undo_failed);
	CHECK(!strcmp(value(path), "madvise"), "value back: %s", value(path));
	CHECK(!journal_exists(), "journal empty, removed");
	n = journal_recover(0, stdout, &undo_failed);
	CHECK(n == 0, "nothing twice (%d)", n);
	unlink(path);
}

static void test_zombie_owner(void)
{
	char path[64];
	unsigned int undo_failed;
	pid_t pid;
	int n;

	make_file(path, "1");
	pid = killed_child_sets(path, "2", false);
	n = journal_recover(0, stdout, &undo_failed);
	CHECK(n == 1 && !strcmp(value(path), "1"), "a killed owner not yet reaped is gone (%d)", n);
	waitpid(pid, NULL, 0);
	unlink(path);
}

static void test_live_owner(void)
{
	char path[64];
	unsigned int undo_failed;
	int n;

	make_file(path, "1");
	CHECK(!tunable_set(path, "2"), "set by a live process");
	n = journal_recover(0, stdout, &undo_failed);
	CHECK(n == 0 && !strcmp(value(path), "2"), "a live owner's change is left alone");
	/* `pinstress prepare`: forget, leave it in the journal for the owner. */
	tunable_forget_all();
	CHECK(tunable_saved_count() == 0 && journal_exists(), "forgotten, still journaled");
	n = journal_recover(getpid(), stdout, &undo_failed);
	CHECK(n == 1 && !strcmp(value(path), "1"), "restore --owner undid it (%d)", n);
	unlink(path);
}

static void test_mark(void)
{
	char a[64], b[64];
	unsigned int mark;

	make_file(a, "x");
	make_file(b, "y");
	CHECK(!tunable_set(a, "X"), "prepared");
	mark = tunable_saved_count();
	CHECK(!tunable_set(b, "Y"), "a round's change");
	CHECK(!tunable_restore_to(mark), "round restored");
	CHECK(!strcmp(value(b), "y") && !strcmp(value(a), "X"),
	      "the round's change undone, the preparation kept");
	CHECK(!tunable_restore_all() && !strcmp(value(a), "x"), "the end undoes the rest");
	CHECK(!journal_exists() || journal_recover(0, stdout, &(unsigned int){ 0 }) == 0,
	      "nothing left to recover");
	unlink(a);
	unlink(b);
}

static void test_bad_dir(void)
{
	char link[300], path[64];

	/* The journal directory must be ours: a planted symlink is refused, nothing changed. */
	snprintf(link, sizeof(link), "%s-link", dir);
	symlink("/tmp", link);
	setenv("PINSTRESS_RUN_DIR", link, 1);
	make_file(path, "keep");
	CHECK(tunable_set(path, "changed") < 0 && !strcmp(value(path), "keep"),
	      "unjournalable change not made");
	setenv("PINSTRESS_RUN_DIR", dir, 1);
	unlink(link);
	unlink(path);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	setenv("PINSTRESS_RUN_DIR", dir, 1);
	test_killed_run();
	test_zombie_owner();
	test_live_owner();
	test_mark();
	test_bad_dir();
	journal_recover(0, stdout, &(unsigned int){ 0 });
	rmdir(dir);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
