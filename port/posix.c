/* SPDX-License-Identifier: ISC */
/* port/posix.c - the POSIX backend of port/port.h (Linux, glibc or musl). */
#include "port/port.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "port/ban.h"

struct au_file {
	int fd;
	int direct;	/* au_file_direct(): aligned writes bypass the page cache */
	int dflag;	/* O_DIRECT is set on fd now */
	uint64_t end;	/* direct: the file offset of the next write */
};

struct au_lock {
	int fd;
};

static int
io_err(struct au_diag *diag, int e, const char *what, const char *path)
{
	int code = (e == ENOSPC || e == EDQUOT) ? AU_ENOSPC : AU_EIO;

	return au_diag_sys(diag, code, e, "%s %s: %s", what, path, strerror(e));
}

/* What a path found in the way of a file or directory is, for messages. */
static const char *
kind_of(mode_t m)
{
	return S_ISLNK(m) ? "a symbolic link" : S_ISDIR(m) ? "a directory" :
	    S_ISFIFO(m) ? "a FIFO" : S_ISREG(m) ? "a regular file" :
	    "a special file";
}

static int
file_open(const char *path, int flags, unsigned mode, struct au_file **out,
    struct au_diag *diag, const char *what)
{
	struct au_file *f;
	struct stat sb;
	int fd, e;

	/* O_NONBLOCK: opening a FIFO planted in place of a file must not hang. */
	fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
	    (mode_t)mode);
	e = errno;
	if (fd < 0 && e == ELOOP && lstat(path, &sb) == 0 &&
	    S_ISLNK(sb.st_mode))
		return au_diag_sys(diag, AU_EIO, ELOOP, "%s %s: a symbolic link, "
		    "not a regular file (never followed)", what, path);
	if (fd < 0)
		return io_err(diag, e, what, path);
	if (fstat(fd, &sb) != 0)
		sb.st_mode = 0;
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return au_diag_sys(diag, AU_EIO, EINVAL, "%s %s: %s, not a regular "
		    "file", what, path, kind_of(sb.st_mode));
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	f = malloc(sizeof(*f));
	if (f == NULL) {
		e = errno;
		close(fd);
		return au_diag_sys(diag, AU_ENOMEM, e, "out of memory");
	}
	f->fd = fd;
	f->direct = f->dflag = 0;
	f->end = 0;
	*out = f;
	return 0;
}

int
au_file_create(const char *path, unsigned mode, struct au_file **out,
    struct au_diag *diag)
{
	return file_open(path, O_RDWR | O_CREAT | O_EXCL, mode, out, diag,
	    "create");
}

int
au_file_open_append(const char *path, struct au_file **out,
    struct au_diag *diag)
{
	return file_open(path, O_RDWR | O_APPEND, 0, out, diag, "open");
}

int
au_file_open_read(const char *path, struct au_file **out,
    struct au_diag *diag)
{
	return file_open(path, O_RDONLY, 0, out, diag, "open");
}

/* Set or clear O_DIRECT on f; 0, or -1 when the file system refuses it. */
static int
direct_flag(struct au_file *f, int on)
{
	int fl = fcntl(f->fd, F_GETFL);

	if (fl < 0 || fcntl(f->fd, F_SETFL, on ? fl | O_DIRECT :
	    fl & ~O_DIRECT) != 0)
		return -1;
	f->dflag = on;
	return 0;
}

/* O_DIRECT off before a read, a rewind or the end of direct writing. */
static void
direct_off(struct au_file *f)
{
	if (f->dflag && direct_flag(f, 0) != 0)
		f->direct = 0;
}

void
au_file_direct(struct au_file *f)
{
	off_t end = lseek(f->fd, 0, SEEK_END);

	if (end < 0)
		return;
	f->direct = 1;
	f->end = (uint64_t)end;
}

/*
 * Direct mode: a write of whole aligned blocks from an aligned buffer at an
 * aligned offset goes with O_DIRECT; any other one (a tail, a resumed
 * file's unaligned end) through the page cache.  A file system that
 * refuses O_DIRECT (EINVAL) ends direct mode and the write is repeated.
 */
static void
direct_choose(struct au_file *f, const unsigned char *p, size_t len)
{
	int want = f->direct && len >= AU_FILE_DIRECT_ALIGN &&
	    (uintptr_t)p % AU_FILE_DIRECT_ALIGN == 0 &&
	    len % AU_FILE_DIRECT_ALIGN == 0 &&
	    f->end % AU_FILE_DIRECT_ALIGN == 0;

	if (want != f->dflag && direct_flag(f, want) != 0) {
		f->direct = 0;
		direct_off(f);
	}
}

int
au_file_write(struct au_file *f, const void *buf, size_t len,
    struct au_diag *diag)
{
	const unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		if (f->direct)
			direct_choose(f, p, len);
		n = write(f->fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EINVAL && f->dflag) {
				f->direct = 0;	/* not here: buffered */
				direct_off(f);
				if (!f->dflag)
					continue;
			}
			return io_err(diag, errno, "write", "file");
		}
		p += n;
		len -= (size_t)n;
		f->end += (uint64_t)n;
	}
	return 0;
}

int
au_file_read(struct au_file *f, void *buf, size_t len, size_t *got,
    struct au_diag *diag)
{
	ssize_t n;

	direct_off(f);
	f->direct = 0;
	do {
		n = read(f->fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return io_err(diag, errno, "read", "file");
	*got = (size_t)n;
	return 0;
}

int
au_file_rewind(struct au_file *f, struct au_diag *diag)
{
	direct_off(f);
	f->direct = 0;
	if (lseek(f->fd, 0, SEEK_SET) != 0)
		return io_err(diag, errno, "lseek", "file");
	return 0;
}

int
au_file_size(struct au_file *f, uint64_t *size, struct au_diag *diag)
{
	struct stat sb;

	if (fstat(f->fd, &sb) != 0)
		return io_err(diag, errno, "fstat", "file");
	*size = (uint64_t)sb.st_size;
	return 0;
}

int
au_file_seek(struct au_file *f, uint64_t offset, struct au_diag *diag)
{
	if (offset > (uint64_t)INT64_MAX)
		return io_err(diag, EINVAL, "lseek", "file");
	if (lseek(f->fd, (off_t)offset, SEEK_SET) != (off_t)offset)
		return io_err(diag, errno, "lseek", "file");
	return 0;
}

int
au_file_is(struct au_file *f, const char *path, int *same,
    struct au_diag *diag)
{
	struct stat a, b;

	if (fstat(f->fd, &a) != 0)
		return io_err(diag, errno, "fstat", path);
	if (lstat(path, &b) != 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			return io_err(diag, errno, "stat", path);
		*same = 0;
		return 0;
	}
	*same = S_ISREG(b.st_mode) && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino;
	return 0;
}

int
au_file_sync(struct au_file *f, struct au_diag *diag)
{
	if (fsync(f->fd) != 0)
		return io_err(diag, errno, "fsync", "file");
	return 0;
}

int
au_file_writeback(struct au_file *f, uint64_t offset, uint64_t len,
    struct au_diag *diag)
{
#ifdef SYNC_FILE_RANGE_WRITE
	if (f->dflag)	/* the last writes bypassed the page cache */
		return 0;
	if (sync_file_range(f->fd, (off_t)offset, (off_t)len,
	    SYNC_FILE_RANGE_WRITE) != 0 && errno != ESPIPE && errno != EINVAL)
		return io_err(diag, errno, "sync_file_range", "file");
#else
	(void)f;
	(void)offset;
	(void)len;
	(void)diag;
#endif
	return 0;
}

int
au_file_close(struct au_file *f)
{
	int rc = 0;

	if (f == NULL)
		return 0;
	if (close(f->fd) != 0)
		rc = AU_EIO;
	free(f);
	return rc;
}

int
au_file_read_all(const char *path, size_t max, uint8_t **out, size_t *len,
    struct au_diag *diag)
{
	struct au_file *f = NULL;
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;
	int rc;

	rc = au_file_open_read(path, &f, diag);
	if (rc != 0)
		return rc;
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			uint8_t *nb;

			if (ncap > max + 1)
				ncap = max + 1;
			if (ncap <= n) {
				rc = au_diag_set(diag, AU_ETOOBIG,
				    "%s: larger than %zu bytes", path, max);
				goto out;
			}
			nb = realloc(buf, ncap + 1);
			if (nb == NULL) {
				rc = au_diag_set(diag, AU_ENOMEM, "out of memory");
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		rc = au_file_read(f, buf + n, cap - n, &got, diag);
		if (rc != 0)
			goto out;
		if (got == 0)
			break;
		n += got;
	}
	if (n > max) {
		rc = au_diag_set(diag, AU_ETOOBIG, "%s: larger than %zu bytes",
		    path, max);
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	au_file_close(f);
	return rc;
}



int
au_stat(const char *path, struct au_stat *st, struct au_diag *diag)
{
	struct stat sb;

	memset(st, 0, sizeof(*st));
	if (lstat(path, &sb) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return io_err(diag, errno, "stat", path);
	}
	if (S_ISREG(sb.st_mode))
		st->type = AU_FT_FILE;
	else if (S_ISDIR(sb.st_mode))
		st->type = AU_FT_DIR;
	else if (S_ISLNK(sb.st_mode))
		st->type = AU_FT_LINK;
	else
		st->type = AU_FT_OTHER;
	st->size = (uint64_t)sb.st_size;
	st->mtime = (int64_t)sb.st_mtime;
	st->mode = (unsigned)(sb.st_mode & 07777);
	st->mine = sb.st_uid == geteuid();
	return 0;
}

int
au_rename(const char *from, const char *to, struct au_diag *diag)
{
	if (rename(from, to) != 0)
		return io_err(diag, errno, "rename", from);
	return 0;
}

int
au_unlink(const char *path, struct au_diag *diag)
{
	if (unlink(path) != 0 && errno != ENOENT)
		return io_err(diag, errno, "unlink", path);
	return 0;
}

int
au_mkdir(const char *path, unsigned mode, struct au_diag *diag)
{
	struct stat sb;

	int e;

	if (mkdir(path, (mode_t)mode) == 0)
		return 0;
	e = errno;
	if (e == EEXIST && lstat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode))
			return 0;
		return au_diag_sys(diag, AU_EIO, EEXIST, "mkdir %s: %s is in the "
		    "way (never followed nor removed)", path, kind_of(sb.st_mode));
	}
	return io_err(diag, e, "mkdir", path);
}


int
au_rmdir(const char *path, struct au_diag *diag)
{
	if (rmdir(path) != 0)
		return io_err(diag, errno, "rmdir", path);
	return 0;
}

int
au_symlink(const char *target, const char *linkpath, struct au_diag *diag)
{
	if (symlink(target, linkpath) != 0)
		return io_err(diag, errno, "symlink", linkpath);
	return 0;
}

int
au_readlink(const char *path, char *buf, size_t size, struct au_diag *diag)
{
	ssize_t n = readlink(path, buf, size);

	if (n < 0)
		return io_err(diag, errno, "readlink", path);
	if ((size_t)n >= size)
		return au_diag_set(diag, AU_ETOOBIG, "readlink %s: too long",
		    path);
	buf[n] = '\0';
	return 0;
}

int
au_dir_sync(const char *path, struct au_diag *diag)
{
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return io_err(diag, errno, "open directory", path);
	if (fsync(fd) != 0)
		rc = io_err(diag, errno, "fsync directory", path);
	close(fd);
	return rc;
}

int
au_dir_list(const char *path, int (*fn)(const char *name, void *arg),
    void *arg, struct au_diag *diag)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	d = opendir(path);
	if (d == NULL)
		return io_err(diag, errno, "opendir", path);
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (de == NULL) {
			if (errno != 0)
				rc = io_err(diag, errno, "readdir", path);
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		rc = fn(de->d_name, arg);
		if (rc != 0)
			break;
	}
	closedir(d);
	return rc;
}



int
au_free_space(const char *path, uint64_t *bytes, struct au_diag *diag)
{
	struct statvfs sv;

	if (statvfs(path, &sv) != 0)
		return io_err(diag, errno, "statvfs", path);
	*bytes = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
	return 0;
}

int
au_lock_take(const char *path, struct au_lock **out, struct au_diag *diag)
{
	struct au_lock *lk;
	struct stat sb;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == ELOOP && lstat(path, &sb) == 0)
		return au_diag_sys(diag, AU_EIO, ELOOP, "open lock %s: %s is in "
		    "the way (never followed)", path, kind_of(sb.st_mode));
	if (fd < 0)
		return io_err(diag, errno, "open lock", path);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;

		close(fd);
		if (e == EWOULDBLOCK)
			return au_diag_set(diag, AU_ELOCKED,
			    "%s is held by another aiupdate run", path);
		return io_err(diag, e, "lock", path);
	}
	lk = malloc(sizeof(*lk));
	if (lk == NULL) {
		close(fd);
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	}
	lk->fd = fd;
	*out = lk;
	return 0;
}

void
au_lock_release(struct au_lock *lk)
{
	if (lk == NULL)
		return;
	close(lk->fd);
	free(lk);
}

int64_t
au_now(void)
{
	return (int64_t)time(NULL);
}

int64_t
au_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
au_mem_trim(void)
{
#ifdef __GLIBC__
	(void)malloc_trim(0);
#endif
}

int
au_random(void *buf, size_t len, struct au_diag *diag)
{
	unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return io_err(diag, errno, "getrandom", "");
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

struct au_thread {
	pthread_t id;
	void (*fn)(void *);
	void *arg;
};

struct au_sem {
	sem_t sem;
};

static void *
thread_main(void *arg)
{
	struct au_thread *t = arg;

	t->fn(t->arg);
	return NULL;
}

int
au_thread_start(void (*fn)(void *arg), void *arg, struct au_thread **out,
    struct au_diag *diag)
{
	struct au_thread *t = calloc(1, sizeof(*t));
	pthread_attr_t attr;
	int e;

	if (t == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	t->fn = fn;
	t->arg = arg;
	e = pthread_attr_init(&attr);
	if (e == 0) {
		e = pthread_attr_setstacksize(&attr, AU_THREAD_STACK);
		if (e == 0)
			e = pthread_create(&t->id, &attr, thread_main, t);
		(void)pthread_attr_destroy(&attr);
	}
	if (e != 0) {
		free(t);
		return au_diag_sys(diag, AU_ENOMEM, e, "cannot start a thread");
	}
	*out = t;
	return 0;
}

void
au_thread_join(struct au_thread *t)
{
	if (t == NULL)
		return;
	(void)pthread_join(t->id, NULL);
	free(t);
}

int
au_sem_new(unsigned value, struct au_sem **out, struct au_diag *diag)
{
	struct au_sem *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return au_diag_set(diag, AU_ENOMEM, "out of memory");
	if (sem_init(&s->sem, 0, value) != 0) {
		free(s);
		return au_diag_sys(diag, AU_ENOMEM, errno,
		    "cannot make a semaphore");
	}
	*out = s;
	return 0;
}

void
au_sem_post(struct au_sem *s)
{
	(void)sem_post(&s->sem);
}

void
au_sem_wait(struct au_sem *s)
{
	while (sem_wait(&s->sem) != 0 && errno == EINTR)
		;
}

void
au_sem_free(struct au_sem *s)
{
	if (s == NULL)
		return;
	(void)sem_destroy(&s->sem);
	free(s);
}

static enum au_log_level log_level = AU_LOG_WARN;
static int log_syslog;		/* au_log_set_syslog() */

/* syslog at priority lvl (up to info) when on; stderr when show_at is
 * within the level set by au_log_set_level. */
static void
vlog(enum au_log_level lvl, enum au_log_level show_at, const char *fmt,
    va_list ap)
{
	static const char *const names[] = { "error", "warning", "info",
	    "debug" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	va_list ap2;

	if (log_syslog && (lvl <= AU_LOG_INFO || lvl <= log_level)) {
		va_copy(ap2, ap);
		vsyslog(prio[lvl], fmt, ap2);
		va_end(ap2);
	}
	if (show_at > log_level || log_syslog == 2)
		return;
	fprintf(stderr, "aiupdate: %s: ", names[lvl]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
au_log_set_level(enum au_log_level lvl)
{
	log_level = lvl;
}

void
au_log(enum au_log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(lvl, lvl, fmt, ap);
	va_end(ap);
}

void
au_log_event(enum au_log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(lvl, AU_LOG_INFO, fmt, ap);
	va_end(ap);
}

void
au_log_set_syslog(int on)
{
	if (on && !log_syslog)
		openlog("aiupdate", LOG_PID, LOG_DAEMON);
	if (!on && log_syslog)
		closelog();
	log_syslog = on;
}

int
au_log_stderr_is_tty(void)
{
	return isatty(STDERR_FILENO);
}
