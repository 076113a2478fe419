#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Benchmark of the Annex 4 import (kz_damu_monitoring) against its floor.

Generates an Annex 4 .xlsx file of N rows (50,000 by default) for N
guarantee contracts of one bank (committed in the database), then prints
side by side, on the same file:

1. the floor: the bare python-calamine parse of the file (every row to
   Python values) plus a bare COPY of the same rows into a temporary
   table like the lines' table;
2. the import end to end as trytond-worker runs it: the queued task of an
   upload (read, validate, match the contracts, COPY the lines, update the
   contracts' debt, receive the report, commit), in a process of its own
   whose peak memory (max RSS) is printed;
3. a file of 1,048,576 rows (one per row of a sheet), refused or imported:
   its state, time and the peak memory of its task.

It needs PostgreSQL: --config is a trytond configuration (var/trytond.conf
or the test cluster's var/pg-<name>.conf); the database --database is
created with kz_damu_monitoring when it does not exist.  The contracts,
the uploads and the report stay in it: use a scratch database.

    .venv/bin/python -O bench/damu_annex4_import.py --config var/trytond.conf \\
        --database bench_annex4 [--rows 50000]
"""
import argparse
import datetime as dt
import io
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=50000)
    parser.add_argument('--config', required=True)
    parser.add_argument('--database', default='bench_annex4')
    parser.add_argument('--big-rows', type=int, default=1048576)
    # internal: run one queued task in this process, print its figures
    parser.add_argument('--task', type=int, help=argparse.SUPPRESS)
    return parser.parse_args()


def pg_uri(config):
    import configparser
    parser = configparser.ConfigParser()
    parser.read(config)
    return parser.get('database', 'uri')


def ensure_database(args):
    import psycopg
    with psycopg.connect(pg_uri(args.config) + 'postgres',
            autocommit=True) as connection:
        exists = connection.execute('SELECT 1 FROM pg_database '
            'WHERE datname = %s', (args.database,)).fetchone()
        if exists:
            return
        connection.execute('CREATE DATABASE "%s"' % args.database)
    print(f"creating database {args.database}...", file=sys.stderr)
    passfile = os.path.join(ROOT, 'var', 'bench-password')
    os.makedirs(os.path.dirname(passfile), exist_ok=True)
    with open(passfile, 'w') as fp:
        fp.write('bench-only-password\n')
    admin = [os.path.join(BIN, 'trytond-admin'), '-c', args.config,
        '-d', args.database]
    env = dict(os.environ, TRYTONPASSFILE=passfile)
    subprocess.run(admin + ['--all', '--email', 'admin@bench.invalid'],
        env=env, check=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    subprocess.run(admin + ['-u', 'kz_damu_monitoring',
            '--activate-dependencies'], env=env, check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_pool(args):
    os.environ['TRYTOND_CONFIG'] = args.config
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(args.database)
    with Transaction().start(args.database, 0, readonly=True):
        pool.init()
    return pool


def rows_of(bins, bank_name, region_name):
    for i, bin_ in enumerate(bins):
        yield [i + 1, bank_name, region_name, f"Borrower {i}", bin_,
            "LLP", f'B-{i}', dt.date(2024, 3, 1), 36, 1000000, 12, 0, 0,
            dt.date(2024, 3, 5), 1000000, 800000 - i % 1000, 'GA', None,
            500000, 400000, i % 7 * 1000, i % 7, 0, 'investment', '10.11',
            'active', '12', dt.date(2024, 2, 1), '1']


def setup(pool, args):
    """Create the bank and its contracts once; return (bank id, user id,
    file)"""
    from trytond.modules.kz_damu_monitoring import annex4
    from trytond.modules.kz_damu_monitoring.tests.tools import valid_bins
    from trytond.transaction import Transaction
    Organization = pool.get('kz.organization')
    Region = pool.get('kz.region')
    Contract = pool.get('damu.contract')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    name = f"Bench Bank {args.rows}"
    path = os.path.join(ROOT, 'var', f'bench-annex4-{args.rows}.xlsx')
    with Transaction().start(args.database, 0) as transaction:
        banks = Organization.search([('name', '=', name)])
        region = Region.search([], limit=1)[0]
        bins = valid_bins(args.rows)
        if not banks:
            bank, = Organization.create([{'name': name, 'kind': 'bank'}])
            started = time.monotonic()
            for start in range(0, args.rows, 5000):
                Contract.create([{
                            'number': f'B-{i}', 'kind': 'guarantee',
                            'sub_kind': 'individual',
                            'entrepreneur': f"Borrower {i}",
                            'entrepreneur_bin': bins[i], 'bank': bank.id,
                            'region': region.id, 'purpose': 'investment',
                            'amount': Decimal(1000000),
                            'guarantee_amount': Decimal(500000),
                            'contract_date': dt.date(2024, 3, 1),
                            'decision_date': dt.date(2024, 2, 20),
                            } for i in range(start, min(start + 5000,
                                    args.rows))])
            User.create([{
                        'login': f'bench.bank.{args.rows}', 'name': name,
                        'kz_organization': bank.id,
                        'groups': [('add', [ModelData.get_id(
                                            'kz_base', 'group_bank')])],
                        }])
            transaction.commit()
            print(f"setup: {args.rows} contracts in "
                f"{time.monotonic() - started:.1f}s", file=sys.stderr)
        else:
            bank, = banks
        user, = User.search([('login', '=', f'bench.bank.{args.rows}')])
        if not os.path.exists(path):
            started = time.monotonic()
            data = annex4.write_xlsx(rows_of(bins, name, region.name))
            with open(path, 'wb') as fp:
                fp.write(data)
            print(f"file written in {time.monotonic() - started:.1f}s",
                file=sys.stderr)
        with open(path, 'rb') as fp:
            return bank.id, user.id, fp.read()


def big_file(rows):
    """An .xlsx of the rows of a whole sheet (1,048,576), one report row
    each, written as raw XML: a few MB"""
    output = io.BytesIO()
    with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as archive:
        archive.writestr('[Content_Types].xml',
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships'
            '+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'worksheet+xml"/></Types>')
        archive.writestr('_rels/.rels', '<?xml version="1.0"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr('xl/workbook.xml', '<?xml version="1.0"?><workbook '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="Annex 4" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>')
        archive.writestr('xl/_rels/workbook.xml.rels', '<?xml version="1.0"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas'
            '.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
            ' Target="worksheets/sheet1.xml"/></Relationships>')
        with archive.open('xl/worksheets/sheet1.xml', 'w') as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://'
                b'schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData>')
            for start in range(1, rows + 1, 10000):
                sheet.write(b''.join(
                        b'<row r="%d"><c r="A%d"><v>%d</v></c>'
                        b'<c r="G%d" t="inlineStr"><is><t>B-%d</t></is></c>'
                        b'</row>' % (n, n, n, n, n)
                        for n in range(start, min(start + 10000, rows + 1))))
            sheet.write(b'</sheetData></worksheet>')
    return output.getvalue()


def submit(pool, args, bank_id, user_id, data, filename, period):
    "Create and queue an upload as the bank's user; return its task id"
    from trytond.transaction import Transaction
    Upload = pool.get('damu.bank.report.upload')
    Organization = pool.get('kz.organization')
    with Transaction().start(args.database, user_id) as transaction:
        upload = Upload.submit(Organization(bank_id), period, 'programme_1',
            filename, data, replace=True)
        transaction.commit()
        return upload.id, upload.task


def run_task_process(args, task_id):
    "Run the task in a process of its own; return its figures"
    output = subprocess.run([sys.executable, '-O', __file__,
            '--config', args.config, '--database', args.database,
            '--rows', str(args.rows), '--task', str(task_id)],
        check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def task_main(args):
    """Run one queued task as trytond-worker runs it (a process with the
    pool loaded): print its time, the peak memory and the upload"""
    pool = start_pool(args)
    from trytond.transaction import Transaction
    from trytond.worker import run_task
    Upload = pool.get('damu.bank.report.upload')
    started = time.monotonic()
    run_task(pool, args.task)
    elapsed = time.monotonic() - started
    with Transaction().start(args.database, 0, readonly=True):
        upload, = Upload.search([('task', '=', args.task)])
        result = {
            'seconds': elapsed,
            'max_rss_mb': resource.getrusage(
                resource.RUSAGE_SELF).ru_maxrss / 1024,
            'state': upload.state, 'imported': upload.imported,
            'rejected': upload.rejected, 'message': upload.message,
            }
    print(json.dumps(result))


def floor(pool, args, data):
    """The bare calamine parse and a bare COPY of the same rows: return
    (parse seconds, copy seconds, rows)"""
    from python_calamine import CalamineWorkbook
    from trytond.modules.kz_damu_monitoring import annex4
    from trytond.transaction import Transaction
    started = time.monotonic()
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = list(workbook.get_sheet_by_index(0).iter_rows())[2:]
    parse = time.monotonic() - started
    names = ['report', 'sheet_row', 'contract'] + annex4.FIELD_NAMES
    with Transaction().start(args.database, 0) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('CREATE TEMPORARY TABLE bench_lines '
            '(LIKE damu_bank_report_line INCLUDING DEFAULTS '
            'INCLUDING IDENTITY)')
        # The rows as their columns take them (whole numbers, no empty
        # texts), prepared outside the timers: the floor is the COPY alone
        typed = [[1, number, None] + [
                None if v == '' else int(v) if type(v) is float
                and v.is_integer() else v for v in row]
            for number, row in enumerate(rows, 3)]
        started = time.monotonic()
        with cursor.copy('COPY bench_lines (%s) FROM STDIN' % ', '.join(
                    '"%s"' % n for n in names)) as copy:
            for row in typed:
                copy.write_row(row)
        copy_time = time.monotonic() - started
        transaction.rollback()
    return parse, copy_time, len(rows)


def main():
    args = parse_args()
    if args.task:
        return task_main(args)
    ensure_database(args)
    pool = start_pool(args)
    bank_id, user_id, data = setup(pool, args)
    print(f"file: {len(data) / 1e6:.1f} MB .xlsx, {args.rows} rows",
        file=sys.stderr)

    parse, copy_time, count = floor(pool, args, data)
    assert count == args.rows, count
    _, task = submit(pool, args, bank_id, user_id, data,
        f'annex4-{args.rows}.xlsx', dt.date(2025, 3, 1))
    end_to_end = run_task_process(args, task)
    assert end_to_end['state'] == 'done', end_to_end
    assert end_to_end['imported'] == args.rows, end_to_end

    big = big_file(args.big_rows)
    _, task = submit(pool, args, bank_id, user_id, big,
        f'annex4-{args.big_rows}.xlsx', dt.date(2025, 4, 1))
    big_run = run_task_process(args, task)

    floor_time = parse + copy_time
    total = end_to_end['seconds']
    print(f"rows: {args.rows}")
    print(f"floor: calamine parse {parse:.2f}s + COPY {copy_time:.2f}s "
        f"= {floor_time:.2f}s ({args.rows / floor_time:,.0f} rows/s)")
    print(f"import end to end (queued task: read, validate, match, COPY "
        f"lines, update debts, commit): {total:.2f}s "
        f"({args.rows / total:,.0f} rows/s)")
    print(f"ratio import / floor: {total / floor_time:.2f} (target <= 2)")
    print(f"peak memory of the task's process: "
        f"{end_to_end['max_rss_mb']:.0f} MB (target <= 300)")
    print(f"{args.big_rows:,}-row file ({len(big) / 1e6:.1f} MB): "
        f"{big_run['state']} in {big_run['seconds']:.2f}s, peak memory "
        f"{big_run['max_rss_mb']:.0f} MB: {big_run['message'] or ''}")


if __name__ == '__main__':
    main()
