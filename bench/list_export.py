#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Benchmark of the Excel export of a list (kz_base, kz.list.xlsx).

Creates N Damu contracts (50,000 by default) and times on them:

1. the export of the contract list as the print menu runs it
   (``report.kz.list.xlsx.execute`` of the listed ids: access check, read
   of the list columns by batches, typed and styled cells, streamed
   write-only sheet);
2. the floor: openpyxl's bare write-only writer appending the same rows,
   already read and converted, without styles.

Target: the export within 2x the floor.  By default it builds a
throw-away SQLite database (bench/damu_annex4_import.py); --config and
--database run it in an existing database with kz_damu_monitoring
activated (nothing is committed).  Run with python -O as in production:

    .venv/bin/python -O bench/list_export.py [--rows 50000]
"""
import io
import os
import sys
import tempfile
import time

from damu_annex4_import import create_contracts, parse_args, \
    scratch_database


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
    from trytond.config import config
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    # The bench exports more rows than a web worker is allowed to
    if not config.has_section('kz'):
        config.add_section('kz')
    config.set('kz', 'xlsx_max_rows', '0')
    with Transaction().start(database, 0, readonly=False) as transaction:
        try:
            _run(pool, count)
        finally:
            transaction.rollback()


def _run(pool, count):
    from openpyxl import Workbook

    from trytond.modules.kz_base import xlsx
    Contract = pool.get('damu.contract')
    ListXlsx = pool.get('kz.list.xlsx', type='report')
    bank, _, _ = create_contracts(pool, count)
    ids = [c.id for c in Contract.search([('bank', '=', bank.id)],
            order=[('number', 'ASC')])]
    assert len(ids) == count

    started = time.monotonic()
    oext, content, _, _ = ListXlsx.execute(ids, {'model': 'damu.contract'})
    export_time = time.monotonic() - started
    assert oext == 'xlsx'

    # The same rows, read and converted outside the timer
    columns = xlsx.list_columns(Contract)
    keys = list(dict.fromkeys(c.key for c in columns))
    yes_no = {True: 'Yes', False: 'No'}
    rows = [[c.value(r, yes_no, None) for c in columns]
        for r in Contract.read(ids, keys)]
    started = time.monotonic()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet('Floor')
    sheet.append([c.label for c in columns])
    for row in rows:
        sheet.append(row)
    workbook.save(io.BytesIO())
    floor_time = time.monotonic() - started

    print(f"rows: {count} x {len(columns)} columns "
        f"({len(content) / 1e6:.1f} MB .xlsx)")
    print(f"kz.list.xlsx export (access check + read + typed cells + "
        f"write): {export_time:.1f}s = {count / export_time:,.0f} rows/s")
    print(f"bare openpyxl write-only floor (same rows, no read, no "
        f"styles): {floor_time:.1f}s = {count / floor_time:,.0f} rows/s")
    print(f"ratio: {export_time / floor_time:.2f} (target <= 2)")


if __name__ == '__main__':
    sys.exit(main())
