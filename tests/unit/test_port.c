/* SPDX-License-Identifier: ISC */
/* tests/unit/test_port.c - the POSIX backend's refusals of special files,
 * and its loading of optional shared libraries. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/install/libarchive_dl.h"
#include "port/port.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

static char dir[200];	/* TMPDIR scratch; room left in the 256-byte paths built on it */

static void
on_alarm(int sig)
{
	(void)sig;
	fprintf(stderr, "  FAIL: blocked opening a special file\n");
	_exit(1);
}

TEST(fifo_in_place_of_a_file_is_refused_without_blocking)
{
	char path[300];
	uint8_t *buf = NULL;
	size_t len;
	struct au_diag d;

	snprintf(path, sizeof(path), "%s/timestamp.json", dir);
	REQUIRE(mkfifo(path, 0600) == 0);
	alarm(5);
	CHECK_EQ(au_file_read_all(path, 16384, &buf, &len, &d), AU_EIO);
	alarm(0);
	CHECK(strstr(d.msg, "a FIFO, not a regular file") != NULL);
	CHECK_EQ(d.sys, EINVAL);
	CHECK(buf == NULL);
}

TEST(device_is_refused)
{
	uint8_t *buf = NULL;
	size_t len;
	struct au_diag d;

	alarm(5);
	CHECK_EQ(au_file_read_all("/dev/zero", 16384, &buf, &len, &d), AU_EIO);
	alarm(0);
	CHECK(buf == NULL);
}

/* A symlink is never followed, a directory never read: each is named. */
TEST(symlink_and_directory_in_place_of_a_file_are_refused)
{
	char path[256], real[256];
	uint8_t *buf = NULL;
	size_t len;
	struct au_diag d = { "", 0 };

	snprintf(real, sizeof(real), "%s/real.json", dir);
	snprintf(path, sizeof(path), "%s/link.json", dir);
	REQUIRE(au_file_replace(real, "{}", 2, 0644, NULL) == 0);
	REQUIRE(symlink(real, path) == 0);
	CHECK_EQ(au_file_read_all(path, 16, &buf, &len, &d), AU_EIO);
	CHECK_EQ(d.sys, ELOOP);
	CHECK(strstr(d.msg, "symbolic link") != NULL);
	CHECK(buf == NULL);
	snprintf(path, sizeof(path), "%s/dir.json", dir);
	REQUIRE(mkdir(path, 0755) == 0);
	CHECK_EQ(au_file_read_all(path, 16, &buf, &len, &d), AU_EIO);
	CHECK_EQ(d.sys, EINVAL);
	CHECK(strstr(d.msg, "a directory, not a regular file") != NULL);
	CHECK(buf == NULL);
}

/* mkdir and the lock never follow a symlink in their way, and say so. */
TEST(symlink_in_the_way_of_mkdir_and_lock_is_named_not_followed)
{
	char path[256], away[256], inside[300];
	struct au_lock *lk = NULL;
	struct au_diag d = { "", 0 };
	struct au_stat st;

	snprintf(away, sizeof(away), "%s/away", dir);
	snprintf(path, sizeof(path), "%s/partial", dir);
	REQUIRE(mkdir(away, 0755) == 0);
	REQUIRE(symlink(away, path) == 0);
	CHECK_EQ(au_mkdir(path, 0700, &d), AU_EIO);
	CHECK_EQ(d.sys, EEXIST);
	CHECK(strstr(d.msg, "a symbolic link is in the way") != NULL);
	CHECK(au_stat(path, &st, NULL) == 0 && st.type == AU_FT_LINK);
	snprintf(path, sizeof(path), "%s/lock", dir);
	snprintf(inside, sizeof(inside), "%s/lockfile", away);
	REQUIRE(symlink(inside, path) == 0);
	CHECK_EQ(au_lock_take(path, &lk, &d), AU_EIO);
	CHECK_EQ(d.sys, ELOOP);
	CHECK(strstr(d.msg, "a symbolic link is in the way") != NULL);
	CHECK(au_stat(inside, &st, NULL) == 0 && st.type == AU_FT_NONE);
	au_lock_release(lk);
}

TEST(regular_file_reads)
{
	char path[300];
	uint8_t *buf = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/f", dir);
	REQUIRE(au_file_replace(path, "abc", 3, 0644, NULL) == 0);
	REQUIRE(au_file_read_all(path, 16, &buf, &len, NULL) == 0);
	CHECK_EQ(len, 3);
	CHECK(memcmp(buf, "abc", 3) == 0);
	free(buf);
	CHECK_EQ(au_file_read_all(path, 2, &buf, &len, NULL), AU_ETOOBIG);
}

TEST(missing_library_is_AU_EINSTALL_and_named)
{
	const char *names[] = { "strlen" };
	void *syms[1];
	struct au_diag d = { "", 0 };

	CHECK_EQ(au_dl_load("libaiupdate-no-such.so.0", names, syms, 1, &d),
	    AU_EINSTALL);
	CHECK(strstr(d.msg, "libaiupdate-no-such.so.0") != NULL);
}

TEST(missing_symbol_is_AU_EINSTALL_and_named)
{
	const char *names[] = { "strlen", "au_no_such_function" };
	void *syms[2];
	struct au_diag d = { "", 0 };

	CHECK_EQ(au_dl_load("libc.so.6", names, syms, 2, &d), AU_EINSTALL);
	CHECK(strstr(d.msg, "au_no_such_function") != NULL);
}

TEST(libarchive_table_is_complete_and_live)
{
	const struct au_libarchive *la = NULL;
	struct archive *a;

	REQUIRE(au_libarchive(&la, NULL) == 0);
	REQUIRE(la != NULL && la->archive_read_new != NULL &&
	    la->archive_entry_size_is_set != NULL);
	a = la->archive_read_new();
	REQUIRE(a != NULL);
	CHECK_EQ(la->archive_read_support_format_tar(a), ARCHIVE_OK);
	CHECK_EQ(la->archive_read_free(a), ARCHIVE_OK);
}

TEST(spawn_tells_not_executable_from_not_found)
{
	char path[300], missing[300];
	char *argv[2];
	struct au_diag d = { "", 0 };
	int status = -5;

	snprintf(path, sizeof(path), "%s/noexec.sh", dir);
	snprintf(missing, sizeof(missing), "%s/none.sh", dir);
	REQUIRE(au_file_replace(path, "#!/bin/sh\nexit 0\n", 17, 0644, NULL) ==
	    0);
	argv[0] = path;
	argv[1] = NULL;
	REQUIRE(au_spawn(argv, NULL, 5, &status, NULL) == 0);
	CHECK_EQ(status, 126);		/* found, not executable */
	argv[0] = missing;
	REQUIRE(au_spawn(argv, NULL, 5, &status, NULL) == 0);
	CHECK_EQ(status, 127);		/* not found */
	CHECK_EQ(au_executable(path, &d), AU_EIO);
	CHECK(strstr(d.msg, "ermission denied") != NULL);
	CHECK_EQ(au_executable(missing, NULL), AU_EIO);
	CHECK_EQ(au_executable("no-such-program-aiupdate", &d), AU_EIO);
	CHECK(strstr(d.msg, "not found in PATH") != NULL);
	CHECK_EQ(au_executable("sh", NULL), 0);	/* found in PATH */
	CHECK_EQ(au_executable(dir, NULL), AU_EIO);	/* a directory */
}

/* How many lines of file are exactly line. */
static int
lines_equal(const char *file, const char *line)
{
	char buf[8192];
	FILE *fp = fopen(file, "r");
	int n = 0;

	if (fp == NULL)
		return -1;
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		n += strcmp(buf, line) == 0;
	}
	fclose(fp);
	return n;
}

/*
 * Issue 11: the environment and the PATH lookup are made in the parent
 * (before, the child called putenv() and execvp(), neither async-signal-
 * safe, and so searched the PATH it had just been given).  The child sees
 * this process's environment with env_extra's names replaced, each once.
 */
TEST(spawn_builds_env_and_finds_program_in_the_parent)
{
	static char a1[] = "AIU_SPAWN_A=1", home[] = "HOME=/override",
	    path[] = "PATH=/nonexistent-aiupdate", a2[] = "AIU_SPAWN_A=2",
	    sh[] = "sh", dash_c[] = "-c";
	char out[300], cmd[340], script[300];
	char *argv[4];
	char *extra[] = { a1, home, path, a2, NULL };
	int status = -5;

	snprintf(out, sizeof(out), "%s/env.out", dir);
	snprintf(cmd, sizeof(cmd), "/usr/bin/env > %s", out);
	REQUIRE(setenv("HOME", "/parent-home", 1) == 0);
	argv[0] = sh;		/* found in this process's PATH */
	argv[1] = dash_c;
	argv[2] = cmd;
	argv[3] = NULL;
	REQUIRE(au_spawn(argv, extra, 5, &status, NULL) == 0);
	CHECK_EQ(status, 0);
	CHECK_EQ(lines_equal(out, "AIU_SPAWN_A=2"), 1);
	CHECK_EQ(lines_equal(out, "AIU_SPAWN_A=1"), 0);
	CHECK_EQ(lines_equal(out, "HOME=/override"), 1);
	CHECK_EQ(lines_equal(out, "HOME=/parent-home"), 0);
	CHECK_EQ(lines_equal(out, "PATH=/nonexistent-aiupdate"), 1);
	/* a script without "#!" runs through /bin/sh, as with execvp */
	snprintf(script, sizeof(script), "%s/nobang", dir);
	REQUIRE(au_file_replace(script, "exit 7\n", 7, 0755, NULL) == 0);
	argv[0] = script;
	argv[1] = NULL;
	REQUIRE(au_spawn(argv, NULL, 5, &status, NULL) == 0);
	CHECK_EQ(status, 7);
}

/*
 * Direct mode (au_file_direct): aligned blocks, appends after a reopen at
 * an aligned and an unaligned end, a tail and a write from an unaligned
 * buffer all land in order; reading back through the same descriptor right
 * after a direct write, into an unaligned buffer, works (O_DIRECT is off
 * for reads), and au_file_writeback is fine in between.
 * Where the file system refuses O_DIRECT the same holds (buffered).
 */
TEST(direct_writes_land_in_order_and_read_back)
{
	char path[300];
	struct au_file *f;
	uint8_t *blk, *back;
	size_t i, got = 0, n, total = 5 * 4096 + 100 + 777;
	struct au_diag d = { "", 0 };

	snprintf(path, sizeof(path), "%s/direct.part", dir);
	blk = aligned_alloc(AU_FILE_DIRECT_ALIGN, 3 * 4096 + 8192);
	back = malloc(total + 1);
	REQUIRE(blk != NULL && back != NULL);
	for (i = 0; i < 3 * 4096 + 8192; i++)
		blk[i] = (uint8_t)(i * 7 + i / 4096);
	REQUIRE(au_file_create(path, 0600, &f, &d) == 0);
	au_file_direct(f);
	CHECK_EQ(au_file_write(f, blk, 3 * 4096, &d), 0);	/* direct */
	CHECK_EQ(au_file_writeback(f, 0, 3 * 4096, &d), 0);
	CHECK_EQ(au_file_sync(f, &d), 0);
	CHECK_EQ(au_file_close(f), 0);
	/* resumed at an aligned end: direct again, then read back at once */
	REQUIRE(au_file_open_append(path, &f, &d) == 0);
	au_file_direct(f);
	CHECK_EQ(au_file_write(f, blk, 8192, &d), 0);
	CHECK_EQ(au_file_rewind(f, &d), 0);
	REQUIRE(au_file_read(f, back + 1, 4097, &n, &d) == 0);
	CHECK_EQ(n, 4097);
	CHECK(memcmp(back + 1, blk, 4097) == 0);
	CHECK_EQ(au_file_close(f), 0);
	/* resumed again: a tail, then from an unaligned buffer at an unaligned end */
	REQUIRE(au_file_open_append(path, &f, &d) == 0);
	au_file_direct(f);
	CHECK_EQ(au_file_write(f, blk, 100, &d), 0);
	CHECK_EQ(au_file_write(f, blk + 1, 777, &d), 0);
	CHECK_EQ(au_file_rewind(f, &d), 0);
	for (;;) {
		REQUIRE(au_file_read(f, back + 1 + got, total - got, &n, &d) == 0);
		if (n == 0)
			break;
		got += n;
	}
	CHECK_EQ(got, total);
	CHECK(memcmp(back + 1, blk, 3 * 4096) == 0);
	CHECK(memcmp(back + 1 + 3 * 4096, blk, 8192) == 0);
	CHECK(memcmp(back + 1 + 5 * 4096, blk, 100) == 0);
	CHECK(memcmp(back + 1 + 5 * 4096 + 100, blk + 1, 777) == 0);
	CHECK_EQ(au_file_close(f), 0);
	free(blk);
	free(back);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	signal(SIGALRM, on_alarm);
	if (harness_tmpdir(dir, sizeof(dir), "aiu-port") == NULL)
		return 1;
	RUN(fifo_in_place_of_a_file_is_refused_without_blocking);
	RUN(device_is_refused);
	RUN(regular_file_reads);
	RUN(missing_library_is_AU_EINSTALL_and_named);
	RUN(missing_symbol_is_AU_EINSTALL_and_named);
	RUN(libarchive_table_is_complete_and_live);
	RUN(spawn_tells_not_executable_from_not_found);
	RUN(spawn_builds_env_and_finds_program_in_the_parent);
	RUN(symlink_and_directory_in_place_of_a_file_are_refused);
	RUN(symlink_in_the_way_of_mkdir_and_lock_is_named_not_followed);
	RUN(direct_writes_land_in_order_and_read_back);
	if (au_remove_tree(dir, NULL) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return harness_done();
}
