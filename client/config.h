/* SPDX-License-Identifier: ISC */
/* client/config.h - the aiupdate.conf INI file (parsed with libinih). */
#ifndef AU_CONFIG_H
#define AU_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"

#define AU_CONFIG_MAX_BYTES 65536	/* larger config files are refused */
/* Longest line, newline excluded: libinih (INI_MAX_LINE 200, the newline
 * and the NUL included) reads a longer one as two (and numbers every later
 * line wrong), so au_config_load() refuses it first, naming the line. */
#define AU_CONFIG_LINE_MAX 198
#define AU_CONFIG_PATH_MAX 1024		/* any path value */
#define AU_CONFIG_MAX_TARGETS 32	/* names in [repository] targets */
#define AU_CONFIG_DEFAULT "/etc/aiupdate/aiupdate.conf"
#define AU_CONFIG_MIN_RATE 8192		/* [transport] min_rate, bytes/s */
#define AU_CONFIG_DEADLINE_BASE 30	/* [transport] deadline_base, s */
#define AU_CONFIG_DELTA_MAX_SHARE 70	/* [delta] max_share, percent */
#define AU_CONFIG_MAX_KEEP 16		/* [install] keep (client/install/state.h: 2 + AU_STATE_MAX_OLDER) */

#define AU_CONFIG_HOST_MAX 254		/* a DNS name with its NUL */
#define AU_CONFIG_URL_PATH_MAX 256	/* [report] url path with its NUL */
#define AU_CONFIG_REPORT_PATH "/aiupdate/v1/report"	/* default report path */
#define AU_CONFIG_OUTBOX_MAX 64		/* [report] outbox_max default */
#define AU_CONFIG_OUTBOX_BYTES (1u << 20)	/* [report] outbox_max_bytes default */
enum { AU_REPORT_SIGN_ED25519 = 1, AU_REPORT_SIGN_HMAC = 2,
	AU_REPORT_SIGN_BOTH = 3 };	/* a bit set */

/* [discovery] rfc5011: RFC 5011 tracking of the trust anchor in state_dir. */
#define AU_CONFIG_MAX_SIGNERS 16	/* [provenance] key.NAME and ca.NAME entries */

/* A trusted model publisher ([provenance] key.NAME or ca.NAME = PEM file). */
struct au_config_signer {
	char name[64];
	char path[AU_CONFIG_PATH_MAX];
	int is_ca;			/* ca.NAME: CA certificates; else a public key */
};

enum { AU_RFC5011_NO = 0, AU_RFC5011_YES, AU_RFC5011_AUTO /* root anchor only */ };

struct au_config {
	/* [discovery] */
	char domain[256];		/* required */
	char trust_anchor[AU_CONFIG_PATH_MAX];	/* default /usr/share/dns/root.key */
	char resolver[128];		/* "" = full recursion, else "ADDR@PORT" */
	int rfc5011;			/* AU_RFC5011_*: no | yes | auto (default) */
	/* [tls] */
	char ca_file[AU_CONFIG_PATH_MAX];	/* default Debian's CA bundle */
	int tls_auth;			/* enum au_tls_auth (client/transport/http.h): auth =
					   dane | ca | dane-or-ca (default) | dane-and-ca */
	int warn_days;			/* [report] warn_days: WARN for what expires
					   within this many days; default 7, 0..3650 */
	/* [repository] */
	char trusted_root[AU_CONFIG_PATH_MAX];	/* required */
	char *targets[AU_CONFIG_MAX_TARGETS];	/* required, owned */
	size_t ntargets;
	/* [install] */
	char state_dir[AU_CONFIG_PATH_MAX];	/* required */
	char health_check[AU_CONFIG_PATH_MAX];	/* "" = none */
	int health_timeout;		/* seconds, default 60, 1..86400 */
	/* [transport]: every GET must finish within deadline_base seconds
	 * plus its byte cap (metadata) or signed length (artifact) divided
	 * by min_rate bytes per second - the answer to slow retrieval. */
	int min_rate;			/* bytes/s, default AU_CONFIG_MIN_RATE */
	int deadline_base;		/* seconds, default AU_CONFIG_DEADLINE_BASE */
	char metrics_file[AU_CONFIG_PATH_MAX];	/* "" = none (client/report/metrics.h) */
	int confirm;			/* confirm = yes|no (default no): a new
					   version stays in trial until --commit */
	int trial_runs;			/* --apply runs before an uncommitted trial
					   rolls back; default 3, 0..1000, 0 = no limit */
	int trial_seconds;		/* seconds likewise; default 86400,
					   0..31536000, 0 = no limit (client/install/trial.h) */
	int keep;			/* versions kept per target: default 2
					   (current + previous), 1..AU_CONFIG_MAX_KEEP */
	uint64_t bundle_max_bytes;	/* extraction budget when signed custom sets
					   none (client/metadata/budget.h); default and max
					   AU_BUNDLE_MAX_BYTES */
	uint64_t bundle_max_entries;	/* likewise; default and max
					   AU_BUNDLE_MAX_ENTRIES */
	int delta_max_share;		/* [delta] max_share: a delta update
					   (client/fetch/delta.h) is made only when
					   it moves at most this percent of the
					   file, else a full download; default
					   AU_CONFIG_DELTA_MAX_SHARE, 0..100, 0 = never */
	/* [fleet] (client/metadata/fleet.h) */
	char device_class[65];		/* one name or "" (AU_FLEET_NAME_MAX) */
	char device_tags[1024];		/* names, space/comma separated, or "" */
	char device_id[129];		/* "" = /etc/machine-id (AU_FLEET_ID_MAX) */
	/* [provenance] (client/install/provenance.h) */
	int prov_mode;			/* enum au_prov_mode for targets no pattern
					   names: off (default) | warn | require */
	char prov_require[AU_CONFIG_LINE_MAX + 1];	/* fnmatch patterns */
	char prov_warn[AU_CONFIG_LINE_MAX + 1];
	char prov_off[AU_CONFIG_LINE_MAX + 1];
	int prov_allow_unsigned;	/* allow_unsigned = yes|no (default no) */
	struct au_config_signer signers[AU_CONFIG_MAX_SIGNERS];
	size_t nsigners;
	/* [report] status reports to the fleet (client/report/send.h,
	 * docs/report.md); off unless endpoint or url is given */
	char report_endpoint[AU_CONFIG_HOST_MAX];	/* endpoint = DOMAIN: SRV
					   _aiupdate-report._tcp.DOMAIN */
	char report_host[AU_CONFIG_HOST_MAX];	/* url = https://HOST[:PORT]/PATH */
	uint16_t report_port;		/* 443 unless the url says */
	char report_path[AU_CONFIG_URL_PATH_MAX];	/* "" = the TXT path= or
					   AU_CONFIG_REPORT_PATH */
	int report_signing;		/* AU_REPORT_SIGN_*: signing = ed25519
					   (default) | hmac | both */
	char report_secret_file[AU_CONFIG_PATH_MAX];	/* hmac_secret_file:
					   "whsec_..." (keys/webhook.h), needed for hmac */
	int report_outbox_max;		/* outbox_max: reports queued, default
					   AU_CONFIG_OUTBOX_MAX, 1..1024 */
	uint64_t report_outbox_bytes;	/* outbox_max_bytes: default 1 MiB,
					   65536..67108864 */
};

/*
 * Load and validate the config file at path into *cfg (initialised here;
 * release with au_config_clear()).  Unknown sections or keys, values that do
 * not parse, values over their maximum, duplicate target names, or a missing
 * required key are errors; diag names the file and line, e.g.
 * "/etc/aiupdate/aiupdate.conf:7: unknown key 'domian' in [discovery]".
 * Errors: AU_ECONFIG (missing, unreadable or invalid file).
 */
AU_NODISCARD int au_config_load(const char *path, struct au_config *cfg,
    struct au_diag *diag);

/* Free what au_config_load allocated; safe on a zeroed struct. */
void au_config_clear(struct au_config *cfg);

#endif
