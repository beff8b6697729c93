/* SPDX-License-Identifier: ISC */
/* tests/unit/test_err.c - error codes, diagnostics and exit statuses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli.h"
#include "client/preflight.h"
#include "port/err.h"
#include "port/port.h"
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

/* Issue 11: wrapping keeps the underlying errno and the message (its path). */
TEST(diag_wrap_keeps_errno_and_path)
{
	struct au_diag d;

	(void)au_diag_sys(&d, AU_ENOSPC, ENOSPC, "write /s/partial/x.part: "
	    "No space left on device");
	CHECK_EQ(au_diag_wrap(&d, AU_EINSTALL, "staging %s", "models/a"),
	    AU_EINSTALL);
	CHECK_EQ(d.sys, ENOSPC);
	CHECK_STR(d.msg, "staging models/a: write /s/partial/x.part: No space "
	    "left on device");
	(void)au_diag_set(&d, AU_EINSTALL, "a new failure");
	CHECK_EQ(d.sys, 0);	/* set starts afresh, wrap does not */
	d.msg[0] = '\0';
	(void)au_diag_wrap(&d, AU_EIO, "context only");
	CHECK_STR(d.msg, "context only");
	CHECK_EQ(au_diag_wrap(NULL, AU_EIO, "x"), AU_EIO);
}

/*
 * Issue 11: a lock or mkdir failure in a usable state_dir was re-worded by
 * au_preflight_state_dir into a configuration error with errno 0.  Its
 * errno and path stay, and a failure of the machine (EIO, ENOMEM) keeps
 * its own class instead of exit 2.
 */
TEST(state_dir_failure_keeps_errno_and_path)
{
	char dir[256];
	struct au_diag d;

	REQUIRE(harness_tmpdir(dir, sizeof(dir), "aiu-test-err") != NULL);
	(void)au_diag_sys(&d, AU_EIO, EIO, "open %s/lock: Input/output error",
	    dir);
	CHECK_EQ(au_preflight_state_dir(dir, &d), AU_EIO);
	CHECK_EQ(d.sys, EIO);
	CHECK(strstr(d.msg, "/lock: Input/output error") != NULL);
	CHECK(strstr(d.msg, "state_dir") != NULL);
	(void)au_diag_sys(&d, AU_EIO, ENAMETOOLONG, "mkdir %s/metadata: File "
	    "name too long", dir);
	CHECK_EQ(au_preflight_state_dir(dir, &d), AU_ECONFIG);
	CHECK_EQ(d.sys, ENAMETOOLONG);
	CHECK(strstr(d.msg, "/metadata: File name too long") != NULL);
	(void)au_diag_sys(&d, AU_ENOMEM, ENOMEM, "out of memory");
	CHECK_EQ(au_preflight_state_dir(dir, &d), AU_ENOMEM);
	CHECK_EQ(au_remove_tree(dir, NULL), 0);
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
	CHECK(strcmp(au_strerror(AU_EWEBHOOK_STALE), "unknown error") != 0);
	CHECK(strcmp(au_strerror(AU_EWEBHOOK_SIG), "unknown error") != 0);
	CHECK_EQ(au_err_class(AU_EWEBHOOK_SIG), -1100);
	CHECK_STR(au_strerror(-12345), "unknown error");
}

int
main(int argc, char **argv)
{
	harness_args(argc, argv);
	RUN(diag_wraps_its_own_message);
	RUN(diag_truncates_and_accepts_null);
	RUN(diag_wrap_keeps_errno_and_path);
	RUN(state_dir_failure_keeps_errno_and_path);
	RUN(classes_map_to_the_documented_exit_statuses);
	RUN(every_code_has_text);
	return harness_done();
}
