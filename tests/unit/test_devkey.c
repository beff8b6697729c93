/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_devkey.c - client/report/devkey: made once (0600), the
 * same key on reload, refused (never replaced) when damaged or readable by
 * others; and it signs what keys/webhook verifies.
 */
#include "client/report/devkey.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "keys/webhook.h"
#include "port/port.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

TEST(made_once_then_loaded)
{
	char dir[512], path[600];
	struct au_devkey *a = NULL, *b = NULL;
	struct au_stat st;
	uint8_t pk[32];
	int created = -1;

	REQUIRE(harness_tmpdir(dir, sizeof(dir), "test_devkey") != NULL);
	CHECK_EQ(au_devkey_load(dir, 0, &a, &created, NULL), AU_EIO);
	REQUIRE(au_devkey_load(dir, 1, &a, &created, NULL) == 0);
	CHECK_EQ(created, 1);
	(void)snprintf(path, sizeof(path), "%s/%s", dir, AU_DEVKEY_FILE);
	REQUIRE(au_stat(path, &st, NULL) == 0);
	CHECK_EQ(st.mode & 0777, 0600);
	REQUIRE(au_devkey_load(dir, 1, &b, &created, NULL) == 0);
	CHECK_EQ(created, 0);
	CHECK(memcmp(au_devkey_pk(a), au_devkey_pk(b), 32) == 0);
	CHECK(memcmp(au_devkey_sk(a), au_devkey_sk(b), 64) == 0);
	memcpy(pk, au_devkey_pk(a), 32);
	{
		char sig[AU_WEBHOOK_SIGN_MAX];

		REQUIRE(au_webhook_sign("msg_1", 1000, (const uint8_t *)"{}", 2, NULL,
		    0, au_devkey_sk(a), sig, sizeof(sig), NULL) == 0);
		CHECK_EQ(au_webhook_verify("msg_1", "1000", sig, (const uint8_t *)"{}",
		    2, NULL, 0, pk, 1000, NULL), 0);
	}
	au_devkey_free(a);
	au_devkey_free(b);
	au_devkey_free(NULL);
}

TEST(damaged_or_exposed_key_is_refused_not_replaced)
{
	char dir[512], path[600];
	struct au_devkey *k = NULL;
	uint8_t *before = NULL, *after = NULL;
	size_t bl = 0, al = 0;

	REQUIRE(harness_tmpdir(dir, sizeof(dir), "test_devkey") != NULL);
	(void)snprintf(path, sizeof(path), "%s/%s", dir, AU_DEVKEY_FILE);
	REQUIRE(au_file_replace(path, "whsk_short\n", 11, 0600, NULL) == 0);
	CHECK_EQ(au_devkey_load(dir, 1, &k, NULL, NULL), AU_ECONFIG);
	REQUIRE(au_file_read_all(path, 128, &before, &bl, NULL) == 0);
	REQUIRE(au_file_replace(path, "whsk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	    50, 0644, NULL) == 0);
	CHECK_EQ(au_devkey_load(dir, 1, &k, NULL, NULL), AU_ECONFIG);
	REQUIRE(chmod(path, 0600) == 0);
	CHECK_EQ(au_devkey_load(dir, 1, &k, NULL, NULL), 0);
	au_devkey_free(k);
	REQUIRE(au_file_read_all(path, 128, &after, &al, NULL) == 0);
	CHECK(al == 50 && bl == 11);	/* the damaged one was not replaced either */
	free(before);
	free(after);
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(made_once_then_loaded);
	RUN(damaged_or_exposed_key_is_refused_not_replaced);
	return harness_done();
}
