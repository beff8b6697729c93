/* SPDX-License-Identifier: ISC */
/*
 * tests/fuzz/fuzz_config.c - libFuzzer target for the config file loader
 * (client/config.h au_config_load: libinih plus the client's validation).
 *
 * The input is written to a temporary file, loaded, and cleared.  Checks: a
 * success has every required key set and NUL-terminated, the target names
 * within AU_CONFIG_MAX_TARGETS and the health timeout in range; an error
 * always comes with a diagnostic naming the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/config.h"

#include "port/ban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[512];

/* The input file goes at exit: nothing is left in TMPDIR. */
static void
remove_input(void)
{
	(void)unlink(path);
}

static int
write_input(const uint8_t *data, size_t size)
{
	FILE *f;

	if (path[0] == '\0') {
		const char *tmp = getenv("TMPDIR");
		int fd;

		if (tmp == NULL || tmp[0] == '\0')
			tmp = "/tmp"; /* tmp-ok: the TMPDIR fallback */
		snprintf(path, sizeof(path), "%s/aiu-fuzz-config.XXXXXX", tmp);
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(remove_input);
	}
	f = fopen(path, "wb");
	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	return fclose(f);
}

static void
check_str(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct au_config cfg;
	struct au_diag d;
	size_t i;
	int rc;

	if (write_input(data, size) != 0)
		abort();
	memset(&d, 0, sizeof(d));
	memset(&cfg, 0, sizeof(cfg));
	rc = au_config_load(path, &cfg, &d);
	if (rc == 0) {
		check_str(cfg.domain, sizeof(cfg.domain));
		check_str(cfg.trusted_root, sizeof(cfg.trusted_root));
		check_str(cfg.state_dir, sizeof(cfg.state_dir));
		check_str(cfg.health_check, sizeof(cfg.health_check));
		check_str(cfg.resolver, sizeof(cfg.resolver));
		if (cfg.domain[0] == '\0' || cfg.trusted_root[0] == '\0' ||
		    cfg.state_dir[0] == '\0')
			abort();
		if (cfg.ntargets == 0 || cfg.ntargets > AU_CONFIG_MAX_TARGETS)
			abort();
		for (i = 0; i < cfg.ntargets; i++)
			if (cfg.targets[i] == NULL || cfg.targets[i][0] == '\0')
				abort();
		if (cfg.health_timeout < 1 || cfg.health_timeout > 86400)
			abort();
		/* [report]: one endpoint form at most, a path that starts '/' */
		check_str(cfg.report_endpoint, sizeof(cfg.report_endpoint));
		check_str(cfg.report_host, sizeof(cfg.report_host));
		check_str(cfg.report_path, sizeof(cfg.report_path));
		if ((cfg.report_endpoint[0] && cfg.report_host[0]) ||
		    (cfg.report_path[0] && cfg.report_path[0] != '/') ||
		    cfg.report_port == 0 || cfg.report_signing < 1 ||
		    cfg.report_signing > 3 || cfg.report_outbox_max < 1)
			abort();
	} else if (rc != AU_ECONFIG || strstr(d.msg, "aiu-fuzz-config") == NULL) {
		abort();
	}
	au_config_clear(&cfg);
	return 0;
}
