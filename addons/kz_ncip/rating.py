# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The regional rating by roadmap delays (N§62).

Each late task of a project with a roadmap scores points for its region:
late 1 to 5 days (inclusive) → 0.5, 6 to 15 days → 1, more than 15 days →
1.5 (the day bands and the points are settings).  A task counts when it
was finished after its deadline (days late = actual end − deadline) or
when it is still open after its deadline (days late = rating date −
deadline).  Fewer points rank better; equal points rank the region with
more projects first; equal points and projects share the rank.  Regions
without any rated project rank after every region with projects, all on
the same last rank (their 0 points say nothing about delays).  The
points are computed by one SQL query over the late tasks only."""
import datetime as dt

from sql import Literal, Null, Window
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Rank

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from trytond.modules.kz_base.xlsx import XlsxReport

# The project states whose tasks and projects are rated
RATED_STATES = ['with_roadmap', 'post_investment', 'suspended']


def quarter_of(date):
    return (date.month - 1) // 3 + 1


def quarter_end(year, quarter):
    if quarter == 4:
        return dt.date(year, 12, 31)
    return dt.date(year, quarter * 3 + 1, 1) - dt.timedelta(days=1)


def previous_quarter(date):
    "Return (year, quarter) of the last quarter ended before the date"
    quarter = quarter_of(date) - 1
    if quarter == 0:
        return date.year - 1, 4
    return date.year, quarter


class RegionRating(ModelSQL, ModelView):
    "Regional rating"
    __name__ = 'ncip.rating.region'
    __string__ = "Regional Rating"
    region = fields.Many2One('kz.region', "Region", readonly=True)
    rank = fields.Integer("Rank", readonly=True)
    points = fields.Float("Points", digits=(16, 1), readonly=True,
        help="Fewer points rank better (N§62).")
    late_tasks = fields.Integer("Late Tasks", readonly=True)
    projects = fields.Integer("Projects", readonly=True,
        help="Projects with a roadmap; equal points rank the region with "
        "more projects first; regions without projects rank last.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('rank', 'ASC'), ('id', 'ASC')]

    @classmethod
    def rating_date(cls):
        date = Transaction().context.get('date')
        if isinstance(date, str):
            date = dt.date.fromisoformat(date)
        return date or Pool().get('ir.date').today()

    @classmethod
    def table_query(cls):
        pool = Pool()
        Region = pool.get('kz.region')
        Project = pool.get('ncip.project')
        Task = pool.get('ncip.roadmap.task')
        config = pool.get('kz.configuration')(1)
        region = Region.__table__()
        project = Project.__table__()
        project2 = Project.__table__()
        task = Task.__table__()

        date = cls.rating_date()
        band1, band2 = config.rating_band1_days, config.rating_band2_days
        points1, points2, points3 = (float(config.rating_points1),
            float(config.rating_points2), float(config.rating_points3))
        finished = (task.actual_end != Null) & (task.actual_end <= date)
        late1 = date - dt.timedelta(days=band1)
        late2 = date - dt.timedelta(days=band2)
        points = Case(
            (finished & (task.delay_days > band2), Literal(points3)),
            (finished & (task.delay_days > band1), Literal(points2)),
            (finished & (task.delay_days >= 1), Literal(points1)),
            (~finished & (task.deadline < late2), Literal(points3)),
            (~finished & (task.deadline < late1), Literal(points2)),
            (~finished & (task.deadline < date), Literal(points1)),
            else_=Literal(0.0))
        # Only the late tasks score: PostgreSQL joins and sums them alone,
        # not every task of the rated projects (bench/rating.py)
        is_late = ((finished & (task.delay_days >= 1))
            | (~finished & (task.deadline < date)))
        task_points = task.join(project,
            condition=task.project == project.id
            ).select(
            project.region.as_('region'),
            Sum(points).as_('points'),
            Count().as_('late_tasks'),
            where=(project.state.in_(RATED_STATES)
                & (task.deadline != Null)
                & is_late
                & (project.passport_date <= date)),
            group_by=[project.region])
        project_counts = project2.select(
            project2.region.as_('region'),
            Count(project2.id).as_('projects'),
            where=(project2.state.in_(RATED_STATES)
                & (project2.passport_date <= date)),
            group_by=[project2.region])
        points_column = Coalesce(task_points.points, Literal(0.0))
        projects_column = Coalesce(project_counts.projects, Literal(0))
        # The regions without projects come after all the others
        without_projects = Case(
            (projects_column == Literal(0), Literal(1)), else_=Literal(0))
        return region.join(task_points, 'LEFT',
            condition=task_points.region == region.id
            ).join(project_counts, 'LEFT',
            condition=project_counts.region == region.id
            ).select(
            region.id.as_('id'),
            region.create_uid.as_('create_uid'),
            region.create_date.as_('create_date'),
            region.write_uid.as_('write_uid'),
            region.write_date.as_('write_date'),
            region.id.as_('region'),
            points_column.as_('points'),
            Coalesce(task_points.late_tasks, Literal(0)).as_('late_tasks'),
            projects_column.as_('projects'),
            Rank(window=Window([], order_by=[without_projects.asc,
                        points_column.asc, projects_column.desc])
                ).as_('rank'),
            )


class RatingSnapshot(ModelSQL, ModelView):
    "Quarterly regional rating"
    __name__ = 'ncip.rating.snapshot'
    __string__ = "Quarterly Regional Rating"
    date = fields.Date("Date", required=True, readonly=True)
    year = fields.Integer("Year", required=True, readonly=True)
    quarter = fields.Integer("Quarter", required=True, readonly=True)
    lines = fields.One2Many(
        'ncip.rating.snapshot.line', 'snapshot', "Lines", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))

    def get_rec_name(self, name):
        return '%s Q%s' % (self.year, self.quarter)

    @classmethod
    def take(cls, year, quarter):
        "Keep the rating as it was at the end of the quarter"
        pool = Pool()
        Rating = pool.get('ncip.rating.region')
        date = quarter_end(year, quarter)
        existing = cls.search([('year', '=', year), ('quarter', '=', quarter)])
        if existing:
            cls.delete(existing)
        with Transaction().set_context(date=date):
            ratings = Rating.search([])
            lines = [{
                    'region': r.region.id,
                    'rank': r.rank,
                    'points': r.points,
                    'late_tasks': r.late_tasks,
                    'projects': r.projects,
                    } for r in ratings]
        snapshot, = cls.create([{
                    'date': date, 'year': year, 'quarter': quarter,
                    'lines': [('create', lines)],
                    }])
        return snapshot

    @classmethod
    def take_quarterly(cls):
        "Cron: keep the rating of the last quarter once it ended"
        Date = Pool().get('ir.date')
        year, quarter = previous_quarter(Date.today())
        if not cls.search([('year', '=', year), ('quarter', '=', quarter)]):
            return cls.take(year, quarter)


class RatingSnapshotLine(ModelSQL, ModelView):
    "Quarterly regional rating line"
    __name__ = 'ncip.rating.snapshot.line'
    __string__ = "Quarterly Regional Rating Line"
    snapshot = fields.Many2One(
        'ncip.rating.snapshot', "Snapshot", required=True,
        ondelete='CASCADE')
    region = fields.Many2One(
        'kz.region', "Region", required=True, ondelete='RESTRICT')
    rank = fields.Integer("Rank", required=True)
    points = fields.Float("Points", digits=(16, 1), required=True)
    late_tasks = fields.Integer("Late Tasks", required=True)
    projects = fields.Integer("Projects", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('rank', 'ASC'))


class RatingReport(XlsxReport):
    "Regional rating (Excel)"
    __name__ = 'ncip.rating.xlsx'
    _fields = ['rank', 'region', 'points', 'late_tasks', 'projects']

    @classmethod
    def get_rows(cls, records, data):
        Rating = Pool().get('ncip.rating.region')
        if not records:
            records = Rating.search([])
        title = cls.title(Rating)
        return title, cls.headers(Rating, cls._fields), [
            [r.rank, r.region.rec_name, r.points, r.late_tasks, r.projects]
            for r in sorted(records, key=lambda r: (r.rank, r.id))]


class RatingSnapshotReport(XlsxReport):
    "Quarterly regional rating (Excel)"
    __name__ = 'ncip.rating.snapshot.xlsx'
    _fields = ['rank', 'region', 'points', 'late_tasks', 'projects']

    @classmethod
    def get_rows(cls, records, data):
        Line = Pool().get('ncip.rating.snapshot.line')
        snapshot = records[0]
        title = '%s — %s' % (cls.title(Line), snapshot.rec_name)
        return title, cls.headers(Line, cls._fields), [
            [l.rank, l.region.rec_name, l.points, l.late_tasks, l.projects]
            for l in snapshot.lines]
