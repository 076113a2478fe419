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
    accessed by other users"), and it drops only a database that the
    (cached, connection-tested) database list shows, so a database whose
    test connection failed survives and the next restore cannot create
    it.  Stop the listener first and drop whatever is there
    (docs/upstream/)."""
    from psycopg.sql import SQL, Identifier

    from trytond import backend
    from trytond.cache import Cache
    from trytond.pool import Pool
    from trytond.tests import test_tryton
    from trytond.transaction import Transaction

    def drop_db_listener_first(name=test_tryton.DB_NAME):
        Cache.drop(name)
        if backend.name != 'postgresql':
            backend.Database._list_cache.clear()
            return test_tryton.drop_db_without_force(name)
        backend.Database(name).close()
        with Transaction().start(
                None, 0, close=True, autocommit=True) as transaction:
            # FORCE ends a listener that is still closing (PostgreSQL 13+)
            transaction.connection.cursor().execute(
                SQL('DROP DATABASE IF EXISTS {} WITH (FORCE)').format(
                    Identifier(name)))
        backend.Database.clear_cache()
        Pool.stop(name)
        test_tryton._TABLES_CREATED.clear()
    test_tryton.drop_db_without_force = test_tryton.drop_db
    test_tryton.drop_db = drop_db_listener_first


def scenarios_start_without_database():
    """A scenario restores its database from the cache and fails if the
    database exists, which upstream's ModuleTestCase never leaves behind
    but our test classes, sharing one activated database, do."""
    from trytond.tests import test_tryton
    doctest_setup = test_tryton.doctest_setup

    def drop_then_setup(test):
        test_tryton.drop_db()
        return doctest_setup(test)
    test_tryton.doctest_setup = drop_then_setup


def main(names):
    # Before the test modules import drop_db and doctest_setup
    stop_cache_listener_first()
    scenarios_start_without_database()
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
