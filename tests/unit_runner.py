# This file is part of the KZ Investment Platform.
"""Run the unittest suites of the named packages or modules in this process
and write the counts as JSON to the file named by KZ_RESULT_FILE.

A package runs every test_*.py module in it, so the doctest scenarios that
test_scenario.py loads through load_tests run too."""
import importlib
import json
import os
import pkgutil
import sys
import unittest


def load(names):
    loader = unittest.defaultTestLoader
    suite = unittest.TestSuite()
    for name in names:
        module = importlib.import_module(name)
        if hasattr(module, '__path__'):
            for info in sorted(
                    pkgutil.iter_modules(module.__path__),
                    key=lambda i: i.name):
                if info.name.startswith('test_'):
                    suite.addTests(
                        loader.loadTestsFromName(f'{name}.{info.name}'))
        else:
            suite.addTests(loader.loadTestsFromModule(module))
    return suite


def stop_cache_listener_first():
    """With [cache] clean_timeout = 0 trytond listens for cache changes on a
    connection of its own to each database; its test drop_db stops that
    listener only after DROP DATABASE, which then fails ("is being
    accessed by other users").  Stop it first (docs/upstream/)."""
    from trytond import backend
    from trytond.cache import Cache
    from trytond.tests import test_tryton
    drop_db = test_tryton.drop_db

    def drop_db_listener_first(name=test_tryton.DB_NAME):
        Cache.drop(name)
        # drop_db asks the database list, which trytond caches for the
        # session timeout: a database made since would not be dropped
        backend.Database._list_cache.clear()
        return drop_db(name)
    test_tryton.drop_db = drop_db_listener_first


def main(names):
    # Before the test modules import drop_db
    stop_cache_listener_first()
    suite = load(names)
    result = unittest.TextTestRunner(
        verbosity=2, stream=sys.stdout, buffer=False).run(suite)
    failed = len(result.failures) + len(result.errors) + len(
        result.unexpectedSuccesses)
    counts = {
        'run': result.testsRun,
        'failed': failed,
        'skipped': len(result.skipped),
        'passed': max(0, result.testsRun - failed - len(result.skipped)),
        }
    if os.environ.get('KZ_RESULT_FILE'):
        with open(os.environ['KZ_RESULT_FILE'], 'w') as fp:
            json.dump(counts, fp)
    return 0 if not failed and result.testsRun else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
