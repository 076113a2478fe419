#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""The regional rating of kz_ncip (ncip.rating.region, N§62) over N roadmap
tasks, next to one bare SQL GROUP BY of the same tasks (the floor): the
late-task points of every region as the rating list reads them (search,
then read of its columns, as sao does), the rating's own SQL alone, and

    SELECT p.region, count(*) FROM ncip_roadmap_task t
    JOIN ncip_project p ON p.id = t.project
    WHERE <the rated projects and tasks> GROUP BY p.region

Needs a PostgreSQL database with kz_ncip (./platform run's `kz`, or the
data set of tests/load/generate.py).  When it holds fewer rated tasks
than --tasks, the bench generates the projects and tasks as generate.py
does (a quarter of the tasks finished, some late), inside its transaction,
and rolls them back at the end (--keep commits them, for the next runs).

    .venv/bin/python -O bench/rating.py --config var/trytond.conf \\
        --database kz [--tasks 500000] [--runs 5] [--keep]
"""
import argparse
import os
import random
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'tests', 'load'))

BARE = (
    'SELECT p.region, count(*) FROM ncip_roadmap_task AS t '
    'JOIN ncip_project AS p ON p.id = t.project '
    'WHERE p.state = ANY(%s) AND t.deadline IS NOT NULL '
    'AND p.passport_date <= %s '
    'GROUP BY p.region')


def rated_tasks(cursor, states, date):
    cursor.execute('SELECT sum(count) FROM (%s) AS g' % BARE,
        (states, date))
    return int(cursor.fetchone()[0] or 0)


def generate(pool, cursor, tasks, rng):
    "Projects and tasks as generate.py makes them, a quarter finished"
    import generate as load
    projects = max(tasks // 25, 1)
    start = time.perf_counter()
    project_ids = load.generate_projects(pool, projects, rng)
    load.generate_tasks(pool, tasks, project_ids, rng)
    # Finished tasks, from 10 days early to 30 days late
    cursor.execute(
        'UPDATE ncip_roadmap_task SET state = %s, '
        'actual_end = deadline + (random() * 40)::int - 10 '
        'WHERE project = ANY(%s) AND id %% 4 = 0',
        ('done', project_ids))
    cursor.execute(
        'UPDATE ncip_roadmap_task SET delay_days = actual_end - deadline '
        'WHERE project = ANY(%s) AND actual_end IS NOT NULL',
        (project_ids,))
    cursor.execute('ANALYZE ncip_project')
    cursor.execute('ANALYZE ncip_roadmap_task')
    print(f"generated {projects} projects and {tasks} tasks in "
        f"{time.perf_counter() - start:.0f} s")


def median_time(func, runs):
    func()  # warm the caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', required=True)
    parser.add_argument('--database', required=True)
    parser.add_argument('--tasks', type=int, default=500000)
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--keep', action='store_true',
        help="commit the generated projects and tasks")
    args = parser.parse_args()

    from trytond.config import update_etc
    update_etc(args.config)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(args.database)
    pool.init()
    from trytond.modules.kz_ncip.rating import RATED_STATES
    Rating = pool.get('ncip.rating.region')
    fields = ['rank', 'region', 'points', 'late_tasks', 'projects']

    with Transaction().start(args.database, 0) as transaction:
        cursor = transaction.connection.cursor()
        date = Pool().get('ir.date').today()
        count = rated_tasks(cursor, RATED_STATES, date)
        if count < args.tasks:
            generate(pool, cursor, args.tasks - count, random.Random(42))
            count = rated_tasks(cursor, RATED_STATES, date)
            if args.keep:
                transaction.commit()
        print(f"{count} rated tasks (projects {', '.join(RATED_STATES)}, "
            f"passport until {date})")

        def bare():
            cursor.execute(BARE, (RATED_STATES, date))
            return cursor.fetchall()

        def rating_sql():
            cursor.execute(*Rating.table_query())
            return cursor.fetchall()

        def rating_list():
            # As sao opens the list: the ids in order, then their columns
            ids = [r.id for r in Rating.search([])]
            return Rating.read(ids, fields)

        results = {}
        for name, func in [('bare', bare), ('sql', rating_sql),
                ('list', rating_list)]:
            results[name] = median_time(func, args.runs)
        transaction.rollback()

    floor = results['bare'][0]
    print(f"\n{'step':58} {'median':>9} {'best':>9} {'ratio':>6}")
    for name, label in [
            ('bare', "bare SQL GROUP BY of the tasks per region (floor)"),
            ('sql', "rating SQL alone (points, late tasks, projects, rank)"),
            ('list', "rating list: search + read of its columns"),
            ]:
        median, best = results[name]
        print(f"{label:58} {median * 1000:7.0f}ms {best * 1000:7.0f}ms "
            f"{median / floor:6.2f}")
    print(f"\ntarget: the rating list within 2x the floor: "
        f"{'met' if results['list'][0] <= 2 * floor else 'NOT met'}")


if __name__ == '__main__':
    main()
