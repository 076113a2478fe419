#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Benchmark of the Annex 4 import (kz_damu_monitoring).

Generates an Annex 4 .xlsx file of N rows (50,000 by default) for N
guarantee contracts of one bank, then times on the same rows:

1. the module's import: read and validate the file row by row
   (annex4.read), match the contracts (check_rows), store the lines and
   update the contracts' debt (import_rows);
2. trytond's generic ModelStorage.import_data of damu.bank.report.line
   (creation of the lines only, no validation against contracts, no
   contract update).

By default it builds a throw-away SQLite database; --config and
--database run it in an existing database with kz_damu_monitoring
activated (nothing is committed).  Run with python -O (PYTHONOPTIMIZE=1)
as in production:

    .venv/bin/python -O bench/damu_annex4_import.py [--rows 50000]
"""
import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=50000)
    parser.add_argument('--config')
    parser.add_argument('--database')
    return parser.parse_args()


def scratch_database(directory):
    "Create a SQLite database with kz_damu_monitoring; return its name"
    os.environ.update({
            'TRYTOND_DATABASE__URI': 'sqlite://',
            'TRYTOND_DATABASE__PATH': directory,
            })
    open(os.path.join(directory, 'bench.sqlite'), 'w').close()
    passfile = os.path.join(directory, 'password')
    with open(passfile, 'w') as fp:
        fp.write('bench-only-password\n')
    print("creating a scratch SQLite database...", file=sys.stderr)
    subprocess.run([os.path.join(os.path.dirname(sys.executable),
                'trytond-admin'), '-d', 'bench', '--all', '-u',
            'kz_damu_monitoring', '--activate-dependencies',
            '--email', 'admin@bench.invalid'],
        env=dict(os.environ, TRYTONPASSFILE=passfile), check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return 'bench'


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory() as directory:
        if args.config:
            os.environ['TRYTOND_CONFIG'] = args.config
            database = args.database
        else:
            database = scratch_database(directory)
        run(database, args.rows)


def run(database, count):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    with Transaction().start(database, 0, readonly=False) as transaction:
        try:
            _run(pool, count)
        finally:
            transaction.rollback()


def create_contracts(pool, count):
    """Create count guarantee contracts of a new bank; return the bank,
    the region and the contracts' BINs"""
    from trytond.modules.kz_damu_monitoring.tests.tools import valid_bins
    Organization = pool.get('kz.organization')
    Region = pool.get('kz.region')
    Contract = pool.get('damu.contract')

    bank, = Organization.create([{'name': "Bench Bank", 'kind': 'bank'}])
    region = Region.search([], limit=1)[0]
    bins = valid_bins(count)
    started = time.monotonic()
    for start in range(0, count, 5000):
        Contract.create([{
                    'number': f'B-{i}', 'kind': 'guarantee',
                    'sub_kind': 'individual', 'entrepreneur': f"Borrower {i}",
                    'entrepreneur_bin': bins[i], 'bank': bank.id,
                    'region': region.id, 'purpose': 'investment',
                    'amount': Decimal(1000000),
                    'guarantee_amount': Decimal(500000),
                    'contract_date': dt.date(2024, 3, 1),
                    'decision_date': dt.date(2024, 2, 20),
                    } for i in range(start, min(start + 5000, count))])
    print(f"setup: {count} contracts in {time.monotonic() - started:.1f}s",
        file=sys.stderr)
    return bank, region, bins


def _run(pool, count):
    from trytond.modules.kz_damu_monitoring import annex4
    Organization = pool.get('kz.organization')
    Report = pool.get('damu.bank.report')
    Line = pool.get('damu.bank.report.line')

    bank, region, bins = create_contracts(pool, count)
    rows = [[i + 1, "Bench Bank", region.name, f"Borrower {i}", bins[i],
            "LLP", f'B-{i}', dt.date(2024, 3, 1), 36, 1000000, 12, 0, 0,
            dt.date(2024, 3, 5), 1000000, 800000 - i % 1000, 'GA', None,
            500000, 400000, i % 7 * 1000, i % 7, 0, 'investment', '10.11',
            'active', '12', dt.date(2024, 2, 1), '1'] for i in range(count)]
    data = annex4.write_xlsx(rows)
    print(f"file: {len(data) / 1e6:.1f} MB .xlsx, {count} rows",
        file=sys.stderr)

    # 1. The module's import
    report, = Report.create([{'bank': bank.id,
                'period': dt.date(2025, 3, 1)}])
    started = time.monotonic()
    valid, errors = annex4.read(data, 200 * 2 ** 20, 2000 * 2 ** 20)
    read_time = time.monotonic() - started
    unknown = Report.check_rows(bank, valid)
    assert not errors and not unknown, (errors[:3], unknown[:3])
    imported = Report.import_rows(report, valid)
    module_time = time.monotonic() - started
    assert imported == count

    # 2. trytond's generic import_data of the same rows (lines only)
    # The report is given by its name, as a user's file would
    bank2, = Organization.create([{'name': "Bench Bank 2", 'kind': 'bank'}])
    report2, = Report.create([{'bank': bank2.id,
                'period': dt.date(2025, 2, 1)}])
    names = ['report', 'sheet_row'] + annex4.FIELD_NAMES

    def text(value):
        if value is None:
            return ''
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)
    table = [[bank2.name, str(n)] + [text(v) for v in values.values()]
        for n, values in valid]
    assert list(valid[0][1]) == annex4.FIELD_NAMES
    started = time.monotonic()
    Line.import_data(names, table)
    generic_time = time.monotonic() - started
    assert Line.search_count([('report', '=', report2.id)]) == count

    print(f"rows: {count}")
    print(f"kz_damu_monitoring import (read + validate + lines + contract "
        f"update): {module_time:.1f}s = {count / module_time:,.0f} rows/s "
        f"(reading and validating the file: {read_time:.1f}s)")
    rest = module_time - read_time
    print(f"kz_damu_monitoring without reading the file (contract match + "
        f"lines + contract update): {rest:.1f}s = {count / rest:,.0f} "
        f"rows/s")
    print(f"trytond import_data (lines only): {generic_time:.1f}s = "
        f"{count / generic_time:,.0f} rows/s")


if __name__ == '__main__':
    main()
