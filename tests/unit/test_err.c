/* SPDX-License-Identifier: ISC */
/* tests/unit/test_err.c - error codes, diagnostics and exit statuses. */
#include <string.h>

#include "client/cli.h"
#include "port/err.h"
#include "tests/unit/harness.h"
#include "port/ban.h"

TEST(diag_wraps_its_own_message)
{
	struct au_diag d;

	(void)au_diag_set(&d, AU_EIO, "open %s: %s", "/x", "No such file");
	CHECK_EQ(au_diag_set(&d, AU_ETRUSTROOT, "trusted root %s: %s", "/x",
	    d.msg), AU_ETRUSTROOT);
	CHECK_STR(d.msg, "trusted root /x: open /x: No such file");
}

TEST(diag_truncates_and_accepts_null)
{
	struct au_diag d;
	char big[2 * AU_DIAG_MAX];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	(void)au_diag_sys(&d, AU_EIO, 28, "%s", big);
	CHECK_EQ(strlen(d.msg), AU_DIAG_MAX - 1);
	CHECK_EQ(d.sys, 28);
	CHECK_EQ(au_diag_set(NULL, AU_ECONFIG, "x"), AU_ECONFIG);
}

TEST(classes_map_to_the_documented_exit_statuses)
{
	CHECK_EQ(au_exit_status(0), 0);
	CHECK_EQ(au_exit_status(AU_ENOMEM), 1);
	CHECK_EQ(au_exit_status(AU_ECONFIG), 2);
	CHECK_EQ(au_exit_status(AU_EDNS_BOGUS), 10);
	CHECK_EQ(au_exit_status(AU_EDNS_MALFORMED), 10);
	CHECK_EQ(au_exit_status(AU_ETLS), 11);
	CHECK_EQ(au_exit_status(AU_ENOTFOUND), 11);
	CHECK_EQ(au_exit_status(AU_EMETA_ROLLBACK), 12);
	CHECK_EQ(au_exit_status(AU_EART_HASH), 13);
	CHECK_EQ(au_exit_status(AU_EINSTALL), 14);
	CHECK_EQ(au_exit_status(AU_EHEALTH), 15);
	CHECK_EQ(au_exit_status(AU_ECLOCK), 16);
	CHECK_EQ(au_exit_status(AU_ENOSPC), 17);
	CHECK_EQ(au_exit_status(AU_ELOCKED), 75);
}

TEST(every_code_has_text)
{
	CHECK(strcmp(au_strerror(AU_EDNS_BOGUS), "unknown error") != 0);
	CHECK(strcmp(au_strerror(AU_ELOCKED), "unknown error") != 0);
	CHECK_STR(au_strerror(-12345), "unknown error");
}

int
main(void)
{
	RUN(diag_wraps_its_own_message);
	RUN(diag_truncates_and_accepts_null);
	RUN(classes_map_to_the_documented_exit_statuses);
	RUN(every_code_has_text);
	return harness_done();
}
