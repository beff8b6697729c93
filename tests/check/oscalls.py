#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/check/oscalls.py - OS calls only in port/ (STYLE 14, issue 11).

port/port.h is the whole OS interface.  This check reads the C code of the
library and the commands (keys/, manifest/, client/, repo/, fleet/) and of the TUF
conformance entry point (tests/conformance/), with comments, string and
character literals blanked out, and fails on:

1. a call of an OS function (OS_CALLS below: files, directories, processes,
   the clock, the environment, sockets, randomness, dynamic loading,
   threads, syslog) - a whole word followed by "(", not after "." or "->"
   (a struct member) and not part of a longer name (au_read, posix_open:
   the au_* wrappers are what code outside port/ calls);
2. an include of an OS header (OS_HEADERS below; <sys/types.h> only
   names types such as off_t and is allowed).

Each finding is printed as file:line.  Tests (unit tests, fuzz targets,
tools, the test bed) and bench/ are not read: they build their fixtures
with the OS directly.  A self-test on planted code shows what counts.

usage: oscalls.py [--root DIR]     (default: the checkout holding this file)
Prints "ok - ..." / "not ok - ..." lines and "N passed, N failed"; exit 1 on
a failure.
"""
import os
import re
import sys
import tempfile

sys.dont_write_bytecode = True	# leave nothing behind in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (tests/check/harness.py)

SCOPE = ['keys', 'manifest', 'client', 'repo', 'fleet', 'tests/conformance']

OS_CALLS = sorted(set('''
    open openat creat close read write pread pwrite readv writev lseek
    fsync fdatasync sync syncfs ftruncate truncate fallocate posix_fallocate
    rename renameat renameat2 unlink unlinkat remove mkdir mkdirat rmdir
    opendir fdopendir readdir closedir scandir nftw
    stat lstat fstat fstatat statx statvfs fstatvfs access faccessat
    chmod fchmod chown fchown lchown utimensat futimens
    link linkat symlink symlinkat readlink readlinkat realpath
    chdir fchdir getcwd mkstemp mkostemp mkdtemp tmpfile tmpnam
    fopen fdopen freopen popen pclose flock lockf fcntl ioctl
    mmap munmap msync dup dup2 dup3 pipe pipe2 sendfile
    fork vfork execve execv execvp execvpe execl execlp execle fexecve
    system posix_spawn posix_spawnp wait waitpid waitid kill raise
    signal sigaction sigprocmask _exit getpid getppid getuid geteuid
    time clock_gettime gettimeofday nanosleep clock_nanosleep sleep usleep
    alarm
    getenv secure_getenv setenv unsetenv putenv clearenv
    socket socketpair connect bind listen accept accept4 send recv sendto
    recvfrom sendmsg recvmsg setsockopt getsockopt shutdown getaddrinfo
    getnameinfo gethostbyname poll ppoll select pselect epoll_create
    epoll_create1 epoll_ctl epoll_wait
    getrandom getentropy arc4random
    dlopen dlsym dlclose
    pthread_create pthread_join pthread_detach sem_init sem_wait sem_post
    syslog openlog closelog
'''.split()))

OS_HEADERS = re.compile(
    r'^(unistd|fcntl|dirent|dlfcn|pthread|semaphore|signal|poll|spawn|'
    r'syslog|netdb|time|sys/(?!types\.h$).*|netinet/.*|arpa/.*)\.h$')

CALL = re.compile(r'(?<![\w.>$])(?<!->)\b(%s)\s*\(' % '|'.join(OS_CALLS))
INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*<([^>]+)>', re.M)


def blank(text):
    """text with comments, string and character literals replaced by
    spaces (newlines kept, so line numbers stay)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            j = min(j + 1, n)
        else:
            out.append(c)
            i += 1
            continue
        out.append(re.sub(r'[^\n]', ' ', text[i:j]))
        i = j
    return ''.join(out)


def sources(root):
    for d in SCOPE:
        for base, dirs, names in os.walk(os.path.join(root, d)):
            dirs.sort()
            for name in sorted(names):
                if name.endswith(('.c', '.h')):
                    p = os.path.join(base, name)
                    yield os.path.relpath(p, root), open(
                        p, errors='replace').read()


def run_checks(root, report):
    calls = headers = 0
    for p, text in sources(root):
        code = blank(text)
        for m in CALL.finditer(code):
            line = code.count('\n', 0, m.start()) + 1
            report('FAIL %s:%d: %s() is an OS call: go through port/port.h'
                   % (p, line, m.group(1)))
            calls += 1
        for m in INCLUDE.finditer(text):
            if OS_HEADERS.match(m.group(1)):
                line = text.count('\n', 0, m.start()) + 1
                report('FAIL %s:%d: <%s> is an OS header: only port/ '
                       'includes it' % (p, line, m.group(1)))
                headers += 1
    return {'no OS call outside port/': calls,
            'no OS header outside port/': headers}


PLANTED = '''/* open(path) in a comment */
#include <unistd.h>
#include <string.h>
static int f(struct s *s, int fd)
{
	const char *t = "read(fd) in a string";	// write(1) here too
	char c = '(';
	au_file_open_read(t, 0, 0); s->read(fd); s.write(fd); posix_open();
	return fsync (fd) + c;
}
'''


def self_test(case):
    with tempfile.TemporaryDirectory(prefix='aiu-oscalls.') as d:
        os.makedirs(os.path.join(d, 'client'))
        with open(os.path.join(d, 'client', 'planted.c'), 'w') as f:
            f.write(PLANTED)
        os.makedirs(os.path.join(d, 'port'))
        with open(os.path.join(d, 'port', 'posix.c'), 'w') as f:
            f.write('int g(void) { return open("x", 0); }\n')
        lines = []
        got = run_checks(d, lines.append)
    case('self-test: the one planted OS call is found, comments, strings, '
         'members and au_* are not',
         got['no OS call outside port/'] == 1 and
         lines[0].startswith('FAIL client/planted.c:9: fsync()'))
    case('self-test: a planted OS header is found',
         got['no OS header outside port/'] == 1 and
         any('client/planted.c:2: <unistd.h>' in x for x in lines))


if __name__ == '__main__':
    sys.exit(harness.main(__doc__, run_checks, self_test))
