#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Fill a platform database with a load-test data set through the ORM:
20,000 projects, 500,000 roadmap tasks and 50,000 Damu contracts by
default (--scale 0.1 makes a tenth).  Models that are not installed are
skipped.  Run with python -O (asserts make browsing O(n²)):

    PYTHONOPTIMIZE=1 .venv/bin/python tests/load/generate.py \\
        --config var/trytond.conf --database kz
"""
import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal

BATCH = 2000


def batches(total):
    done = 0
    while done < total:
        size = min(BATCH, total - done)
        yield done, size
        done += size


def generate_projects(pool, count, rng):
    Project = pool.get('ncip.project')
    Party = pool.get('party.party')
    Region = pool.get('kz.region')
    regions = Region.search([])
    investors = Party.create([{'name': f"Load investor {i}"}
            for i in range(200)])
    ids = []
    for done, size in batches(count):
        records = Project.create([{
                    'name': f"Load project {done + i}",
                    'investor': rng.choice(investors).id,
                    'region': rng.choice(regions).id,
                    'cost': Decimal(rng.randint(10 ** 8, 10 ** 12)),
                    'passport_date': dt.date(2025, 1, 1) + dt.timedelta(
                        days=rng.randint(0, 600)),
                    } for i in range(size)])
        ids.extend(r.id for r in records)
    return ids


def generate_tasks(pool, count, project_ids, rng):
    Task = pool.get('ncip.roadmap.task')
    values = getattr(Task, 'load_test_values', None)
    if values is None:
        print("ncip.roadmap.task has no load_test_values: skipped",
            file=sys.stderr)
        return
    for done, size in batches(count):
        Task.create([values(rng.choice(project_ids), done + i, rng)
                for i in range(size)])


def generate_damu(pool, count, rng):
    Contract = pool.get('damu.contract')
    values = getattr(Contract, 'load_test_values', None)
    if values is None:
        print("damu.contract has no load_test_values: skipped",
            file=sys.stderr)
        return
    for done, size in batches(count):
        Contract.create([values(done + i, rng) for i in range(size)])


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', required=True)
    parser.add_argument('--database', required=True)
    parser.add_argument('--scale', type=float, default=1.0)
    args = parser.parse_args()
    from trytond.config import update_etc
    update_etc(args.config)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(args.database)
    pool.init()
    rng = random.Random(42)
    sizes = {name: int(size * args.scale) for name, size in [
            ('projects', 20000), ('tasks', 500000), ('damu', 50000)]}
    models = {name for name, _ in pool.iterobject()}
    with Transaction().start(args.database, 0) as transaction:
        start = time.perf_counter()
        project_ids = []
        if 'ncip.project' in models:
            project_ids = generate_projects(pool, sizes['projects'], rng)
            if 'ncip.roadmap.task' in models:
                generate_tasks(pool, sizes['tasks'], project_ids, rng)
        if 'damu.contract' in models:
            generate_damu(pool, sizes['damu'], rng)
        transaction.commit()
    print(f"generated {sizes} in {time.perf_counter() - start:.0f} s")


if __name__ == '__main__':
    main()
