#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/check/includes.py - the include structure of the project's C code.

Four rules, one test case each, then a self-test on planted faults:

1. No include cycle.  A module is a .c file with its .h (and its NAME_int.h,
   the module's internal header); module A depends on module B when a file
   of A includes a file of B with a quoted #include.  A cycle is printed as
   the chain of includes (file:line) that closes it.
2. Includes point down the layers (docs: port <- keys <- manifest <- client,
   repo): port/ includes only port/; keys/ keys/ and port/; manifest/
   manifest/, keys/ and port/; client/ anything below it, never repo/;
   repo/ (the publisher) anything below it and client/, whose checks it
   shares so that what it writes is what the client accepts; fleet/ (the
   collector aiupdate-fleet) manifest/, keys/ and port/, never client/ or
   repo/; tests/ and bench/ anything.  Each offending include is printed.
3. keys/ never includes jansson (keys take bytes: hex, PEM).
4. Every library .c (port/, keys/, manifest/, client/, repo/, fleet/), unit test,
   fuzz target and the conformance entry point includes "port/ban.h" as its
   last #include.

usage: includes.py [--root DIR]     (default: the checkout holding this file)
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

LAYERS = {	# top folder -> the top folders it may include from
    'port': {'port'},
    'keys': {'keys', 'port'},
    'manifest': {'manifest', 'keys', 'port'},
    'client': {'client', 'manifest', 'keys', 'port'},
    'repo': {'repo', 'client', 'manifest', 'keys', 'port'},
    # the collector (aiupdate-fleet): no device code depends on it, and it
    # shares none of the client's
    'fleet': {'fleet', 'manifest', 'keys', 'port'},
}
ANY = {'tests', 'bench'}	# may include anything of the project
BANNED_SYSTEM = {'keys': {'jansson.h'}}
BAN_LAST = ['port', 'keys', 'manifest', 'client', 'repo', 'fleet', 'tests/unit',
            'tests/fuzz', 'tests/conformance']
SKIP_DIRS = {'.git', 'node_modules', 'vectors', 'corpus'}

# Known cycles kept out of pass/fail, each a set of modules: a cycle whose
# modules all lie in one entry is printed as "allowed" and not counted.
# Cycles tolerated for now, each with its reason.  None: keep it empty.
ALLOWED_CYCLES = []

INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"]+)[>"]', re.M)


def read_tree(root):
    """{relative path: text} of every .c/.h file below root."""
    files = {}
    for d, dirs, names in os.walk(root):
        rel = os.path.relpath(d, root)
        dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS and
                         not (rel == '.' and x.startswith('build')))
        for n in names:
            if n.endswith(('.c', '.h')):
                p = os.path.normpath(os.path.join(rel, n))
                with open(os.path.join(root, p), errors='replace') as f:
                    files[p] = f.read()
    return files


def includes(files):
    """[(file, line, quoted?, name, resolved project file or None)]."""
    out = []
    for p, text in files.items():
        for m in INCLUDE.finditer(text):
            line = text.count('\n', 0, m.start()) + 1
            quoted, name = m.group(1) == '"', m.group(2)
            target = None
            if quoted:
                for cand in (name, os.path.normpath(
                        os.path.join(os.path.dirname(p), name))):
                    if cand in files:
                        target = cand
                        break
            out.append((p, line, quoted, name, target))
    return out


def module(path):
    stem = path[:-2]
    return stem[:-4] if stem.endswith('_int') else stem


def top(path):
    return path.split('/', 1)[0]


def module_graph(incs):
    """module -> {module: (file, line, included file)} (first evidence)."""
    g = {}
    for p, line, quoted, name, target in incs:
        if target is None:
            continue
        a, b = module(p), module(target)
        if a != b:
            g.setdefault(a, {}).setdefault(b, (p, line, target))
    return g


def components(g):
    """Strongly connected components of more than one module (iterative
    Tarjan, so a deep tree cannot overflow the stack)."""
    index, low, on, stack, comps, counter = {}, {}, set(), [], [], [0]
    nodes = sorted(set(g) | {b for e in g.values() for b in e})
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(g.get(start, {}))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(g.get(w, {})))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = set()
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.add(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        comps.append(comp)
    return comps


def cycle_path(g, comp):
    """The shortest cycle through the component's first module, as a list
    of modules a, ..., a (breadth first inside the component)."""
    start = min(comp)
    prev, queue = {start: None}, [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(g.get(v, {})):
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return path[::-1] + [start]
            if w in comp and w not in prev:
                prev[w] = v
                queue.append(w)
    return [start]


def check_cycles(incs, report):
    g = module_graph(incs)
    bad = 0
    for comp in sorted(components(g), key=min):
        allowed = any(comp <= a for a in ALLOWED_CYCLES)
        path = cycle_path(g, comp)
        report('%s include cycle among %s:' % (
            'allowed (ALLOWED_CYCLES)'
            if allowed else 'FAIL', ', '.join(sorted(comp))))
        for a, b in zip(path, path[1:]):
            f, line, target = g[a][b]
            report('    %s:%d includes %s' % (f, line, target))
        bad += not allowed
    return bad


def check_layers(incs, report):
    bad = 0
    for p, line, quoted, name, target in sorted(incs):
        src = top(p)
        if not quoted or target is None or src in ANY:
            continue
        if src in LAYERS and top(target) not in LAYERS[src]:
            report('FAIL %s:%d includes %s: %s/ may include only %s' % (
                p, line, target, src, ', '.join(
                    x + '/' for x in sorted(LAYERS[src]))))
            bad += 1
    return bad


def check_system(incs, report):
    bad = 0
    for p, line, quoted, name, target in sorted(incs):
        if not quoted and name in BANNED_SYSTEM.get(top(p), ()):
            report('FAIL %s:%d includes <%s>: never in %s/' % (
                p, line, name, top(p)))
            bad += 1
    return bad


def check_ban_last(files, incs, report):
    last = {}
    for p, line, quoted, name, target in incs:
        if line > last.get(p, (0, ''))[0]:
            last[p] = (line, name)
    bad = 0
    for p in sorted(files):
        if not p.endswith('.c') or \
                not any(p == d or p.startswith(d + '/') for d in BAN_LAST):
            continue
        if last.get(p, (0, ''))[1] != 'port/ban.h':
            report('FAIL %s: the last #include is not "port/ban.h" '
                   '(it is "%s")' % (p, last.get(p, (0, '(none)'))[1]))
            bad += 1
    return bad


def run_checks(root, report):
    """{check name: number of faults} over the tree at root."""
    files = read_tree(root)
    incs = includes(files)
    return {
        'no include cycle between modules': check_cycles(incs, report),
        'includes point down the layers': check_layers(incs, report),
        'keys/ never includes jansson': check_system(incs, report),
        'port/ban.h is the last include of each .c': check_ban_last(
            files, incs, report),
    }


PLANTED = {	# a small tree with one fault of each kind
    'port/a.c': '#include "port/a.h"\n#include "port/ban.h"\n',
    'port/a.h': '#include "keys/k.h"\n',		# up the layers
    'keys/k.h': '#include <jansson.h>\n#include "port/a.h"\n',
    'keys/k.c': '#include "keys/k.h"\n',		# no ban.h
    'client/x.h': '#include "client/y.h"\n',
    'client/y.h': '#include "client/z.h"\n',
    'client/z.h': '#include "client/x.h"\n',	# x -> y -> z -> x
}


def self_test(case):
    with tempfile.TemporaryDirectory(prefix='aiu-includes.') as d:
        for p, text in PLANTED.items():
            os.makedirs(os.path.join(d, os.path.dirname(p)), exist_ok=True)
            with open(os.path.join(d, p), 'w') as f:
                f.write(text)
        lines = []
        got = run_checks(d, lines.append)
    text = '\n'.join(lines)
    case('self-test: a planted cycle is found and printed',
         got['no include cycle between modules'] == 2 and
         'client/x.h:1 includes client/y.h' in text and
         'client/z.h:1 includes client/x.h' in text)
    case('self-test: a planted upward include is found',
         got['includes point down the layers'] == 1 and
         'port/a.h:1 includes keys/k.h' in text)
    case('self-test: jansson in keys/ is found',
         got['keys/ never includes jansson'] == 1)
    case('self-test: a .c without port/ban.h last is found',
         got['port/ban.h is the last include of each .c'] == 1 and
         'keys/k.c' in text)


if __name__ == '__main__':
    sys.exit(harness.main(__doc__, run_checks, self_test))
