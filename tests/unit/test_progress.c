/* SPDX-License-Identifier: ISC */
/* tests/unit/test_progress.c - the download progress line. */
#include "client/report/progress.h"

#include <string.h>

#include "tests/unit/harness.h"
#include "port/ban.h"

TEST(format_midway)
{
	char line[AU_PROGRESS_LINE_MAX];

	/* 8 MiB of 16 MiB in 2 s: 4 MiB/s, 2 s left. */
	au_progress_format("models/m.bin", 8u << 20, 16u << 20, 2000, line,
	    sizeof(line));
	CHECK_STR(line, "models/m.bin [##########..........]  50%  8.0 MiB/16.0 MiB"
	    "  4.0 MiB/s  0:02 left");
}

TEST(format_start_and_end)
{
	char line[AU_PROGRESS_LINE_MAX];

	au_progress_format("x", 0, 1000, 0, line, sizeof(line));
	CHECK_STR(line, "x [....................]   0%  0 B/1000 B  --/s  --:-- left");
	au_progress_format("x", 3u << 30, 3u << 30, 3600000, line, sizeof(line));
	CHECK(strstr(line, "100%  3.0 GiB/3.0 GiB") != NULL);
	CHECK(strstr(line, "0:00 left") != NULL);
	au_progress_format("x", 0, 0, 10, line, sizeof(line));	/* empty file */
	CHECK(strstr(line, "100%") != NULL);
}

TEST(long_time_left)
{
	char line[AU_PROGRESS_LINE_MAX];

	/* 1 MiB of 1 GiB in 10 s: 1023 MiB at 0.1 MiB/s = 10230 s = 2:50:30 */
	au_progress_format("x", 1u << 20, 1u << 30, 10000, line, sizeof(line));
	CHECK(strstr(line, "2:50:30 left") != NULL);
}

TEST(throttled_but_final_always_drawn)
{
	struct au_progress p;
	char line[AU_PROGRESS_LINE_MAX];

	au_progress_begin(&p, "models/m.bin", 1000, 5000);
	CHECK_EQ(au_progress_update(&p, 10, 5050, line, sizeof(line)), 0);
	CHECK_EQ(au_progress_update(&p, 20, 5100, line, sizeof(line)), 1);
	CHECK_EQ(au_progress_update(&p, 30, 5150, line, sizeof(line)), 0);
	CHECK_EQ(au_progress_update(&p, 1000, 5160, line, sizeof(line)), 1);
	CHECK(strstr(line, "100%") != NULL);
}

TEST(long_name_keeps_its_end)
{
	struct au_progress p;
	char name[200];

	memset(name, 'a', sizeof(name));
	memcpy(name + sizeof(name) - 8, "end.bin", 8);
	au_progress_begin(&p, name, 1, 0);
	CHECK_EQ(strlen(p.name), sizeof(p.name) - 1);
	CHECK(strncmp(p.name, "...", 3) == 0);
	CHECK(strcmp(p.name + strlen(p.name) - 7, "end.bin") == 0);
}

TEST(small_buffer_is_truncated)
{
	char line[10];

	au_progress_format("models/m.bin", 1, 2, 1, line, sizeof(line));
	CHECK_EQ(strlen(line), 9);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(format_midway);
	RUN(format_start_and_end);
	RUN(long_time_left);
	RUN(throttled_but_final_always_drawn);
	RUN(long_name_keeps_its_end);
	RUN(small_buffer_is_truncated);
	return harness_done();
}
