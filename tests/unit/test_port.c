/* SPDX-License-Identifier: ISC */
/* tests/unit/test_port.c - the POSIX backend's refusals of special files. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "port/port.h"
#include "tests/unit/harness.h"

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

int
main(void)
{
	signal(SIGALRM, on_alarm);
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(fifo_in_place_of_a_file_is_refused_without_blocking);
	RUN(device_is_refused);
	RUN(regular_file_reads);
	if (au_remove_tree(dir, NULL) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return harness_done();
}
