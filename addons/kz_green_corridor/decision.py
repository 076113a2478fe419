# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.kz_base.exceptions import MissingMRP
from trytond.pool import Pool

from .project import GC_STATUSES, HIGH_TECH_LEVELS

REASONS = [
    ('national', "Entered the National Pool"),
    ('change', "Input Changed"),
    ('settings', "Settings Changed"),
    ('manual', "Recomputed on Request"),
    ('mrp', "MRP Changed"),
    ('left', "Left the National Pool"),
    ('removed', "Removed by Decision"),
    ]


class Decision(ModelSQL, ModelView):
    """Green corridor decision

    One line each time the score of a project is computed with new inputs
    or gives a new result: the inputs, the points, the score and the
    outcome, as they were on that date."""
    __name__ = 'green_corridor.decision'
    __string__ = "Green Corridor Decision"
    project = fields.Many2One(
        'ncip.project', "Project", required=True, readonly=True,
        ondelete='CASCADE')
    date = fields.Date("Date", required=True, readonly=True)
    reason = fields.Selection(REASONS, "Reason", required=True, readonly=True)
    reason_string = reason.translated('reason')
    status = fields.Selection(GC_STATUSES, "Scoring Status", readonly=True)
    status_string = status.translated('status')
    cost = fields.Numeric(
        "Estimated Cost (KZT)", digits=(16, 2), readonly=True)
    usd_manual = fields.Boolean("Manual USD Amount", readonly=True)
    investment_usd = fields.Numeric(
        "Investment (USD)", digits=(16, 2), readonly=True)
    usd_source = fields.Char("Source of the USD Amount", readonly=True)
    usd_rate = fields.Numeric("USD Rate (KZT)", digits=(16, 6), readonly=True)
    usd_rate_date = fields.Date("USD Rate Date", readonly=True)
    global2000 = fields.Boolean("In Forbes Global 2000", readonly=True)
    global2000_year = fields.Integer("Global 2000 List Year", readonly=True)
    high_tech_level = fields.Selection(
        HIGH_TECH_LEVELS, "High-tech Level", readonly=True)
    high_tech_level_string = high_tech_level.translated('high_tech_level')
    priority_good = fields.Many2One(
        'green_corridor.priority_good', "Priority Good", readonly=True,
        ondelete='RESTRICT')
    new_jobs = fields.Integer("New Jobs", readonly=True)
    investment_points = fields.Numeric(
        "Investment Points", digits=(4, 2), readonly=True)
    global2000_points = fields.Numeric(
        "Global 2000 Points", digits=(4, 2), readonly=True)
    high_tech_points = fields.Numeric(
        "High-tech Points", digits=(4, 2), readonly=True)
    social_points = fields.Numeric(
        "Social Points", digits=(4, 2), readonly=True)
    investment_share = fields.Numeric(
        "Investment Share", digits=(6, 4), readonly=True)
    global2000_share = fields.Numeric(
        "Global 2000 Share", digits=(6, 4), readonly=True)
    high_tech_share = fields.Numeric(
        "High-tech Share", digits=(6, 4), readonly=True)
    social_share = fields.Numeric(
        "Social Share", digits=(6, 4), readonly=True)
    threshold = fields.Numeric("Threshold", digits=(6, 4), readonly=True)
    task_force_mrp = fields.Numeric(
        "Task Force Threshold (MRP)", digits=(16, 0), readonly=True)
    mrp = fields.Numeric(
        "MRP (KZT)", digits=(16, 2), readonly=True,
        help="The MRP of 1 January of the passport year used for the Task "
        "Force threshold.")
    score = fields.Numeric("Score", digits=(6, 4), readonly=True)
    green_corridor = fields.Boolean("Green Corridor", readonly=True)
    task_force = fields.Boolean("Task Force", readonly=True)
    note = fields.Text("Note", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.project, Index.Equality())))
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def values_from_project(cls, project, values, reason, config=None):
        "Return the values of a decision for project and computed values"
        pool = Pool()
        Configuration = pool.get('kz.configuration')
        Date = pool.get('ir.date')
        MRP = pool.get('kz.mrp')
        if config is None:
            config = Configuration(1)
        mrp_date = project.gc_mrp_date()
        try:
            mrp = MRP.amount_on(mrp_date) if mrp_date else None
        except MissingMRP:
            mrp = None
        return {
            'project': project.id,
            'date': Date.today(),
            'reason': reason,
            'status': values['gc_status'],
            'cost': project.cost,
            'usd_manual': bool(project.gc_usd_manual),
            'investment_usd': values['gc_investment_usd'],
            'usd_source': (
                project.gc_usd_source if project.gc_usd_manual else None),
            'usd_rate': values['gc_usd_rate'],
            'usd_rate_date': values['gc_usd_rate_date'],
            'global2000': bool(project.global2000),
            'global2000_year': (
                project.global2000_year if project.global2000 else None),
            'high_tech_level': project.high_tech_level,
            'priority_good': (
                project.priority_good.id if project.priority_good else None),
            'new_jobs': project.new_jobs,
            'investment_points': values['gc_investment_points'],
            'global2000_points': values['gc_global2000_points'],
            'high_tech_points': values['gc_high_tech_points'],
            'social_points': values['gc_social_points'],
            'investment_share': values['gc_investment_share'],
            'global2000_share': values['gc_global2000_share'],
            'high_tech_share': values['gc_high_tech_share'],
            'social_share': values['gc_social_share'],
            'threshold': config.gc_threshold,
            'task_force_mrp': config.gc_task_force_mrp,
            'mrp': mrp,
            'score': values['green_corridor_score'],
            'green_corridor': values['green_corridor'],
            'task_force': values['task_force'],
            }

    def inputs_key(self):
        "The inputs as Project._gc_inputs_key returns them"
        return (
            self.cost, bool(self.usd_manual),
            self.investment_usd if self.usd_manual else None,
            (self.usd_source or None) if self.usd_manual else None,
            bool(self.global2000), self.global2000_year,
            self.high_tech_level,
            self.priority_good.id if self.priority_good else None,
            self.new_jobs)
