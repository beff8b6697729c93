/* SPDX-License-Identifier: ISC */
/*
 * port/posix_proc.c - the POSIX backend of port/port.h, processes: running
 * a hook (au_spawn) and checking that it can run (au_executable).  Part of
 * the same backend as port/posix.c; port/fault.c includes both.
 */
#include "port/port.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "port/ban.h"

extern char **environ;

/*
 * ---- spawning a hook ----
 *
 * The client may run threads (libunbound's, the download pipeline's), and
 * after fork() only async-signal-safe calls are allowed in the child
 * (POSIX.1-2017 fork(), "Application Usage"): no malloc, no putenv, no
 * getenv, no execvp (which searches PATH and may allocate).  So the PATH
 * lookup, the environment and the argument vectors are all built in the
 * parent, and the child only calls setpgid, open, dup2, close, execve and
 * _exit, each async-signal-safe.
 */

static int
exec_ok(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return errno;
	if (!S_ISREG(sb.st_mode))
		return ENOEXEC;
	return access(path, X_OK) == 0 ? 0 : errno;
}

/*
 * name as execvp() would find it: with a '/', that path; else the first
 * PATH entry holding a regular executable file (PATH unset: /bin:/usr/bin;
 * an empty entry: the working directory).  0 with the path in out, or the
 * errno: ENOENT (nowhere), EACCES or ENOEXEC (found, not runnable: kept
 * over "nowhere", as execvp does).
 */
static int
find_program(const char *name, char *out, size_t size)
{
	const char *p = getenv("PATH"), *end;
	int e = ENOENT, r;
	size_t n;

	if (p == NULL)
		p = "/bin:/usr/bin";	/* execvp's default */
	if (strchr(name, '/') != NULL) {
		r = snprintf(out, size, "%s", name);
		return (r < 0 || (size_t)r >= size) ? ENAMETOOLONG :
		    exec_ok(out);
	}
	for (; p != NULL && e != 0; p = *end ? end + 1 : NULL) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		n = (size_t)(end - p);
		r = snprintf(out, size, "%.*s/%s", (int)n, n ? p : ".", name);
		if (r < 0 || (size_t)r >= size)
			continue;
		r = exec_ok(out);
		if (r == 0 || e == ENOENT)
			e = r;	/* keep "not executable" over "none" */
	}
	return e;
}

int
au_executable(const char *name, struct au_diag *diag)
{
	char path[4096];
	int e = find_program(name, path, sizeof(path));

	if (e == 0)
		return 0;
	return au_diag_sys(diag, AU_EIO, e, "%s: %s", name, e == ENOENT &&
	    strchr(name, '/') == NULL ? "not found in PATH" : strerror(e));
}

/* Do "NAME=..." strings a and b set the same NAME? */
static int
same_name(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");

	return strncmp(a, b, n) == 0 && (b[n] == '=' || b[n] == '\0');
}

static int
set_later(char *const v[], size_t i, const char *s)
{
	for (; v != NULL && v[i] != NULL; i++)
		if (same_name(v[i], s))
			return 1;
	return 0;
}

/*
 * The child's environment: this process's, without the names env_extra
 * sets, then env_extra (where it names a variable twice, the last one wins,
 * as with putenv).  The strings are shared, only the array is new.
 */
static char **
build_env(char *const env_extra[])
{
	size_t n = 1, k = 0, i;
	char **env;

	for (i = 0; environ != NULL && environ[i] != NULL; i++)
		n++;
	for (i = 0; env_extra != NULL && env_extra[i] != NULL; i++)
		n++;
	env = calloc(n, sizeof(*env));
	if (env == NULL)
		return NULL;
	for (i = 0; environ != NULL && environ[i] != NULL; i++)
		if (!set_later(env_extra, 0, environ[i]))
			env[k++] = environ[i];
	for (i = 0; env_extra != NULL && env_extra[i] != NULL; i++)
		if (!set_later(env_extra, i + 1, env_extra[i]))
			env[k++] = env_extra[i];
	env[k] = NULL;
	return env;
}

/* argv for "/bin/sh PATH ARGS...": execvp's fallback for a script without
 * "#!" (ENOEXEC), prepared before the fork as well. */
static char **
build_sh_argv(char *path, char *const argv[])
{
	static char sh[] = "sh";
	size_t n = 0, i;
	char **v;

	while (argv[n] != NULL)
		n++;
	v = calloc(n + 2, sizeof(*v));
	if (v == NULL)
		return NULL;
	v[0] = sh;
	v[1] = path;
	for (i = 1; i <= n; i++)
		v[i + 1] = argv[i];
	return v;
}

/* After fork(): async-signal-safe calls only (see above). */
static void
child_exec(const char *path, char *const argv[], char *const sh_argv[],
    char *const envp[])
{
	int fd;

	(void)setpgid(0, 0);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		(void)dup2(fd, 0);
		if (fd > 2)
			(void)close(fd);
	}
	(void)execve(path, argv, envp);
	if (errno == ENOEXEC)
		(void)execve("/bin/sh", sh_argv, envp);
	_exit(errno == ENOENT ? 127 : 126);	/* as a shell says it */
}

static int
wait_deadline(pid_t pid, int timeout_s, int *wstatus)
{
	int64_t deadline = au_monotonic_ms() + (int64_t)timeout_s * 1000;
	struct timespec nap = { 0, 10 * 1000000 };
	pid_t r;

	for (;;) {
		r = waitpid(pid, wstatus, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (au_monotonic_ms() >= deadline)
			return 1;
		nanosleep(&nap, NULL);
	}
}

/* Fork, exec (child_exec) and wait; the vectors are ready. */
static int
run_child(const char *path, char *const argv[], char *const sh_argv[],
    char *const envp[], int timeout_s, int *status, struct au_diag *diag)
{
	pid_t pid;
	int ws = 0, r;

	pid = fork();
	if (pid < 0)
		return au_diag_sys(diag, errno == ENOMEM || errno == EAGAIN ?
		    AU_ENOMEM : AU_EIO, errno, "fork: %s", strerror(errno));
	if (pid == 0)
		child_exec(path, argv, sh_argv, envp);
	(void)setpgid(pid, pid);
	r = wait_deadline(pid, timeout_s, &ws);
	if (r < 0)
		return au_diag_sys(diag, AU_EIO, errno, "waitpid: %s",
		    strerror(errno));
	if (r == 1) {
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, &ws, 0);
		*status = -1;
		return 0;
	}
	if (WIFEXITED(ws))
		*status = WEXITSTATUS(ws);
	else if (WIFSIGNALED(ws))
		*status = 128 + WTERMSIG(ws);
	else
		*status = 255;
	return 0;
}

int
au_spawn(char *const argv[], char *const env_extra[], int timeout_s,
    int *status, struct au_diag *diag)
{
	char path[4096];
	char **envp = NULL, **sh_argv = NULL;
	int e, rc;

	e = find_program(argv[0], path, sizeof(path));
	if (e != 0) {	/* what the exec in a child would have said */
		*status = e == ENOENT ? 127 : 126;
		return 0;
	}
	envp = build_env(env_extra);
	sh_argv = build_sh_argv(path, argv);
	if (envp == NULL || sh_argv == NULL)
		rc = au_diag_sys(diag, AU_ENOMEM, ENOMEM, "out of memory "
		    "building the environment of %s", path);
	else
		rc = run_child(path, argv, sh_argv, envp, timeout_s, status,
		    diag);
	free(envp);
	free(sh_argv);
	return rc;
}
