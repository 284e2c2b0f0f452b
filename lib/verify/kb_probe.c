// SPDX-License-Identifier: GPL-2.0
/* Running known-bug probes, bounded, and their per-boot cache (see kb_probe.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/child.h"
#include "run/clock.h"
#include "verify/kb_probe.h"
#include "kernel/tunable.h"

#define KB_TERM_GRACE_MS	10000
#define KB_CACHE_MAGIC		"pinstress-probes 1"

int kb_probe_dir(char *buf, size_t len)
{
	const char *env = getenv("PINSTRESS_PROBES");
	char exe[4096];
	ssize_t n;

	if (env && *env)
		return snprintf(buf, len, "%s", env) < (int)len ? 0 : -ENAMETOOLONG;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -errno;
	exe[n] = '\0';
	return snprintf(buf, len, "%s/probes", dirname(exe)) < (int)len ? 0 : -ENAMETOOLONG;
}

static enum kb_state state_of(int code)
{
	switch (code) {
	case 0:
		return KB_ABSENT;
	case 1:
		return KB_PRESENT;
	case 77:
		return KB_NA;
	default:
		return KB_ERROR;
	}
}

static void exec_probe(const char *path, const struct known_bug *kb, const char *scratch,
		       int out_fd, int err_fd)
{
	char *argv[4] = { (char *)path, NULL, NULL, NULL };
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), n = 1;
	sigset_t none;

	if (kb->arg)
		argv[n++] = (char *)kb->arg;
	if (kb->needs_scratch)
		argv[n++] = (char *)scratch;
	dup2(null, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	dup2(err_fd >= 0 ? err_fd : null, STDERR_FILENO);
	/* The probe must not inherit the run's signal mask or dispositions. */
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv(path, argv);
	_exit(126);
}

/* Read the probe's stdout into @buf until EOF or @deadline (clock_ms). */
static void read_line(int fd, char *buf, size_t len, uint64_t deadline)
{
	size_t got = 0;

	while (clock_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		if (got + 1 >= len) {
			char sink[256];

			n = read(fd, sink, sizeof(sink));
		} else {
			n = read(fd, buf + got, len - 1 - got);
			if (n > 0)
				got += (size_t)n;
		}
		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	buf[got] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

int kb_probe_run(const struct known_bug *kb, const char *dir, const char *scratch, int err_fd,
		 struct kb_result *r)
{
	uint64_t t0 = clock_ns(), deadline = clock_ms() + KB_PROBE_TIMEOUT_S * 1000ull;
	char path[4096];
	int out[2], code;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (snprintf(path, sizeof(path), "%s/%s", dir, kb->program) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (access(path, X_OK)) {
		r->state = KB_ERROR;
		r->exit_code = -errno;
		snprintf(r->evidence, sizeof(r->evidence), "probe program %.400s not found (%s)",
			 path, strerror(errno));
		return 0;
	}
	if (pipe2(out, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(out[0]);
		close(out[1]);
		return -errno;
	}
	if (!pid)
		exec_probe(path, kb, scratch, out[1], err_fd);
	close(out[1]);
	read_line(out[0], r->evidence, sizeof(r->evidence), deadline);
	close(out[0]);
	/* Past its own bound: SIGTERM lets it restore what it changed. */
	code = child_wait_term(pid, deadline > clock_ms() ? deadline - clock_ms() : 1,
			       KB_TERM_GRACE_MS);
	if (code == -ETIMEDOUT)
		snprintf(r->evidence, sizeof(r->evidence), "probe did not finish within %d s",
			 KB_PROBE_TIMEOUT_S);
	r->exit_code = code;
	r->state = code < 0 ? KB_ERROR : state_of(code);
	r->seconds = (double)(clock_ns() - t0) / 1e9;
	if (!r->evidence[0])
		snprintf(r->evidence, sizeof(r->evidence), "no output (exit %d)", code);
	return 0;
}

/* "boot_id release version": what a cached verdict is valid for. */
static int cache_key(char *buf, size_t len)
{
	char boot[64];
	struct utsname u;
	int ret = tunable_read("/proc/sys/kernel/random/boot_id", boot, sizeof(boot));

	if (ret)
		return ret;
	if (uname(&u))
		return -errno;
	snprintf(buf, len, "key %s %s %s", boot, u.release, u.version);
	return 0;
}

int kb_cache_load(struct kb_result *r)
{
	char key[512], line[1024];
	FILE *f;
	int ret = cache_key(key, sizeof(key));

	if (ret)
		return ret;
	f = fopen(KB_CACHE_FILE, "re");
	if (!f)
		return -errno;
	ret = -ESTALE;
	if (!fgets(line, sizeof(line), f) || strncmp(line, KB_CACHE_MAGIC, strlen(KB_CACHE_MAGIC)))
		goto out;
	if (!fgets(line, sizeof(line), f))
		goto out;
	line[strcspn(line, "\n")] = '\0';
	if (strcmp(line, key))
		goto out;
	while (fgets(line, sizeof(line), f)) {
		char name[64], ev[512];
		int state, code;
		double s;
		const struct known_bug *kb;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%63[^\t]\t%d\t%d\t%lf\t%511[^\n]", name, &state, &code, &s, ev) != 5)
			continue;
		kb = kb_find(name);
		if (!kb || state <= KB_UNKNOWN || state >= KB_NR)
			continue;
		r[kb - known_bugs] = (struct kb_result){ .state = state, .exit_code = code,
							 .seconds = s, .cached = true };
		snprintf(r[kb - known_bugs].evidence, sizeof(r->evidence), "%s", ev);
	}
	ret = 0;
out:
	fclose(f);
	return ret;
}

/* The cache directory: ours (root, 0700), never a link someone planted. */
static int cache_dir(void)
{
	struct stat st;

	if (mkdir(KB_CACHE_DIR, 0700) && errno != EEXIST)
		return -errno;
	if (lstat(KB_CACHE_DIR, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
		return -EPERM;
	return 0;
}

int kb_cache_store(const struct kb_result *r)
{
	char key[512], tmp[] = KB_CACHE_FILE ".XXXXXX";
	FILE *f;
	int fd, ret = cache_key(key, sizeof(key));

	if (!ret)
		ret = cache_dir();
	if (ret)
		return ret;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		unlink(tmp);
		return ret;
	}
	fprintf(f, "%s\n%s\n", KB_CACHE_MAGIC, key);
	for (unsigned int i = 0; i < known_bugs_nr; i++) {
		/* An error or a timeout is worth running again next time. */
		if (r[i].state == KB_UNKNOWN || r[i].state == KB_ERROR)
			continue;
		fprintf(f, "%s\t%d\t%d\t%.3f\t%s\n", known_bugs[i].name, r[i].state, r[i].exit_code,
			r[i].seconds, r[i].evidence);
	}
	ret = fflush(f) || fsync(fd) ? -errno : 0;
	fclose(f);
	if (!ret && rename(tmp, KB_CACHE_FILE))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}
