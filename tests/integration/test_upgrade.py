# This file is part of the KZ Investment Platform.
"""A database made by an older version upgrades: `./platform run` upgrades
the database it finds (scripts/setup_database.py, trytond-admin --all).

An older schema is simulated on a demo database of every addon: every
nullable column of the addons' tables (and of the tables they extend with
columns) is dropped, as if those fields were new.  The upgrade adds them
again and fills the existing rows with their defaults, which read other
models, such as the configuration, whose own new columns must then exist
already: a default of a model registered before the configuration's
extension failed so ("column … does not exist")."""
import os
import subprocess
import unittest

import psycopg

from tests import support

DATABASE = 'test_integration_upgrade'
# Written by trytond itself on every table
KEEP = {'id', 'create_uid', 'create_date', 'write_uid', 'write_date'}


class UpgradeTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        support.create_database(DATABASE)

    @classmethod
    def tearDownClass(cls):
        support.drop_database(DATABASE)

    def connect(self):
        return psycopg.connect(host='127.0.0.1',
            port=os.environ['KZ_PG_PORT'], user='postgres', dbname=DATABASE,
            autocommit=True)

    def addon_columns(self, conn):
        """Return the nullable columns that the addons' fields make, by
        table: from ir_model_field of the addons' modules"""
        rows = conn.execute('SELECT c.table_name, c.column_name '
            'FROM ir_model_field f '
            'JOIN information_schema.columns c '
            "ON c.table_name = replace(f.model, '.', '_') "
            'AND c.column_name = f.name '
            "WHERE f.module = ANY(%s) AND c.is_nullable = 'YES' "
            'AND NOT (f.name = ANY(%s))',
            (support.addons(), sorted(KEEP))).fetchall()
        columns = {}
        for table, column in rows:
            columns.setdefault(table, []).append(column)
        return columns

    def test_upgrade_older_schema(self):
        "Every addon column is added again on upgrade, defaults filled"
        with self.connect() as conn:
            columns = self.addon_columns(conn)
            self.assertIn('roadmap_template', columns['ncip_project'])
            self.assertTrue(columns['kz_configuration'])
            projects, = conn.execute(
                'SELECT count(*) FROM ncip_project').fetchone()
            self.assertGreater(projects, 0)
            for table, names in columns.items():
                conn.execute(f'ALTER TABLE "{table}" ' + ', '.join(
                        f'DROP COLUMN "{n}" CASCADE' for n in names))
        process = subprocess.run([os.path.join(support.BIN, 'trytond-admin'),
                '-c', support.config_file(), '-d', DATABASE, '--all'],
            capture_output=True, text=True)
        self.assertEqual(process.returncode, 0, msg=process.stderr[-3000:])
        with self.connect() as conn:
            self.assertEqual(self.addon_columns(conn).keys(), columns.keys())
            after, = conn.execute(
                'SELECT count(*) FROM ncip_project').fetchone()
            self.assertEqual(after, projects)


if os.environ.get('KZ_SKIP_INTEGRATION'):
    del UpgradeTestCase
