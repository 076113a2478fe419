# This file is part of the KZ Investment Platform.
"""Run every test of every addon and of tests/ on PostgreSQL.

Called by `./platform test` with the test cluster started; each suite runs
in its own process (trytond reads its test settings at import time) and
the last line is the plain summary 'N passed, N failed, N skipped'.

    run_all.py [--only SUITE ...]   SUITE: an addon name, 'browser', 'tests'
                                    or a test module (tests.browser.test_x)
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.environ['KZ_ROOT']
ADDONS = os.environ['KZ_ADDONS'].split()
PG_PORT = os.environ['KZ_PG_PORT']
DB_CACHE = None


def suites():
    for addon in ADDONS:
        yield addon, [f'trytond.modules.{addon}.tests'], {
            'DB_NAME': f'test_{addon}'}
    yield 'tests', ['tests.integration'], {'DB_NAME': 'test_integration'}
    yield 'browser', ['tests.browser'], {'DB_NAME': 'test_browser'}


def db_cache_dir():
    """Return the DB_CACHE directory of the current addon sources: trytond
    keys its cache by module names only, so a changed module would reuse a
    stale database."""
    digest = hashlib.sha256()
    addons_dir = os.path.join(ROOT, 'addons')
    for dirpath, dirnames, filenames in sorted(os.walk(addons_dir)):
        dirnames[:] = sorted(
            d for d in dirnames
            if d != '__pycache__' and not d.endswith('.egg-info'))
        for filename in sorted(filenames):
            path = os.path.join(dirpath, filename)
            digest.update(os.path.relpath(path, addons_dir).encode())
            with open(path, 'rb') as fp:
                digest.update(fp.read())
    path = os.path.join(ROOT, 'var', 'db-cache', digest.hexdigest()[:16])
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o777)
    return path


def drop_database(name):
    """Drop a test database an interrupted run left: trytond would reuse
    it and store it in the cache under the current sources"""
    pgbin = os.environ.get('PGBIN', '/usr/lib/postgresql/15/bin')
    subprocess.run([os.path.join(pgbin, 'dropdb'), '-h', '127.0.0.1',
            '-p', PG_PORT, '-U', 'postgres', '--if-exists', '--force', name],
        check=False)


def run_suite(name, targets, extra_env):
    drop_database(extra_env['DB_NAME'])
    env = dict(os.environ)
    env.update({
            'TRYTOND_DATABASE_URI': f'postgresql://postgres@127.0.0.1:{PG_PORT}/',
            'DB_CACHE': DB_CACHE,
            'TRYTOND_CONFIG': os.environ['KZ_TEST_CONFIG'],
            'PYTHONPATH': ROOT + os.pathsep + env.get('PYTHONPATH', ''),
            'PYTHONWARNINGS': 'ignore::DeprecationWarning',
            })
    env.update(extra_env)
    with tempfile.NamedTemporaryFile('r', suffix='.json') as result:
        env['KZ_RESULT_FILE'] = result.name
        start = time.monotonic()
        print(f"\n===== {name}: {' '.join(targets)}", flush=True)
        process = subprocess.run(
            [sys.executable, os.path.join(ROOT, 'tests', 'unit_runner.py'),
                *targets], env=env, cwd=ROOT)
        try:
            counts = json.load(result)
        except ValueError:
            counts = {'run': 0, 'passed': 0, 'failed': 1, 'skipped': 0}
        if process.returncode and not counts['failed']:
            counts['failed'] = 1
        print(f"===== {name}: {counts['passed']} passed, "
            f"{counts['failed']} failed, {counts['skipped']} skipped "
            f"in {time.monotonic() - start:.0f}s", flush=True)
        return counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--only', nargs='*', default=None)
    args = parser.parse_args()
    global DB_CACHE
    DB_CACHE = db_cache_dir()
    total = {'passed': 0, 'failed': 0, 'skipped': 0}
    selected = list(suites())
    if args.only:
        selected = [s for s in selected if s[0] in args.only]
        # A dotted name runs that test module alone
        selected += [(name, [name], {'DB_NAME': 'test_single'})
            for name in args.only if '.' in name]
    for name, targets, extra_env in selected:
        counts = run_suite(name, targets, extra_env)
        for key in total:
            total[key] += counts[key]
    print()
    print(f"{total['passed']} passed, {total['failed']} failed, "
        f"{total['skipped']} skipped")
    return 1 if total['failed'] or not total['passed'] else 0


if __name__ == '__main__':
    sys.exit(main())
