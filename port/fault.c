/* SPDX-License-Identifier: ISC */
/*
 * port/fault.c - a fault-injecting backend of port/port.h for tests: the
 * POSIX backend (port/posix.c and port/posix_proc.c, compiled in below under
 * other names) plus a
 * model of the page cache, so that a "power cut" can be simulated after any
 * durable operation.  Linked instead of port/posix.c into
 * build/tests/aiupdate-fault (Makefile).  Never part of a device build.
 *
 * Environment:
 *   AIUPDATE_FAULT_ROOT=DIR   the directory tree that loses power (the
 *                             state_dir; must exist).  Without it nothing is
 *                             counted and this backend is port/posix.c.
 *   AIUPDATE_FAULT_CUT=N      run exactly N durable operations under DIR, then
 *                             lose power: every write not fsynced and every
 *                             directory entry whose directory was not fsynced
 *                             since it changed is discarded, and the process
 *                             ends at once with status AU_FAULT_EXIT.  A run
 *                             that ends with fewer operations loses power at
 *                             exit (after its last operation).
 *   AIUPDATE_FAULT_COUNT=1    print "aiupdate-fault: N durable operations"
 *                             on stderr at exit.
 *   AIUPDATE_FAULT_ENOSPC=N   the N-th file write under DIR (1-based) and
 *                             every later one fails with ENOSPC (AU_ENOSPC).
 *   AIUPDATE_FAULT_SPAWN=1    au_spawn fails as when this machine cannot
 *                             start the hook (AU_ENOMEM, errno ENOMEM: the
 *                             environment could not be allocated); needs
 *                             no AIUPDATE_FAULT_ROOT.
 *   AIUPDATE_FAULT_TAMPER=N   play an attacker at the N-th (0-based) "tamper
 *                             point": before each durable operation under DIR
 *                             and before each read or rewind of a file opened
 *                             by au_file_create / au_file_open_append under
 *                             DIR, every regular file directly in DIR/tmp and
 *                             DIR/partial (the staged downloads, not *.val) is, by
 *   AIUPDATE_FAULT_TAMPER_HOW=replace  another file of the same length ('X'
 *                             bytes) renamed over it (the default), or
 *                             =write  rewritten in place: one 'X' at byte 512
 *                             (or 0 in a shorter file).  The staged bytes
 *                             changing under the client between the moments
 *                             it writes, verifies and installs them (issue 12).
 *   AIUPDATE_FAULT_TAMPER_MARK=FILE  created when the N-th point was reached
 *                             (so a test knows when N went past the last).
 *
 * Durable operations counted (port.h's [D]): file create, write, fsync,
 * rename, unlink, symlink, mkdir (of a missing directory), rmdir, directory
 * fsync; au_file_replace, au_mkdir_p and au_remove_tree are built from them.
 * au_file_writeback (a hint, not durable: unsynced bytes are still lost),
 * the threads and semaphores are port/posix.c's own.  Durable operations
 * may come from the download pipeline's worker thread (client/fetch/pipeline.c),
 * but never from two threads at once: the reader thread only does I/O on
 * sockets while the worker runs, so the model needs no lock.
 *
 * The model (strict POSIX, no ext4 ordering luck): an object (file, directory,
 * symlink) is identified by its inode while it has a name.  A file's durable
 * content is what it held at its last fsync (empty if never synced); a
 * directory's durable entries are the ones it held at its last fsync (those
 * at start-up for directories that existed then).  At the cut the tree under
 * DIR is rebuilt from the durable image: an entry that was renamed away from
 * an unsynced directory into a synced one shows up in both, as it may on
 * disk.  Everything under DIR at start-up is taken as durable.
 */
#include "port/port.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The POSIX backend, its durable operations renamed so they can be wrapped. */
#define au_file_create posix_file_create
#define au_file_open_append posix_file_open_append
#define au_file_write posix_file_write
#define au_file_sync posix_file_sync
#define au_file_close posix_file_close
#define au_file_read posix_file_read
#define au_file_rewind posix_file_rewind
#define au_rename posix_rename
#define au_unlink posix_unlink
#define au_mkdir posix_mkdir
#define au_rmdir posix_rmdir
#define au_symlink posix_symlink
#define au_dir_sync posix_dir_sync
#define au_spawn posix_au_spawn
int posix_file_create(const char *, unsigned, struct au_file **,
    struct au_diag *);
int posix_file_open_append(const char *, struct au_file **, struct au_diag *);
int posix_file_write(struct au_file *, const void *, size_t, struct au_diag *);
int posix_file_sync(struct au_file *, struct au_diag *);
int posix_file_close(struct au_file *);
int posix_file_read(struct au_file *, void *, size_t, size_t *,
    struct au_diag *);
int posix_file_rewind(struct au_file *, struct au_diag *);
int posix_rename(const char *, const char *, struct au_diag *);
int posix_unlink(const char *, struct au_diag *);
int posix_mkdir(const char *, unsigned, struct au_diag *);
int posix_rmdir(const char *, struct au_diag *);
int posix_symlink(const char *, const char *, struct au_diag *);
int posix_dir_sync(const char *, struct au_diag *);
int posix_au_spawn(char *const[], char *const[], int, int *, struct au_diag *);
#include "port/posix.c"
#include "port/posix_proc.c"
#include "port/posix_net.c"
#undef au_file_create
#undef au_file_open_append
#undef au_file_write
#undef au_file_sync
#undef au_file_close
#undef au_file_read
#undef au_file_rewind
#undef au_file_replace
#undef au_rename
#undef au_unlink
#undef au_mkdir
#undef au_mkdir_p
#undef au_rmdir
#undef au_symlink
#undef au_dir_sync
#undef au_remove_tree
#undef au_spawn

/* A no-op (posix.c included it; its guard holds): every .c names it last. */
#include "port/ban.h"
#define AU_FAULT_EXIT 113	/* status of a process that "lost power" */
#define FD_MAX 4096		/* file descriptors tracked */
#define DEPTH_MAX 64		/* directory levels rebuilt */

enum otype { OT_FILE = 1, OT_DIR, OT_LINK };

struct ent {
	char *name;
	size_t obj;
};

struct obj {
	enum otype type;
	int live;		/* dev/ino name this object now */
	dev_t dev;
	ino_t ino;
	unsigned mode;
	uint8_t *data;		/* file: durable content; link: target */
	size_t len;
	struct ent *ents;	/* directory: durable entries */
	size_t nents;
};

static struct {
	int on;
	char root[4096];
	size_t rootlen;
	size_t rootobj;
	struct obj *o;
	size_t n, cap;
	long long cut;		/* -1: never */
	long long ops;
	long long enospc, writes;
	long long tamper, points;	/* AIUPDATE_FAULT_TAMPER, points passed */
	int tamper_write;		/* ..._HOW=write */
	const char *tamper_mark;
	int count;
	unsigned char tracked[FD_MAX];
} F = { .cut = -1, .enospc = -1, .tamper = -1 };

static void fault_init(void);

static void
die(const char *what)
{
	fprintf(stderr, "aiupdate-fault: %s: %s\n", what, strerror(errno));
	_exit(AU_FAULT_EXIT + 1);
}

static int
under_root(const char *path)
{
	fault_init();
	return F.on && strncmp(path, F.root, F.rootlen) == 0 &&
	    (path[F.rootlen] == '\0' || path[F.rootlen] == '/');
}

/* ---- objects ---- */

static size_t
obj_new(enum otype t, const struct stat *sb)
{
	struct obj *no;

	if (F.n == F.cap) {
		F.cap = F.cap ? F.cap * 2 : 256;
		no = realloc(F.o, F.cap * sizeof(*no));
		if (no == NULL)
			die("out of memory");
		F.o = no;
	}
	memset(&F.o[F.n], 0, sizeof(F.o[F.n]));
	F.o[F.n].type = t;
	F.o[F.n].live = 1;
	F.o[F.n].dev = sb->st_dev;
	F.o[F.n].ino = sb->st_ino;
	F.o[F.n].mode = (unsigned)(sb->st_mode & 07777);
	return F.n++;
}

static enum otype
type_of(const struct stat *sb)
{
	if (S_ISDIR(sb->st_mode))
		return OT_DIR;
	if (S_ISLNK(sb->st_mode))
		return OT_LINK;
	return OT_FILE;
}

/* The live object named by this inode, created (empty) when unknown. */
static size_t
obj_for(const struct stat *sb)
{
	size_t i;

	for (i = 0; i < F.n; i++)
		if (F.o[i].live && F.o[i].dev == sb->st_dev &&
		    F.o[i].ino == sb->st_ino)
			return i;
	return obj_new(type_of(sb), sb);
}

/* The inode behind path loses its last name: a new one may reuse it. */
static void
obj_forget(const char *path)
{
	struct stat sb;
	size_t i;

	if (lstat(path, &sb) != 0 || (!S_ISDIR(sb.st_mode) && sb.st_nlink > 1))
		return;
	for (i = 0; i < F.n; i++)
		if (F.o[i].live && F.o[i].dev == sb.st_dev &&
		    F.o[i].ino == sb.st_ino)
			F.o[i].live = 0;
}

/* The content of the open file fd (which may be write-only) into o. */
static void
read_fd(int wfd, struct obj *o)
{
	char proc[64];
	struct stat sb;
	size_t off = 0;
	ssize_t n;
	int fd;

	(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", wfd);
	fd = open(proc, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0)
		die("reopen for reading");
	free(o->data);
	o->data = malloc((size_t)sb.st_size + 1);
	if (o->data == NULL)
		die("out of memory");
	while (off < (size_t)sb.st_size) {
		n = pread(fd, o->data + off, (size_t)sb.st_size - off,
		    (off_t)off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off != (size_t)sb.st_size)
		die("read");
	close(fd);
	o->len = off;
	o->mode = (unsigned)(sb.st_mode & 07777);
}

static void
read_link(const char *path, struct obj *o)
{
	char buf[4096];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		die("readlink");
	free(o->data);
	o->data = malloc((size_t)n + 1);
	if (o->data == NULL)
		die("out of memory");
	memcpy(o->data, buf, (size_t)n);
	o->data[n] = '\0';
	o->len = (size_t)n;
}

static void snap_dir(const char *path, size_t d, int whole);

/* Record the current entries of directory path as durable entries of d. */
static void
snap_entries(const char *path, size_t d, int whole)
{
	char child[4096];
	struct dirent *de;
	struct stat sb;
	struct ent *ne;
	size_t c, i;
	DIR *dir;

	for (i = 0; i < F.o[d].nents; i++)
		free(F.o[d].ents[i].name);
	free(F.o[d].ents);
	F.o[d].ents = NULL;
	F.o[d].nents = 0;
	dir = opendir(path);
	if (dir == NULL)
		die("opendir");
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", path, de->d_name) >=
		    (int)sizeof(child) || lstat(child, &sb) != 0)
			die("lstat");
		c = obj_for(&sb);
		if (F.o[c].type == OT_LINK && F.o[c].data == NULL)
			read_link(child, &F.o[c]);
		if (whole)
			snap_dir(child, c, whole);
		ne = realloc(F.o[d].ents, (F.o[d].nents + 1) * sizeof(*ne));
		if (ne == NULL)
			die("out of memory");
		F.o[d].ents = ne;
		ne[F.o[d].nents].name = strdup(de->d_name);
		ne[F.o[d].nents++].obj = c;
	}
	closedir(dir);
}

/* Start-up: everything under the root is durable as it stands. */
static void
snap_dir(const char *path, size_t o, int whole)
{
	int fd;

	if (F.o[o].type == OT_DIR) {
		snap_entries(path, o, whole);
	} else if (F.o[o].type == OT_FILE) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			die("open");
		read_fd(fd, &F.o[o]);
		close(fd);
	}
}

/* ---- the power cut ---- */

static void clear_dir(const char *path);

/* Remove a file or a tree at the cut, uncounted (the cut is not an op). */
static void
raw_remove_tree(const char *path)
{
	struct stat sb;

	if (lstat(path, &sb) != 0)
		die("lstat");
	if (S_ISDIR(sb.st_mode)) {
		clear_dir(path);
		if (rmdir(path) != 0)
			die("rmdir");
	} else if (unlink(path) != 0) {
		die("unlink");
	}
}

static void
clear_dir(const char *path)
{
	char child[4096];
	struct dirent *de;
	DIR *dir = opendir(path);

	if (dir == NULL)
		die("opendir");
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", path, de->d_name) >=
		    (int)sizeof(child))
			die("path too long");
		raw_remove_tree(child);
	}
	closedir(dir);
}

static void
write_file(const char *path, const struct obj *o)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, o->mode);
	size_t off = 0;
	ssize_t n;

	if (fd < 0)
		die("create");
	while (off < o->len) {
		n = write(fd, o->data + off, o->len - off);
		if (n <= 0)
			die("write");
		off += (size_t)n;
	}
	(void)fchmod(fd, o->mode);
	close(fd);
}

static void
rebuild(const char *path, size_t d, int depth)
{
	char child[4096];
	const struct obj *c;
	size_t i;

	if (depth > DEPTH_MAX)
		return;
	for (i = 0; i < F.o[d].nents; i++) {
		c = &F.o[F.o[d].ents[i].obj];
		(void)snprintf(child, sizeof(child), "%s/%s", path,
		    F.o[d].ents[i].name);
		if (c->type == OT_DIR) {
			if (mkdir(child, 0755) != 0)
				die("mkdir");
			rebuild(child, F.o[d].ents[i].obj, depth + 1);
			(void)chmod(child, c->mode);
		} else if (c->type == OT_LINK) {
			if (symlink((const char *)c->data, child) != 0)
				die("symlink");
		} else {
			write_file(child, c);
		}
	}
}

static void
power_cut(void)
{
	clear_dir(F.root);
	rebuild(F.root, F.rootobj, 0);
	sync();
	_exit(AU_FAULT_EXIT);
}

static void
at_exit(void)
{
	if (!F.on)
		return;
	if (F.count)
		fprintf(stderr, "aiupdate-fault: %lld durable operations\n",
		    F.ops);
	if (F.cut >= 0)
		power_cut();
}

static long long
env_num(const char *name)
{
	const char *v = getenv(name);
	char *end;
	long long n;

	if (v == NULL || *v == '\0')
		return -1;
	n = strtoll(v, &end, 10);
	return (*end != '\0' || n < 0) ? -1 : n;
}

static void
fault_init(void)
{
	static int done;
	const char *r;
	struct stat sb;

	if (done)
		return;
	done = 1;
	r = getenv("AIUPDATE_FAULT_ROOT");
	if (r == NULL || r[0] != '/' || strlen(r) >= sizeof(F.root))
		return;
	F.rootlen = strlen(r);
	while (F.rootlen > 1 && r[F.rootlen - 1] == '/')
		F.rootlen--;
	memcpy(F.root, r, F.rootlen);
	F.root[F.rootlen] = '\0';
	if (lstat(F.root, &sb) != 0 || !S_ISDIR(sb.st_mode))
		die("AIUPDATE_FAULT_ROOT must be an existing directory");
	F.cut = env_num("AIUPDATE_FAULT_CUT");
	F.enospc = env_num("AIUPDATE_FAULT_ENOSPC");
	F.count = env_num("AIUPDATE_FAULT_COUNT") > 0;
	F.tamper = env_num("AIUPDATE_FAULT_TAMPER");
	r = getenv("AIUPDATE_FAULT_TAMPER_HOW");
	F.tamper_write = r != NULL && strcmp(r, "write") == 0;
	F.tamper_mark = getenv("AIUPDATE_FAULT_TAMPER_MARK");
	F.rootobj = obj_new(OT_DIR, &sb);
	snap_entries(F.root, F.rootobj, 1);
	F.on = 1;
	atexit(at_exit);
}

/* ---- the attacker of AIUPDATE_FAULT_TAMPER ---- */

static void
tamper_file(const char *path, const struct stat *sb)
{
	char tmp[4300];
	uint8_t x = 'X';
	off_t at = sb->st_size > 512 ? 512 : 0, i;
	int fd;

	if (F.tamper_write) {
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || pwrite(fd, &x, 1, at) != 1)
			die("tamper: write");
		close(fd);
		return;
	}
	(void)snprintf(tmp, sizeof(tmp), "%s.tamper", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		die("tamper: create");
	for (i = 0; i < sb->st_size; i++)
		if (write(fd, &x, 1) != 1)
			die("tamper: write");
	if (close(fd) != 0 || rename(tmp, path) != 0)
		die("tamper: rename");
}

static void
tamper_dir(const char *dir)
{
	char path[4200];
	struct dirent *de;
	struct stat sb;
	DIR *d = opendir(dir);
	size_t n;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (n > 4 && strcmp(de->d_name + n - 4, ".val") == 0))
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &sb) != 0)
			continue;
		if (S_ISREG(sb.st_mode) && sb.st_size > 0)
			tamper_file(path, &sb);
	}
	closedir(d);
}

/* Before each tamper point (see the top of the file). */
static void
tamper_point(void)
{
	char dir[4200];
	int fd;

	if (F.tamper < 0 || F.points++ != F.tamper)
		return;
	(void)snprintf(dir, sizeof(dir), "%s/tmp", F.root);
	tamper_dir(dir);
	(void)snprintf(dir, sizeof(dir), "%s/partial", F.root);
	tamper_dir(dir);
	if (F.tamper_mark != NULL) {
		fd = open(F.tamper_mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
	}
}

/* Before each durable operation under the root: count it, maybe cut. */
static void
op(void)
{
	tamper_point();
	if (F.cut >= 0 && F.ops >= F.cut)
		power_cut();
	F.ops++;
}

static int
op_path(const char *path)
{
	if (!under_root(path))
		return 0;
	op();
	return 1;
}

/* ---- the wrapped port/port.h operations ---- */

static void
track(struct au_file *f, const char *path)
{
	if (f->fd >= 0 && f->fd < FD_MAX)
		F.tracked[f->fd] = (unsigned char)under_root(path);
}

static int
tracked(const struct au_file *f)
{
	return f->fd >= 0 && f->fd < FD_MAX && F.tracked[f->fd];
}

int
au_file_create(const char *path, unsigned mode, struct au_file **out,
    struct au_diag *diag)
{
	int rc;

	(void)op_path(path);
	rc = posix_file_create(path, mode, out, diag);
	if (rc == 0)
		track(*out, path);
	return rc;
}

int
au_file_open_append(const char *path, struct au_file **out,
    struct au_diag *diag)
{
	int rc = posix_file_open_append(path, out, diag);

	if (rc == 0)
		track(*out, path);
	return rc;
}

int
au_file_write(struct au_file *f, const void *buf, size_t len,
    struct au_diag *diag)
{
	if (!tracked(f))
		return posix_file_write(f, buf, len, diag);
	op();
	if (F.enospc > 0 && ++F.writes >= F.enospc)
		return io_err(diag, ENOSPC, "write", "file (injected)");
	return posix_file_write(f, buf, len, diag);
}

int
au_file_read(struct au_file *f, void *buf, size_t len, size_t *got,
    struct au_diag *diag)
{
	if (tracked(f))
		tamper_point();
	return posix_file_read(f, buf, len, got, diag);
}

int
au_file_rewind(struct au_file *f, struct au_diag *diag)
{
	if (tracked(f))
		tamper_point();
	return posix_file_rewind(f, diag);
}

int
au_file_sync(struct au_file *f, struct au_diag *diag)
{
	struct stat sb;
	int rc;

	if (!tracked(f))
		return posix_file_sync(f, diag);
	op();
	rc = posix_file_sync(f, diag);
	if (rc == 0) {
		if (fstat(f->fd, &sb) != 0)
			die("fstat");
		read_fd(f->fd, &F.o[obj_for(&sb)]);
	}
	return rc;
}

int
au_file_close(struct au_file *f)
{
	if (f != NULL && f->fd >= 0 && f->fd < FD_MAX)
		F.tracked[f->fd] = 0;
	return posix_file_close(f);
}

int
au_rename(const char *from, const char *to, struct au_diag *diag)
{
	if (op_path(from) | op_path(to))
		obj_forget(to);
	return posix_rename(from, to, diag);
}

int
au_unlink(const char *path, struct au_diag *diag)
{
	if (op_path(path))
		obj_forget(path);
	return posix_unlink(path, diag);
}

int
au_rmdir(const char *path, struct au_diag *diag)
{
	if (op_path(path))
		obj_forget(path);
	return posix_rmdir(path, diag);
}

int
au_mkdir(const char *path, unsigned mode, struct au_diag *diag)
{
	struct stat sb;

	if (lstat(path, &sb) != 0)
		(void)op_path(path);
	return posix_mkdir(path, mode, diag);
}

int
au_symlink(const char *target, const char *linkpath, struct au_diag *diag)
{
	(void)op_path(linkpath);
	return posix_symlink(target, linkpath, diag);
}

int
au_dir_sync(const char *path, struct au_diag *diag)
{
	struct stat sb;
	int rc, in = op_path(path);

	rc = posix_dir_sync(path, diag);
	if (rc == 0 && in) {
		if (lstat(path, &sb) != 0)
			die("lstat");
		snap_entries(path, obj_for(&sb), 0);
	}
	return rc;
}

/* The compound operations (au_mkdir_p, au_file_replace, au_remove_tree)
 * are port/compose.c's, built from the wrapped primitives above. */

int
au_spawn(char *const argv[], char *const env_extra[], int timeout_s,
    int *status, struct au_diag *diag)
{
	const char *v = getenv("AIUPDATE_FAULT_SPAWN");

	if (v != NULL && strcmp(v, "1") == 0)
		return au_diag_sys(diag, AU_ENOMEM, ENOMEM, "out of memory "
		    "building the environment of %s (AIUPDATE_FAULT_SPAWN)",
		    argv[0]);
	return posix_au_spawn(argv, env_extra, timeout_s, status, diag);
}
