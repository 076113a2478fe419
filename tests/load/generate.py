#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Fill a platform database with a load-test data set through the ORM:
20,000 projects, 500,000 roadmap tasks, 5,000 initiatives and 50,000 Damu
contracts by default (--scale 0.1 makes a tenth), and 50 staff users
load.<role>.<n> with the demo password.  Models that are not installed are
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
    """The standard roadmap of every project (10 tasks), then extra tasks
    until count, with deadlines spread around today so that every colour
    and every rating band occurs"""
    from trytond.transaction import Transaction
    Stage = pool.get('ncip.roadmap.stage')
    Task = pool.get('ncip.roadmap.task')
    Project = pool.get('ncip.project')
    today = dt.date.today()
    for done, size in batches(len(project_ids)):
        Stage.create_standard(Project.browse(project_ids[done:done + size]))
    stages = Stage.search([('project', 'in', project_ids)])
    remaining = count - Task.search_count([('project', 'in', project_ids)])
    with Transaction().set_context(_ncip_roadmap_planning=True):
        for done, size in batches(max(remaining, 0)):
            Task.create([{
                        'stage': rng.choice(stages).id,
                        'kind': 'other',
                        'name': f"Load task {done + i}",
                        'sequence': 100 + i,
                        'deadline': today + dt.timedelta(
                            days=rng.randint(-60, 120)),
                        'responsible_person': "Load officer",
                        } for i in range(size)])
    # the standard tasks get deadlines in one statement, not per record
    cursor = Transaction().connection.cursor()
    cursor.execute(
        'UPDATE "ncip_roadmap_task" SET deadline = %s::date '
        '+ (random() * 180)::int - 60 WHERE deadline IS NULL', (today,))


def generate_initiatives(pool, count, rng):
    "Initiatives of the embassy and Kazakh Invest, in every region"
    Initiative = pool.get('ncip.initiative')
    Organization = pool.get('kz.organization')
    Party = pool.get('party.party')
    Region = pool.get('kz.region')
    initiators = Organization.search([
            ('kind', 'in', ['embassy', 'national_company'])])
    if not initiators:
        return
    regions = Region.search([])
    akimats = {o.region.id: o for o in Organization.search([
                ('kind', '=', 'akimat')])}
    investors = Party.search([('name', 'like', 'Load investor %')])
    today = dt.date.today()
    for done, size in batches(count):
        vlist = []
        for i in range(done, done + size):
            region = rng.choice(regions)
            akimat = akimats.get(region.id)
            vlist.append({
                    'name': f"Load initiative {i}",
                    'organization': rng.choice(initiators).id,
                    'investor': rng.choice(investors).id,
                    'region': region.id,
                    'akimat': akimat.id if akimat else None,
                    'visit_date': today - dt.timedelta(
                        days=rng.randint(0, 90)),
                    'cost': Decimal(rng.randint(10 ** 8, 10 ** 11)),
                    'jobs': rng.randint(10, 800),
                    })
        Initiative.create(vlist)


# login prefix: (organisation kinds, role name, how many)
LOAD_USERS = [
    ('akimat', ['akimat'], "Regional Front Office (Akimat)", 20),
    ('kazinvest', ['national_company'],
        "Central Front Office (National Company)", 5),
    ('authorized', ['authorized_body'], "Authorized Body", 5),
    ('embassy', ['embassy'], "External Front Office", 5),
    ('damu', ['financial_agency'], "Damu Monitoring Officer", 10),
    ('damumanager', ['financial_agency'], "Damu Manager", 5),
    ]


def generate_users(pool, password):
    """50 staff users of their own (load.<role>.<n>), so that the load
    test logs in 50 distinct sessions, each with its record rules"""
    User = pool.get('res.user')
    Role = pool.get('res.role')
    Organization = pool.get('kz.organization')
    existing = {u.login for u in User.search([('login', 'like', 'load.%')])}
    vlist = []
    for prefix, kinds, role_name, count in LOAD_USERS:
        roles = Role.search([('name', '=', role_name)])
        organizations = Organization.search(
            [('kind', 'in', kinds)], order=[('id', 'ASC')])
        if not roles or not organizations:
            continue
        for i in range(count):
            login = f'load.{prefix}.{i:02d}'
            if login in existing:
                continue
            vlist.append({
                    'login': login,
                    'name': f"Load {prefix} {i}",
                    'password': password,
                    'kz_organization': organizations[
                        i % len(organizations)].id,
                    'roles': [('create', [{'role': roles[0].id}])],
                    })
    if vlist:
        User.create(vlist)
    return len(vlist)


def valid_bin(number):
    "A 12-digit BIN with a correct check digit from a running number"
    from trytond.modules.kz_base.identifier import checksum
    while True:
        digits = f'{number % 10 ** 11:011d}'
        check = checksum(digits)
        if check is not None:
            return digits + str(check)
        number += 1


def generate_damu(pool, count, rng):
    Contract = pool.get('damu.contract')
    Organization = pool.get('kz.organization')
    Region = pool.get('kz.region')
    regions = Region.search([])
    banks = Organization.search([('kind', '=', 'bank')])
    if not banks:
        banks = Organization.create([{
                    'name': f"Load bank {i}", 'kind': 'bank',
                    'tier': 'central'} for i in range(5)])
    kinds = [('subsidy', 'loan'), ('subsidy', 'leasing'),
        ('guarantee', 'individual'), ('guarantee', 'portfolio'),
        ('grant', 'business_idea')]
    run = int(time.time()) % 100000  # generate.py can run more than once
    for done, size in batches(count):
        vlist = []
        for i in range(done, done + size):
            kind, sub_kind = rng.choice(kinds)
            signed = dt.date(2022, 1, 1) + dt.timedelta(
                days=rng.randint(0, 1400))
            amount = Decimal(rng.randint(5, 2000)) * 1000000
            guarantee = {}
            if kind == 'guarantee':
                guarantee = {
                    'guarantee_number': f"G-LOAD-{run}-{i:06d}",
                    'guarantee_date': signed,
                    'guarantee_amount': amount / 2,
                    }
            vlist.append({
                    **guarantee,
                    'number': f"LOAD-{run}-{i:06d}",
                    'kind': kind,
                    'sub_kind': sub_kind,
                    'entrepreneur': f"Load entrepreneur {i}",
                    'entrepreneur_bin': valid_bin(100000000 + i * 7),
                    'bank': rng.choice(banks).id,
                    'region': rng.choice(regions).id,
                    'purpose': (None if kind == 'grant'
                        else rng.choice(['investment', 'working_capital'])),
                    'amount': amount,
                    'outstanding_debt': amount * rng.randint(0, 100) / 100,
                    'contract_date': signed,
                    'decision_date': signed - dt.timedelta(days=20),
                    })
        Contract.create(vlist)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', required=True)
    parser.add_argument('--database', required=True)
    parser.add_argument('--scale', type=float, default=1.0)
    parser.add_argument('--password', default='kz-demo-2026',
        help="password of the load users")
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
            ('projects', 20000), ('tasks', 500000), ('initiatives', 5000),
            ('damu', 50000)]}
    models = {name for name, _ in pool.iterobject()}
    with Transaction().start(args.database, 0) as transaction:
        start = time.perf_counter()
        project_ids = []
        if 'ncip.project' in models:
            project_ids = generate_projects(pool, sizes['projects'], rng)
            if 'ncip.roadmap.task' in models:
                generate_tasks(pool, sizes['tasks'], project_ids, rng)
        if 'ncip.initiative' in models:
            generate_initiatives(pool, sizes['initiatives'], rng)
        if 'damu.contract' in models:
            generate_damu(pool, sizes['damu'], rng)
        users = generate_users(pool, args.password)
        transaction.commit()
    print(f"generated {sizes} and {users} load users in "
        f"{time.perf_counter() - start:.0f} s")


if __name__ == '__main__':
    main()
