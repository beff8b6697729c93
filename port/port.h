/* SPDX-License-Identifier: ISC */
/*
 * port/port.h - the whole OS interface of aiupdate.
 *
 * Nothing outside port/ calls the OS directly.  One backend per target
 * (port/posix.c with port/posix_proc.c today), chosen by the Makefile; tests
 * may link a fault-injecting backend with the same symbols.  All paths are byte strings
 * as the OS takes them.  Every function returns 0 or a negative AU_E* code
 * from port/err.h and fills the optional diagnostic (errno in diag->sys).
 *
 * "Durable" operations (the ones a power cut can lose) are marked [D]:
 * file writes, fsync, rename, unlink, symlink, mkdir, rmdir.
 */
#ifndef AU_PORT_H
#define AU_PORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "port/err.h"

/* ---- files ---- */

struct au_file;			/* opaque open file */

/*
 * Create path exclusively (fails with AU_EIO if it exists; a symlink is never
 * followed), open for writing and reading back through the same descriptor
 * (au_file_rewind). [D]
 */
AU_NODISCARD int au_file_create(const char *path, unsigned mode,
    struct au_file **out, struct au_diag *diag);
/*
 * Open an existing regular file (never through a symlink) for reading from
 * its start and appending: every write goes to the end (download resume:
 * read the bytes held, then add to them through one descriptor).
 */
AU_NODISCARD int au_file_open_append(const char *path, struct au_file **out,
    struct au_diag *diag);
/*
 * Open an existing file for reading.  Every open of this module takes only
 * a regular file: a symbolic link as the last component is never followed
 * (AU_EIO, diag->sys ELOOP), a directory, FIFO, socket or device is
 * refused without blocking (AU_EIO, diag->sys EINVAL); the message says
 * which.  A missing file: AU_EIO, diag->sys ENOENT.
 */
AU_NODISCARD int au_file_open_read(const char *path, struct au_file **out,
    struct au_diag *diag);
/* Write all len bytes. ENOSPC/EDQUOT give AU_ENOSPC. [D] */
AU_NODISCARD int au_file_write(struct au_file *f, const void *buf, size_t len,
    struct au_diag *diag);
/*
 * Direct mode for a large file written once and not read back soon (a
 * download, issue 15): from now on each au_file_write of whole blocks
 * (address, length and file offset multiples of AU_FILE_DIRECT_ALIGN)
 * goes past the page cache to the disk (Linux O_DIRECT: no copy into the
 * cache and no writeback work, about 1 CPU s less per GiB); any other write
 * (the tail, a resumed file's unaligned end) goes through the cache as
 * before.  Writes continue at the end of the file: call it on a file just
 * created or opened for appending.  A file system without O_DIRECT
 * (EINVAL) is written through the cache: a hint, never an error.
 * au_file_read and au_file_rewind leave direct mode (so a read needs no
 * aligned buffer); au_file_writeback is a no-op while the last write was
 * direct.  Durability is unchanged: only au_file_sync() is durable (the
 * disk may still cache the blocks).
 */
#define AU_FILE_DIRECT_ALIGN 4096u
void au_file_direct(struct au_file *f);
/* Read up to len bytes; *got is 0 at end of file. */
AU_NODISCARD int au_file_read(struct au_file *f, void *buf, size_t len,
    size_t *got, struct au_diag *diag);
/* Move the read position back to byte 0.  Errors: AU_EIO. */
AU_NODISCARD int au_file_rewind(struct au_file *f, struct au_diag *diag);
/* The size in bytes of the open file f.  Errors: AU_EIO. */
AU_NODISCARD int au_file_size(struct au_file *f, uint64_t *size,
    struct au_diag *diag);
/* Move the read position to byte offset (e.g. to read one chunk of a file
 * opened with au_file_open_read).  Errors: AU_EIO. */
AU_NODISCARD int au_file_seek(struct au_file *f, uint64_t offset,
    struct au_diag *diag);
/*
 * *same = 1 when path names the very file f is open on (same device and
 * inode; a symlink at path is not followed, so it is never the same), 0
 * when it names another object or nothing.  Lets a caller that renamed f's
 * file check it moved the file it verified.  Errors: AU_EIO.
 */
AU_NODISCARD int au_file_is(struct au_file *f, const char *path, int *same,
    struct au_diag *diag);
/* fsync(2) the file's data and metadata. [D] */
AU_NODISCARD int au_file_sync(struct au_file *f, struct au_diag *diag);
/* Close and free; NULL is fine.  Returns AU_EIO if close(2) reported an error. */
int au_file_close(struct au_file *f);
/*
 * Start writing back the bytes [offset, offset + len) of f to the disk and
 * return without waiting (Linux sync_file_range(2) SYNC_FILE_RANGE_WRITE;
 * a no-op where there is no such call).  Keeps the dirty backlog of a long
 * download small, so a later au_file_sync() is short.  Not a durability
 * guarantee: only au_file_sync() is (so it is not marked [D]).
 * Errors: AU_EIO.
 */
AU_NODISCARD int au_file_writeback(struct au_file *f, uint64_t offset,
    uint64_t len, struct au_diag *diag);

/*
 * Read a whole file of at most max bytes into a new malloc'd buffer
 * (NUL-terminated for convenience; *len excludes the NUL).  The caller
 * frees *out.  Errors: AU_EIO (missing: diag->sys == ENOENT; not a regular
 * file: ELOOP or EINVAL, as au_file_open_read), AU_ETOOBIG.
 */
AU_NODISCARD int au_file_read_all(const char *path, size_t max, uint8_t **out,
    size_t *len, struct au_diag *diag);

/*
 * Replace path atomically and durably: write path.tmp, fsync, rename over
 * path, fsync the directory.  A crash leaves the old or the new content. [D]
 */
AU_NODISCARD int au_file_replace(const char *path, const void *buf,
    size_t len, unsigned mode, struct au_diag *diag);

/* ---- names and directories ---- */

enum au_ftype { AU_FT_NONE = 0, AU_FT_FILE, AU_FT_DIR, AU_FT_LINK, AU_FT_OTHER };

struct au_stat {
	enum au_ftype type;	/* AU_FT_NONE when the path does not exist */
	uint64_t size;		/* bytes */
	int64_t mtime;		/* seconds since the epoch */
	unsigned mode;		/* permission bits */
	int mine;		/* owned by the effective user id */
};

/* lstat(2); a missing path is success with type AU_FT_NONE. */
AU_NODISCARD int au_stat(const char *path, struct au_stat *st,
    struct au_diag *diag);
AU_NODISCARD int au_rename(const char *from, const char *to,
    struct au_diag *diag);	/* [D] atomic replace */
AU_NODISCARD int au_unlink(const char *path, struct au_diag *diag); /* [D]; missing is success */
/*
 * [D] mkdir(2); an existing directory is success.  Anything else in the
 * way (a symbolic link, never followed; a file) is AU_EIO with diag->sys
 * EEXIST and a message naming what it is.
 */
AU_NODISCARD int au_mkdir(const char *path, unsigned mode,
    struct au_diag *diag);
AU_NODISCARD int au_mkdir_p(const char *path, unsigned mode,
    struct au_diag *diag);	/* [D] each missing component */
AU_NODISCARD int au_rmdir(const char *path, struct au_diag *diag); /* [D] */
AU_NODISCARD int au_symlink(const char *target, const char *linkpath,
    struct au_diag *diag);	/* [D] */
/* readlink(2) into buf (NUL-terminated); AU_ETOOBIG if it does not fit. */
AU_NODISCARD int au_readlink(const char *path, char *buf, size_t size,
    struct au_diag *diag);
/* fsync(2) a directory so entries created/renamed in it are durable. [D] */
AU_NODISCARD int au_dir_sync(const char *path, struct au_diag *diag);
/*
 * Call fn(name, arg) for each entry of a directory except "." and "..".
 * A non-zero return from fn stops the walk and is returned.
 */
AU_NODISCARD int au_dir_list(const char *path,
    int (*fn)(const char *name, void *arg), void *arg, struct au_diag *diag);
/* Remove a file or a directory tree; symlinks are removed, never followed. [D] */
AU_NODISCARD int au_remove_tree(const char *path, struct au_diag *diag);
/* Bytes available to an unprivileged writer on the filesystem of path. */
AU_NODISCARD int au_free_space(const char *path, uint64_t *bytes,
    struct au_diag *diag);

/*
 * Take an exclusive, non-blocking lock on path (created if missing).
 * AU_ELOCKED when another process holds it.  A symbolic link at path is
 * never followed: AU_EIO, diag->sys ELOOP, saying so.  *out is released by
 * au_lock_release() or process exit.
 */
struct au_lock;
AU_NODISCARD int au_lock_take(const char *path, struct au_lock **out,
    struct au_diag *diag);
void au_lock_release(struct au_lock *lk);

/* ---- memory ---- */

/*
 * Give the heap's free pages back to the OS (glibc malloc_trim(0): also
 * the free pages between live blocks, not only the top).  Called before a
 * phase that allocates anew, so pages a finished phase freed (the
 * resolver's) are not still resident beside the new ones (issue 15: a
 * download's peak RSS).  A no-op without glibc.
 */
void au_mem_trim(void);

/* ---- clock and randomness ---- */

/* Wall clock, seconds since the epoch (through libc, so faketime works). */
int64_t au_now(void);
/* Monotonic milliseconds, for deadlines. */
int64_t au_monotonic_ms(void);
/* Fill buf with len bytes from the OS CSPRNG. */
AU_NODISCARD int au_random(void *buf, size_t len, struct au_diag *diag);

/* ---- sockets (TCP only) ---- */

/* A validated address: family 4 or 6, address in network byte order. */
struct au_addr {
	int family;		/* 4 or 6 */
	uint8_t addr[16];	/* first 4 bytes used for IPv4 */
};

struct au_sock;			/* opaque connected socket */

/*
 * Connect to addr:port with TCP_NODELAY set, giving up after timeout_ms.
 * Errors: AU_ECONNECT, AU_ETIMEOUT.
 */
AU_NODISCARD int au_sock_connect(const struct au_addr *addr, uint16_t port,
    int timeout_ms, struct au_sock **out, struct au_diag *diag);
/*
 * Send/receive in mbedTLS's callback shape (ctx is a struct au_sock *):
 * return bytes moved, 0 on orderly close (recv), or
 * MBEDTLS_ERR_SSL_WANT_READ/TIMEOUT-style negatives are NOT used: on error
 * -1 is returned and on a read timeout -2.  Read timeout comes from
 * au_sock_set_timeout().
 */
int au_sock_send(void *ctx, const unsigned char *buf, size_t len);
int au_sock_recv(void *ctx, unsigned char *buf, size_t len);
void au_sock_set_timeout(struct au_sock *s, int timeout_ms);
/* 1 when a read would not block (bytes, or the peer closed), else 0; does
 * not wait. */
int au_sock_readable(struct au_sock *s);
void au_sock_close(struct au_sock *s);	/* NULL is fine */
/* Parse a literal IPv4/IPv6 address ("127.0.0.1", "::1"); AU_EUSAGE if not one. */
AU_NODISCARD int au_addr_parse(const char *text, struct au_addr *out);
/* Format an address into buf (at least 46 bytes). */
void au_addr_format(const struct au_addr *a, char *buf, size_t size);

/* ---- server sockets (the collector, fleet/serve.c) ---- */

/*
 * A TCP socket listening on addr:port (SO_REUSEADDR, close-on-exec, the
 * given backlog); *fd is the caller's to close.  Errors: AU_EIO (errno in
 * diag->sys: EADDRINUSE, EACCES ...).
 */
AU_NODISCARD int au_listen_tcp(const struct au_addr *addr, uint16_t port,
    int backlog, int *fd, struct au_diag *diag);
/* Shut both directions of a connected socket down (the owner still closes
 * it): the server library sees an end of stream and drops the connection. */
void au_fd_shutdown(int fd);

/* ---- threads (client/fetch/pipeline.c) ---- */

#define AU_THREAD_STACK (256u << 10)	/* bytes of stack of a new thread */

struct au_thread;		/* opaque running thread */
struct au_sem;			/* opaque counting semaphore */

/*
 * Run fn(arg) on a new thread with an AU_THREAD_STACK-byte stack.  *out
 * is released by au_thread_join().  Errors: AU_ENOMEM (the OS refused;
 * diag->sys has its code).
 */
AU_NODISCARD int au_thread_start(void (*fn)(void *arg), void *arg,
    struct au_thread **out, struct au_diag *diag);
/* Wait until the thread's fn returned, then free t.  NULL is fine. */
void au_thread_join(struct au_thread *t);
/* A semaphore holding value.  Errors: AU_ENOMEM. */
AU_NODISCARD int au_sem_new(unsigned value, struct au_sem **out,
    struct au_diag *diag);
void au_sem_post(struct au_sem *s);	/* add one, waking a waiter */
void au_sem_wait(struct au_sem *s);	/* take one, waiting while zero */
void au_sem_free(struct au_sem *s);	/* no waiter left; NULL is fine */

/* ---- processes ---- */

/*
 * Run argv[0] (searched in PATH, as execvp does, including its /bin/sh
 * fallback for a script without "#!") with the current environment plus
 * env_extra ("NAME=value" strings, NULL-terminated; may be NULL; a name
 * already set is replaced, the last of two equal names wins), stdin from
 * /dev/null, stdout/stderr inherited.  The PATH lookup, the environment and
 * argv are built in the caller's process: between fork and exec only
 * async-signal-safe calls run.  Wait at most timeout_s seconds, then kill
 * the process group.  *status is the exit status (0-255), 127 when argv[0]
 * is not found, 126 when it cannot be executed, 128+signal if killed by a
 * signal, or -1 on timeout.
 * Errors (the local machine's, never the program's): AU_ENOMEM (the
 * environment could not be built, or fork found no memory/process slot),
 * AU_EIO (fork or waitpid failed otherwise); diag->sys holds errno.
 */
AU_NODISCARD int au_spawn(char *const argv[], char *const env_extra[],
    int timeout_s, int *status, struct au_diag *diag);
/*
 * Whether au_spawn() could run the program name: with a '/', that path; else
 * the first match in PATH.  It must be a regular file executable by this
 * process.  The exec itself reports 127 (not found) or 126 (found, not
 * executable) when it fails.  Errors: AU_EIO with diag->sys ENOENT (no such
 * file, or not in PATH), EACCES (not executable) or ENOEXEC (not a file).
 */
AU_NODISCARD int au_executable(const char *name, struct au_diag *diag);

/* ---- shared libraries ---- */

/*
 * Load the shared library soname (dlopen(3) with RTLD_NOW | RTLD_LOCAL, on
 * the dynamic loader's usual search path, as for a linked library) and look
 * up the n symbols names[i] into syms[i].  The library stays loaded for the
 * life of the process; loading one already loaded costs a lookup.  Lets a
 * heavy optional library (libarchive: client/install/libarchive_dl.h) cost nothing
 * in runs that do not need it.
 * Errors: AU_EINSTALL when the library or one symbol is missing (diag says
 * which, with the loader's message).
 */
AU_NODISCARD int au_dl_load(const char *soname, const char *const names[],
    void *syms[], size_t n, struct au_diag *diag);

/* ---- logging ---- */

enum au_log_level { AU_LOG_ERR = 0, AU_LOG_WARN, AU_LOG_INFO, AU_LOG_DEBUG };
/* Set the highest level printed (default AU_LOG_WARN). */
void au_log_set_level(enum au_log_level lvl);
/*
 * One line to stderr ("aiupdate: LEVEL: " prefix, no trailing newline
 * needed) when lvl <= the level; and, with syslog on, to syslog (facility
 * daemon, ident "aiupdate", so the journal) at every level up to info.
 */
void au_log(enum au_log_level lvl, const char *fmt, ...) AU_PRINTF(2, 3);
/* An event line: to syslog (when on) at priority lvl, to stderr only when
 * the level is info or more verbose (-v): the human report says it there. */
void au_log_event(enum au_log_level lvl, const char *fmt, ...) AU_PRINTF(2, 3);
/* 0: stderr only (default); 1: syslog too; 2: syslog only. */
void au_log_set_syslog(int on);
/* 1 when stderr is a terminal (progress bars, syslog default). */
int au_log_stderr_is_tty(void);

#endif
