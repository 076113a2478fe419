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
    investors = Party.create([{'name': f"Load investor {i}",
                'ncip_investor': True} for i in range(200)])
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
    """The standard roadmap of every project (3 stages, 10 tasks), then
    extra tasks until count, with deadlines spread around today so that
    every colour and every rating band occurs.  Written in SQL: the ORM
    validates every record, hours for 500,000 tasks.  Most projects are
    put in implementation ("with roadmap"), the state the dashboard and
    the rating work on."""
    from trytond.modules.kz_ncip.roadmap import (
        STAGES, TEMPLATES, VALIDATED_KINDS)
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    today = dt.date.today()
    # VALUES lists of the module's own constants (no user input)
    stage_values = ', '.join(f"('{kind}', {sequence * 10})"
        for sequence, (kind, _) in enumerate(STAGES, 1))
    cursor.execute(
        'INSERT INTO ncip_roadmap_stage '
        '(create_date, create_uid, kind, project, sequence) '
        'SELECT now(), 0, k.kind, p.id, k.sequence '
        'FROM unnest(%s::int[]) AS p(id) '
        f'CROSS JOIN (VALUES {stage_values}) AS k(kind, sequence)',
        (project_ids,))
    task_values = ', '.join(
        f"('{stage}', '{kind}', {i * 10}, {kind in VALIDATED_KINDS})"
        for stage, kinds in TEMPLATES.items()
        for i, kind in enumerate(kinds, 1))
    columns = ('(create_date, create_uid, stage, project, kind, name, '
        'sequence, state, needs_validation, deadline, responsible_person, '
        'investor_consent, overdue, deadline_reminded, deadline_escalated)')
    deadline = "%s::date + (random() * 180)::int - 60"
    cursor.execute(
        f'INSERT INTO ncip_roadmap_task {columns} '
        'SELECT now(), 0, s.id, s.project, t.kind, NULL, t.sequence, '
        f"'planned', t.validated, {deadline}, 'Load officer', true, "
        'false, false, false '
        'FROM ncip_roadmap_stage AS s '
        f'JOIN (VALUES {task_values}) AS t(stage, kind, sequence, validated) '
        'ON s.kind = t.stage '
        'WHERE s.project = ANY(%s)', (today, project_ids))
    remaining = count - len(project_ids) * sum(map(len, TEMPLATES.values()))
    if remaining > 0:
        cursor.execute(
            f'INSERT INTO ncip_roadmap_task {columns} '
            'SELECT now(), 0, s.id, s.project, %s, '
            "'Load task ' || g, 100 + g %% 1000, 'planned', false, "
            f"{deadline}, 'Load officer', true, false, false, false "
            'FROM generate_series(0, %s - 1) AS g '
            'JOIN (SELECT id, project, row_number() OVER (ORDER BY id) - 1 '
            'AS rn FROM ncip_roadmap_stage WHERE project = ANY(%s)) AS s '
            'ON s.rn = g %% %s',
            ('other', today, remaining, project_ids, len(project_ids) * 3))
    cursor.execute(
        'UPDATE ncip_roadmap_task SET due_date = deadline '
        'WHERE project = ANY(%s)', (project_ids,))
    cursor.execute(
        "UPDATE ncip_project SET state = 'with_roadmap', "
        'roadmap_date = passport_date '
        'WHERE id = ANY(%s) AND id %% 5 <> 0', (project_ids,))


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
