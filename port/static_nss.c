/* SPDX-License-Identifier: ISC */
/*
 * port/static_nss.c - the guard of the static build (make STATIC=1).
 *
 * A static glibc still reaches the Name Service Switch through dlopen for
 * getaddrinfo, getpwnam, getservbyname and the like, which needs the shared
 * libc of the build machine on the device: the very closure a static build
 * exists to drop.  aiupdate never asks the system resolver (DESIGN.md
 * invariant 1: addresses come from DNSSEC-validated answers) and never looks
 * up users, but libunbound's archive carries code that does (its server
 * side: listen_dnsport.c getaddrinfo, config_file.c getpwnam; WKS record
 * text: getprotoby*, getservbyname).  The Makefile links the static binary
 * with -Wl,--wrap=NAME for each of them and with --fatal-warnings, so:
 *  - every call lands here, prints which function was reached and aborts
 *    (a bug to fix, never a silent dependency on the build machine's libc);
 *  - a new NSS function that some library starts to use makes glibc's link
 *    warning ("Using 'X' in statically linked applications") fatal, until
 *    it is added to AU_STATIC_WRAP in the Makefile and here.
 * The whole test suite runs against the static binary (make STATIC=1
 * check), so a reached wrapper fails a test.
 */
#include <netdb.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "port/ban.h"

/* Declared here: the linker's --wrap gives them their callers. */
int __wrap_getaddrinfo(const char *, const char *, const struct addrinfo *,
    struct addrinfo **);
struct passwd *__wrap_getpwnam(const char *);
struct protoent *__wrap_getprotobynumber(int);
struct protoent *__wrap_getprotobyname(const char *);
struct servent *__wrap_getservbyname(const char *, const char *);
void __wrap_endprotoent(void);
void __wrap_endservent(void);

static void
reached(const char *what)
{
	static const char pre[] = "aiupdate: internal error: the static build "
	    "reached the NSS function ";
	const char *p;
	size_t n = 0;

	for (p = what; *p != '\0'; p++)
		n++;
	(void)!write(STDERR_FILENO, pre, sizeof(pre) - 1);
	(void)!write(STDERR_FILENO, what, n);
	(void)!write(STDERR_FILENO, "\n", 1);
	abort();
}

int
__wrap_getaddrinfo(const char *node, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	(void)node; (void)service; (void)hints; (void)res;
	reached("getaddrinfo");
	return EAI_FAIL;
}

struct passwd *
__wrap_getpwnam(const char *name)
{
	(void)name;
	reached("getpwnam");
	return NULL;
}

struct protoent *
__wrap_getprotobynumber(int proto)
{
	(void)proto;
	reached("getprotobynumber");
	return NULL;
}

struct protoent *
__wrap_getprotobyname(const char *name)
{
	(void)name;
	reached("getprotobyname");
	return NULL;
}

struct servent *
__wrap_getservbyname(const char *name, const char *proto)
{
	(void)name; (void)proto;
	reached("getservbyname");
	return NULL;
}

void
__wrap_endprotoent(void)
{
	reached("endprotoent");
}

void
__wrap_endservent(void)
{
	reached("endservent");
}
