/* SPDX-License-Identifier: ISC */
/*
 * client/report/run_report.h - the values a run reports: what discovery,
 * transport, metadata and install saw, filled in as the run goes and read by
 * the human and --json reports, the events, the metrics and last-run.json.
 *
 * Values only (STYLE.md 4b): plain structs, enums and their limits; no
 * functions with state and no include of client/, so every stage may
 * include it and no stage includes another through it.  Limits that other
 * headers also name are defined here once (dns.h's AU_DNS_HOST_MAX is
 * AU_REPORT_HOST_MAX, ...); client/update.c checks the config's against them.
 */
#ifndef AU_RUN_REPORT_H
#define AU_RUN_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "port/err.h"

#define AU_REPORT_MAX_TARGETS 32	/* = AU_CONFIG_MAX_TARGETS */
#define AU_REPORT_PATH_MAX 1024		/* = AU_CONFIG_PATH_MAX */
#define AU_REPORT_HOST_MAX 254		/* text host name incl. NUL, no trailing dot */
#define AU_REPORT_MAX_QUERIES 48	/* DNS queries recorded per run */
#define AU_REPORT_MAX_HOSTS 16		/* service hosts (SRV/SVCB records) */
#define AU_REPORT_MSG_MAX AU_DIAG_MAX

/* ---- discovery and transport (client/discover, client/transport) ---- */

#define AU_NET_MSG_MAX 240

/* Validation state of one query, RFC 4033 section 5 terms. */
enum au_dns_state {
	AU_DNS_SECURE = 0,	/* secure data */
	AU_DNS_SECURE_NODATA,	/* secure proof that the type does not exist */
	AU_DNS_SECURE_NXDOMAIN,	/* secure proof that the name does not exist */
	AU_DNS_INSECURE,	/* provably unsigned */
	AU_DNS_BOGUS,		/* validation failed */
	AU_DNS_FAILED,		/* SERVFAIL, timeout, resolver error */
};

/* What one query returned, for `aiupdate --check -v`. */
struct au_dns_query_info {
	char name[AU_REPORT_HOST_MAX + 16];	/* owner name asked, no trailing dot */
	char type[8];				/* "SRV", "SVCB", "HTTPS", "TXT", "A", "AAAA", "TLSA" */
	enum au_dns_state state;
	int records;		/* records in the answer (secure data only) */
	int64_t rrsig_expires;	/* earliest RRSIG expiration over the answer
				   (seconds since the epoch); 0: none seen */
	char why[160];		/* why_bogus / rcode text; "" when secure */
};

/* What the last successful handshake saw, for the field-support report. */
struct au_tls_peer {
	char version[16];		/* "TLSv1.2" */
	char cipher[64];		/* IANA/mbedTLS suite name */
	char name[160];			/* leaf's DNS names (or CN), comma-separated */
	char spki_sha256[65];		/* leaf's SubjectPublicKeyInfo SHA-256, hex */
	int64_t leaf_not_after;		/* leaf notAfter, seconds since the epoch */
	int64_t chain_not_after;	/* earliest notAfter over the chain checked */
	const char *auth;		/* au_tls_auth_used(); "" when none */
};

/* One host tried. */
struct au_host_attempt {
	char host[AU_REPORT_HOST_MAX];
	uint16_t port;
	char source[8];			/* "SRV", "SVCB", "HTTPS" */
	char addr[64];			/* first validated address, "" if none */
	int err;			/* 0: used; else why it was left */
	char msg[AU_NET_MSG_MAX];
};

/* What discovery and transport saw (for -v and --json). */
struct au_net_report {
	char resolver[128];		/* "" = full recursion */
	char trust_anchor[AU_REPORT_PATH_MAX + 32];	/* file in use */
	const char *anchor_mode;	/* "static" or "RFC 5011" */
	int64_t validated_at;		/* time signatures were judged at */
	struct au_dns_query_info q[AU_REPORT_MAX_QUERIES];
	size_t nq;
	struct au_host_attempt hosts[AU_REPORT_MAX_HOSTS];
	size_t nhosts;
	struct au_tls_peer tls;		/* of the host used */
};

/* ---- the run (client/update.h) ---- */

enum au_mode {
	AU_MODE_CHECK = 0,	/* refresh metadata, never download artifacts */
	AU_MODE_APPLY,		/* and install every tracked target with an update */
};

enum au_target_status {
	AU_T_UNKNOWN = 0,	/* the run stopped before this target was looked at */
	AU_T_UPTODATE,		/* installed hash == signed hash */
	AU_T_AVAILABLE,		/* a newer signed version exists (check) */
	AU_T_INSTALLED,		/* installed in this run (apply) */
	AU_T_NOT_IN_REPO,	/* the signed targets do not list it */
	AU_T_OLDER,		/* signed version <= installed one: refused */
	AU_T_BAD,		/* this version failed its health check before */
	AU_T_FAILED,		/* download, verification or install failed */
	AU_T_ROLLED_BACK,	/* health check failed, previous restored */
	AU_T_NOT_FOR_DEVICE,	/* signed custom targets other devices, or the
				 * staged rollout has not reached this one
				 * (client/metadata/fleet.h); never downloaded */
	AU_T_IN_TRIAL,		/* the installed version waits for --commit;
				 * nothing newer is installed meanwhile
				 * (client/install/trial.h); msg says more */
};

/*
 * A delta update of one target (client/fetch/delta.h, issue 13): whether
 * one was tried, whether it built the file, or why a full download was
 * made instead, and the bytes.
 */
struct au_delta_report {
	int tried;			/* the target names a chunk index */
	int used;			/* 1: built from chunks (no full download) */
	uint64_t fetched;		/* bytes received by range requests + index */
	uint64_t reused;		/* bytes copied from the local version */
	uint64_t to_move;		/* bytes the plan said must be fetched */
	uint64_t index_bytes;		/* the chunk index's signed length */
	char why[160];			/* the decision, e.g. "delta: 5% to move" or
					   "full download: the server ignores ranges" */
};

struct au_target_report {
	const char *name;		/* borrowed from the config */
	enum au_target_status status;
	int64_t installed_version;	/* -1 when nothing is installed */
	char installed_hash[65];	/* sha256 hex or "" */
	int64_t available_version;	/* -1 when not in the repository */
	char available_hash[65];
	uint64_t length;		/* bytes, as signed */
	uint64_t downloaded;		/* bytes moved in this run */
	struct au_delta_report delta;	/* issue 13; zero when not tried */
	int err;			/* AU_E* for FAILED/ROLLED_BACK */
	char msg[AU_REPORT_MSG_MAX];
	char provenance[400];		/* OMS verdict and signer, "" when not checked
					   (client/install/provenance.h) */
};

struct au_role_report {
	int64_t version;		/* -1 when not loaded */
	int64_t expires;		/* seconds since the epoch */
};

struct au_report {
	int64_t now;			/* the run's one reading of the clock */
	char host[256];			/* repository host from SRV */
	uint16_t port;
	char path[256];			/* repository path prefix */
	char addr[64];			/* the address connected to */
	const char *tls_auth;		/* "CA", "DANE-EE", ... */
	struct au_role_report root, timestamp, snapshot, targets;
	struct au_target_report t[AU_REPORT_MAX_TARGETS];
	size_t n;
	int updates;			/* targets with an update available */
	const char *phase;		/* where the run stopped: "discovery", ... */
	int err;			/* the run's result, 0 or AU_E* */
	struct au_diag diag;		/* the run's error detail */
	struct au_net_report net;	/* DNS queries, hosts tried, TLS peer */
	int64_t clock;			/* the clock's reading (now is max(clock,
					   floor): client/clock.h); set by the caller */
	int64_t floor;			/* the time floor before the run */
	int warn_days;			/* WARN horizon of the report, days */
};

/* Text for a target status ("up-to-date", "update-available", ...). */
const char *au_target_status_name(enum au_target_status s);

#endif
