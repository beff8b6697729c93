/* SPDX-License-Identifier: ISC */
/* tests/unit/test_port.c - the POSIX backend's refusals of special files,
 * and its loading of optional shared libraries. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/install/libarchive_dl.h"
#include "port/port.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

static char dir[] = "/tmp/aiu-port.XXXXXX";

static void
on_alarm(int sig)
{
	(void)sig;
	fprintf(stderr, "  FAIL: blocked opening a special file\n");
	_exit(1);
}

TEST(fifo_in_place_of_a_file_is_refused_without_blocking)
{
	char path[256];
	uint8_t *buf = NULL;
	size_t len;
	struct au_diag d;

	snprintf(path, sizeof(path), "%s/timestamp.json", dir);
	REQUIRE(mkfifo(path, 0600) == 0);
	alarm(5);
	CHECK_EQ(au_file_read_all(path, 16384, &buf, &len, &d), AU_EIO);
	alarm(0);
	CHECK(strstr(d.msg, "not a regular file") != NULL);
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

TEST(regular_file_reads)
{
	char path[256];
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
	char path[256], missing[256];
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

int
main(void)
{
	signal(SIGALRM, on_alarm);
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(fifo_in_place_of_a_file_is_refused_without_blocking);
	RUN(device_is_refused);
	RUN(regular_file_reads);
	RUN(missing_library_is_AU_EINSTALL_and_named);
	RUN(missing_symbol_is_AU_EINSTALL_and_named);
	RUN(libarchive_table_is_complete_and_live);
	RUN(spawn_tells_not_executable_from_not_found);
	if (au_remove_tree(dir, NULL) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return harness_done();
}
