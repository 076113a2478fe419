#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""The list and form reads of the heaviest models, as sao sends them, for a
staff user under record rules, in one process (no HTTP, no session check):

- list: the read of the list view's fields of N rows, with the names of
  their Many2One columns (`field.rec_name`), the labels of eager
  selections (`field:string`), `rec_name`, `_timestamp`, `_write` and
  `_delete`, as sao's Group.load asks for them;
- form: the same read of one record with the form view's fields;
- floor: a bare read of the same rows' stored columns (no Function field,
  no related name), in the same run.

For each it prints the SQL statements of one call (counted by a wrapper of
psycopg's cursor), the CPU time of the call in this process
(time.process_time: trytond's Python, not PostgreSQL's) and the median
wall time.  Needs the data set of tests/load/generate.py (its load.* users):

    .venv/bin/python -O bench/list_reads.py --config var/trytond.conf \\
        --database kz [--rows 80] [--runs 15]
"""
import argparse
import statistics
import sys
import time

# (model, login, domain): the lists a staff user opens, with the filter of
# the list's first tab where it has one
CASES = [
    ('ncip.project', 'load.akimat.00', []),
    ('ncip.project', 'load.authorized.00', []),
    ('ncip.initiative', 'load.akimat.00', []),
    ('ncip.initiative', 'load.authorized.00', []),
    ('ncip.roadmap.task', 'load.akimat.00', []),
    ('ncip.roadmap.task', 'load.authorized.00', []),
    ('damu.contract', 'load.damu.00', []),
    ('damu.monitoring', 'load.damu.00', []),
    ]

STATEMENTS = [0]


def count_statements():
    "Count every statement trytond sends through psycopg"
    import psycopg
    execute = psycopg.Cursor.execute

    def counted(self, *args, **kwargs):
        STATEMENTS[0] += 1
        return execute(self, *args, **kwargs)
    psycopg.Cursor.execute = counted


def sao_fields(Model, view_type):
    "The fields sao's Group.load reads for the default view of view_type"
    view = Model.fields_view_get(view_type=view_type)
    names = sorted(view['fields'])
    fetch = list(names)
    for name in names:
        description = view['fields'][name]
        if description['type'] in {'many2one', 'one2one', 'reference'}:
            fetch.append(name + '.rec_name')
        elif (description['type'] in {'selection', 'multiselection'}
                and description.get('loading', 'lazy') == 'eager'):
            fetch.append(name + ':string')
    if 'rec_name' not in names:
        fetch.append('rec_name')
    fetch += ['_timestamp', '_write', '_delete']
    return fetch


def stored_fields(Model, names):
    from trytond.model import fields
    stored = []
    for name in names:
        field = Model._fields.get(name)
        if (field is not None and field.sql_type()
                and not isinstance(field, fields.Function)):
            stored.append(name)
    return stored


def measure(database, user, context, func, runs):
    """Median wall and CPU time and statements of func() in a read-only
    transaction of user with context, as trytond's dispatcher starts it"""
    from trytond.transaction import Transaction
    walls, cpus, counts = [], [], []
    for i in range(runs + 1):
        with Transaction().start(database, user, readonly=True,
                context=context):
            STATEMENTS[0] = 0
            wall, cpu = time.perf_counter(), time.process_time()
            func()
            cpu = time.process_time() - cpu
            wall = time.perf_counter() - wall
        if i:  # the first run warms the caches
            walls.append(wall)
            cpus.append(cpu)
            counts.append(STATEMENTS[0])
    return (statistics.median(walls), statistics.median(cpus),
        statistics.median(counts))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', required=True)
    parser.add_argument('--database', required=True)
    parser.add_argument('--rows', type=int, default=80)
    parser.add_argument('--runs', type=int, default=15)
    parser.add_argument('--profile', metavar='MODEL',
        help="print cProfile's top functions of the list read of MODEL")
    args = parser.parse_args()

    from trytond.config import update_etc
    update_etc(args.config)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    count_statements()
    Pool.start()
    pool = Pool(args.database)
    pool.init()
    models = {name for name, _ in pool.iterobject()}

    print(f"{'list (rows) as user':46} {'SQL':>4} {'CPU ms':>7} "
        f"{'wall ms':>8} {'floor ms':>8} {'ratio':>6}")
    for model, login, domain in CASES:
        if model not in models:
            continue
        with Transaction().start(args.database, 0, readonly=True):
            User = pool.get('res.user')
            users = User.search([('login', '=', login)])
            if not users:
                print(f"{model} as {login}: no such user (generate.py)")
                continue
            user = users[0].id
        with Transaction().start(args.database, user, readonly=True):
            context = User.get_preferences(context_only=True)
        context = dict(context, _check_access=True)
        with Transaction().start(args.database, user, readonly=True,
                context=context):
            Model = pool.get(model)
            ids = [r.id for r in Model.search(domain, limit=args.rows)]
            list_names = sao_fields(Model, 'tree')
            form_names = sao_fields(Model, 'form')
            floor_names = stored_fields(Model, list_names)
        if not ids:
            print(f"{model} as {login}: no record")
            continue

        def list_read():
            pool.get(model).read(ids, list_names)

        def form_read():
            pool.get(model).read(ids[:1], form_names)

        def floor_read():
            pool.get(model).search_read(
                [('id', 'in', ids)], fields_names=floor_names)

        if args.profile == model:
            import cProfile
            import pstats
            profile = cProfile.Profile()
            with Transaction().start(args.database, user, readonly=True,
                    context=context):
                list_read()  # warm the caches
            with Transaction().start(args.database, user, readonly=True,
                    context=context):
                profile.runcall(list_read)
            pstats.Stats(profile).sort_stats('cumulative').print_stats('addons|function.py|modelsql.py', 25)

        floor = measure(args.database, user, context, floor_read, args.runs)
        read = measure(args.database, user, context, list_read, args.runs)
        form = measure(args.database, user, context, form_read, args.runs)
        name = f"{model} ({len(ids)}) as {login}"
        print(f"{name:46} {read[2]:4.0f} {read[1] * 1000:7.1f} "
            f"{read[0] * 1000:8.1f} {floor[0] * 1000:8.1f} "
            f"{read[0] / floor[0]:6.2f}")
        name = f"  form of 1, floor: {floor[2]:.0f} SQL, {floor[1] * 1000:.1f} ms CPU"
        print(f"{name:46} {form[2]:4.0f} {form[1] * 1000:7.1f} "
            f"{form[0] * 1000:8.1f}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
