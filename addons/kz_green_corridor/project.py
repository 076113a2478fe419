# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelView, fields
from trytond.modules.currency.exceptions import RateError
from trytond.modules.kz_base.exceptions import MissingMRP
from trytond.modules.kz_base.notification import notify_users
from trytond.modules.kz_base.tools import not_in_groups
from trytond.modules.kz_base.who import users_of_role
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.modules.kz_base.xlsx import XlsxReport
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access

from .exceptions import (
    GreenCorridorError, MissingMRPError, MissingRateError)

HIGH_TECH_LEVELS = [
    (None, ""),
    ('non_manufacturing', "Not Manufacturing"),
    ('manufacturing', "Manufacturing, not in the Priority List"),
    ('medium', "Medium Technological Level"),
    ('high', "High Technological Level"),
    ]
GC_STATUSES = [
    (None, ""),
    ('computed', "Computed"),
    ('missing_rate', "Missing USD Rate"),
    ('missing_mrp', "Missing MRP"),
    ]
# What the score depends on: a change of one of them recomputes it
GC_INPUTS = {
    'pool', 'cost', 'gc_usd_manual', 'gc_investment_usd_manual',
    'gc_usd_source', 'global2000', 'global2000_year', 'high_tech_level',
    'new_jobs', 'priority_good',
    }
# What the computation writes (and the decision log keeps)
GC_RESULTS = [
    'gc_inclusion_date', 'gc_status', 'gc_investment_usd', 'gc_usd_rate',
    'gc_usd_rate_date', 'gc_investment_points', 'gc_global2000_points',
    'gc_high_tech_points', 'gc_social_points', 'gc_investment_share',
    'gc_global2000_share', 'gc_high_tech_share', 'gc_social_share',
    'green_corridor_score', 'green_corridor', 'task_force',
    'gc_inclusion_score', 'gc_threshold_met',
    ]
HUNDRED = Decimal(100)
SHARE = Decimal('0.0001')


def band_points(value, bands, points):
    """Return the points of value on half-open bands.

    bands are the ascending lower bounds [b1, b2, ...] and points has one
    more item: points[0] below b1, points[i] for b_i <= value < b_i+1."""
    result = points[0]
    for bound, point in zip(bands, points[1:]):
        if value >= bound:
            result = point
    return result


class Project(metaclass=PoolMeta):
    __name__ = 'ncip.project'

    _gc_states = {
        'readonly': Eval('state').in_(['closed', 'excluded']),
        }

    # Inputs (Annex 1)
    gc_usd_manual = fields.Boolean(
        "Manual USD Amount", states=_gc_states,
        help="Enter the investment in US dollars by hand instead of "
        "converting the cost at the rate of the inclusion date.")
    gc_investment_usd_manual = fields.Numeric(
        "Investment (USD, Manual)", digits=(16, 2),
        domain=[If(Bool(Eval('gc_investment_usd_manual')),
                ('gc_investment_usd_manual', '>=', 0), ())],
        states={
            'invisible': ~Eval('gc_usd_manual'),
            'required': Bool(Eval('gc_usd_manual')),
            'readonly': _gc_states['readonly'],
            })
    gc_usd_source = fields.Char(
        "Source of the USD Amount",
        states={
            'invisible': ~Eval('gc_usd_manual'),
            'required': Bool(Eval('gc_usd_manual')),
            'readonly': _gc_states['readonly'],
            },
        help="Where the manual amount comes from, e.g. the investor's "
        "financial model or a bank statement.")
    global2000 = fields.Boolean(
        "In Forbes Global 2000", states=_gc_states,
        help="The investor (or its group) is in the Forbes "
        "\"The Global 2000\" list.")
    global2000_year = fields.Integer(
        "Global 2000 List Year",
        domain=[If(Bool(Eval('global2000_year')),
                [('global2000_year', '>=', 2003),
                    ('global2000_year', '<=', 2200)],
                [])],
        states={
            'invisible': ~Eval('global2000'),
            'required': Bool(Eval('global2000')),
            'readonly': _gc_states['readonly'],
            })
    high_tech_level = fields.Selection(
        HIGH_TECH_LEVELS, "High-tech Level", states=_gc_states,
        help="The level of the project's product in the list of priority "
        "goods of order No. 306 of 30 March 2022.")
    high_tech_level_string = high_tech_level.translated('high_tech_level')
    priority_good = fields.Many2One(
        'green_corridor.priority_good', "Priority Good", ondelete='RESTRICT',
        domain=[If(Eval('high_tech_level').in_(['medium', 'high']),
                ('level', '=', Eval('high_tech_level')),
                ())],
        states={
            'invisible': ~Eval('high_tech_level').in_(['medium', 'high']),
            'required': Eval('high_tech_level').in_(['medium', 'high']),
            'readonly': _gc_states['readonly'],
            })
    new_jobs = fields.Integer(
        "New Jobs", states=_gc_states,
        domain=[If(Bool(Eval('new_jobs')), ('new_jobs', '>=', 0), ())],
        help="The number of permanent jobs the project creates.")

    # Results
    gc_inclusion_date = fields.Date(
        "Inclusion Date", readonly=True,
        help="The date the project entered the national pool; the USD "
        "rate of this date is used.")
    gc_status = fields.Selection(
        GC_STATUSES, "Scoring Status", readonly=True)
    gc_status_string = gc_status.translated('gc_status')
    gc_investment_usd = fields.Numeric(
        "Investment (USD)", digits=(16, 2), readonly=True)
    gc_usd_rate = fields.Numeric(
        "USD Rate (KZT)", digits=(16, 6), readonly=True,
        help="The tenge for one US dollar used for the conversion.")
    gc_usd_rate_date = fields.Date("USD Rate Date", readonly=True)
    gc_investment_points = fields.Numeric(
        "Investment Points", digits=(4, 2), readonly=True)
    gc_global2000_points = fields.Numeric(
        "Global 2000 Points", digits=(4, 2), readonly=True)
    gc_high_tech_points = fields.Numeric(
        "High-tech Points", digits=(4, 2), readonly=True)
    gc_social_points = fields.Numeric(
        "Social Points", digits=(4, 2), readonly=True)
    gc_investment_share = fields.Numeric(
        "Investment Share", digits=(6, 4), readonly=True)
    gc_global2000_share = fields.Numeric(
        "Global 2000 Share", digits=(6, 4), readonly=True)
    gc_high_tech_share = fields.Numeric(
        "High-tech Share", digits=(6, 4), readonly=True)
    gc_social_share = fields.Numeric(
        "Social Share", digits=(6, 4), readonly=True)
    green_corridor_score = fields.Numeric(
        "Green Corridor Score", digits=(6, 4), readonly=True,
        help="Σ weight × points of Annex 1.")
    green_corridor = fields.Boolean(
        "Green Corridor", readonly=True,
        help="The score reaches the threshold: the project gets "
        "accelerated public services and its problems go to the next "
        "Investment Council meeting (N§28, N§30).")
    task_force = fields.Boolean(
        "Task Force", readonly=True,
        help="A green-corridor project costing at least the Task Force "
        "threshold in MRP, accompanied by the Task Force (N§29).")
    gc_inclusion_score = fields.Numeric(
        "Score at Inclusion", digits=(6, 4), readonly=True,
        help="The score computed when the project entered the national "
        "pool: it decided the inclusion (N§28).")
    gc_score_difference = fields.Function(
        fields.Numeric("Score Difference", digits=(6, 4),
            help="The current score less the score at inclusion."),
        'get_gc_score_difference')
    gc_threshold_met = fields.Boolean(
        "Current Score Meets the Threshold", readonly=True,
        help="A project whose later score falls under the threshold stays "
        "in the green corridor until the authorized body removes it.")
    gc_removed = fields.Boolean(
        "Removed by Decision", readonly=True,
        help="The authorized body removed the project from the green "
        "corridor; a later score does not bring it back by itself.")
    gc_removal_reason = fields.Text(
        "Reason for Removal",
        states={
            'invisible': ~Eval('green_corridor') & ~Eval('gc_removed'),
            'readonly': ~Eval('green_corridor')
            | not_in_groups('group_authorized_body'),
            },
        help="Required to remove the project from the green corridor.")
    gc_decisions = fields.One2Many(
        'green_corridor.decision', 'project', "Green Corridor Decisions",
        readonly=True)
    gc_problems = fields.One2Many(
        'green_corridor.problem', 'project', "Problems")

    del _gc_states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.green_corridor, Index.Equality()),
                    where=t.green_corridor == True),  # noqa: E712
                Index(t, (t.task_force, Index.Equality()),
                    where=t.task_force == True),  # noqa: E712
                })
        cls._buttons.update({
                'recompute_green_corridor_button': {
                    'invisible': Eval('pool') != 'national',
                    'depends': ['pool'],
                    },
                'remove_from_green_corridor': {
                    'invisible': ~Eval('green_corridor'),
                    'depends': ['green_corridor'],
                    },
                })

    @classmethod
    def default_gc_usd_manual(cls):
        return False

    @classmethod
    def default_global2000(cls):
        return False

    @classmethod
    def default_green_corridor(cls):
        return False

    @classmethod
    def default_task_force(cls):
        return False

    @classmethod
    def default_gc_removed(cls):
        return False

    def get_gc_score_difference(self, name):
        if (self.green_corridor_score is None
                or self.gc_inclusion_score is None):
            return None
        return self.green_corridor_score - self.gc_inclusion_score

    @fields.depends('high_tech_level', 'priority_good')
    def on_change_high_tech_level(self):
        if (self.priority_good
                and self.priority_good.level != self.high_tech_level):
            self.priority_good = None

    @fields.depends('priority_good')
    def on_change_priority_good(self):
        if self.priority_good:
            self.high_tech_level = self.priority_good.level

    @classmethod
    def copy(cls, projects, default=None):
        default = default.copy() if default is not None else {}
        for name in GC_RESULTS:
            default.setdefault(name, None)
        default.setdefault('green_corridor', False)
        default.setdefault('task_force', False)
        default.setdefault('gc_removed', False)
        default.setdefault('gc_removal_reason', None)
        default.setdefault('gc_decisions', None)
        default.setdefault('gc_problems', None)
        return super().copy(projects, default=default)

    @classmethod
    def on_modification(cls, mode, projects, field_names=None):
        super().on_modification(mode, projects, field_names=field_names)
        if mode in {'create', 'write'} and (
                field_names is None or field_names & GC_INPUTS):
            reason = 'change' if mode == 'write' else 'national'
            cls.recompute_green_corridor(
                cls.browse([p.id for p in projects]), reason=reason)

    @classmethod
    @ModelView.button
    def recompute_green_corridor_button(cls, projects):
        for project in projects:
            values = project.compute_green_corridor()
            if values.get('gc_status') == 'missing_rate':
                raise MissingRateError(gettext(
                        'kz_green_corridor.msg_project_missing_rate',
                        project=project.rec_name,
                        date=values['gc_usd_rate_date']))
            elif values.get('gc_status') == 'missing_mrp':
                raise MissingMRPError(gettext(
                        'kz_green_corridor.msg_project_missing_mrp',
                        project=project.rec_name,
                        year=project.gc_mrp_date().year))
        cls.recompute_green_corridor(projects, reason='manual', force=True)

    @classmethod
    @ModelView.button
    def remove_from_green_corridor(cls, projects):
        "The authorized body removes the projects with a reason, logged"
        Decision = Pool().get('green_corridor.decision')
        projects = [p for p in projects if p.green_corridor]
        for project in projects:
            if not (project.gc_removal_reason or '').strip():
                raise GreenCorridorError(gettext(
                        'kz_green_corridor.msg_project_removal_reason',
                        project=project.rec_name))
        decisions = []
        for project in projects:
            values = {n: getattr(project, n) for n in GC_RESULTS}
            values.update(green_corridor=False, task_force=False)
            decision = Decision.values_from_project(
                project, values, 'removed')
            decision['note'] = project.gc_removal_reason
            decisions.append(decision)
        with without_check_access():
            cls.write(projects, {
                    'green_corridor': False,
                    'task_force': False,
                    'gc_removed': True,
                    })
            Decision.create(decisions)

    # Scoring

    @staticmethod
    def _gc_currencies():
        Currency = Pool().get('currency.currency')
        currencies = {c.code: c for c in Currency.search([
                    ('code', 'in', ['KZT', 'USD']),
                    ])}
        return currencies.get('KZT'), currencies.get('USD')

    def compute_investment_usd(self, date):
        """Return (amount in USD, KZT per USD rate) of the cost on date,
        or (None, None) when no rate is known on the date."""
        Currency = Pool().get('currency.currency')
        kzt, usd = self._gc_currencies()
        if not kzt or not usd:
            return None, None
        with Transaction().set_context(date=date):
            rate = Currency.compute(usd, Decimal(1), kzt, round=False)
            amount = Currency.compute(kzt, self.cost or Decimal(0), usd)
        return amount, rate.quantize(Decimal('0.000001'))

    def gc_mrp_date(self):
        """Return the date whose MRP sets the Task Force threshold: the
        passport date, as for the national pool (kz_ncip), so that both
        thresholds use the MRP of the same year"""
        return self.passport_date or self.gc_inclusion_date

    def compute_green_corridor(self, config=None):
        """Return the values of the green-corridor fields (Annex 1) with the
        settings of config (the kz.configuration singleton by default).

        Outside the national pool everything is empty."""
        pool = Pool()
        Configuration = pool.get('kz.configuration')
        Date = pool.get('ir.date')
        MRP = pool.get('kz.mrp')
        values = {n: None for n in GC_RESULTS}
        values.update(green_corridor=False, task_force=False)
        if self.pool != 'national':
            return values
        if config is None:
            config = Configuration(1)
        date = self.gc_inclusion_date or Date.today()
        values['gc_inclusion_date'] = date
        if self.gc_usd_manual:
            usd = self.gc_investment_usd_manual or Decimal(0)
        else:
            try:
                usd, rate = self.compute_investment_usd(date)
            except RateError:
                usd = rate = None
            if usd is None:
                values['gc_status'] = 'missing_rate'
                values['gc_usd_rate_date'] = date
                # No rate is no reason to leave the corridor
                values['green_corridor'] = bool(self.green_corridor)
                values['gc_inclusion_score'] = self.gc_inclusion_score
                return values
            values['gc_usd_rate'] = rate
            values['gc_usd_rate_date'] = date
        values['gc_investment_usd'] = usd
        points = {
            'investment': band_points(usd,
                [config.gc_investment_band1, config.gc_investment_band2,
                    config.gc_investment_band3],
                [config.gc_investment_points0, config.gc_investment_points1,
                    config.gc_investment_points2,
                    config.gc_investment_points3]),
            'global2000': (config.gc_global2000_points_listed
                if self.global2000
                else config.gc_global2000_points_absent),
            'high_tech': {
                'manufacturing': config.gc_high_tech_points_manufacturing,
                'medium': config.gc_high_tech_points_medium,
                'high': config.gc_high_tech_points_high,
                }.get(self.high_tech_level,
                config.gc_high_tech_points_non_manufacturing),
            'social': band_points(self.new_jobs or 0,
                [config.gc_social_band1, config.gc_social_band2],
                [config.gc_social_points0, config.gc_social_points1,
                    config.gc_social_points2]),
            }
        weights = {
            'investment': config.gc_weight_investment,
            'global2000': config.gc_weight_global2000,
            'high_tech': config.gc_weight_high_tech,
            'social': config.gc_weight_social,
            }
        score = Decimal(0)
        for name, point in points.items():
            share = (weights[name] * point / HUNDRED).quantize(SHARE)
            values[f'gc_{name}_points'] = point
            values[f'gc_{name}_share'] = share
            score += share
        values['green_corridor_score'] = score
        values['gc_threshold_met'] = score >= config.gc_threshold
        # The score decides at inclusion (N§28); a later lower score shows
        # its difference but removal is a decision (remove_from_green_...)
        if self.gc_inclusion_score is None:
            values['gc_inclusion_score'] = score
        else:
            values['gc_inclusion_score'] = self.gc_inclusion_score
        values['green_corridor'] = bool(self.green_corridor) or (
            values['gc_threshold_met'] and not self.gc_removed)
        values['gc_status'] = 'computed'
        if values['green_corridor']:
            try:
                threshold = MRP.multiple(
                    config.gc_task_force_mrp, self.gc_mrp_date() or date)
            except MissingMRP:
                # The Task Force cannot be decided without the MRP
                values['gc_status'] = 'missing_mrp'
            else:
                values['task_force'] = (self.cost or 0) >= threshold
        return values

    @classmethod
    def recompute_thresholds(cls, projects):
        """A new, changed or deleted MRP decides the Task Force again for
        the national projects, once kz_ncip moved them between pools"""
        super().recompute_thresholds(projects)
        with without_check_access():
            # Read again: the pools were just written
            national = [p for p in cls.browse(projects)
                if p.pool == 'national']
            if national:
                cls.recompute_green_corridor(national, reason='mrp')

    @classmethod
    def recompute_green_corridor(
            cls, projects=None, reason='change', force=False, config=None):
        """Recompute the score of the projects (all national ones when
        None), write the changes, log a decision for each project whose
        inputs or result changed and notify the Task Force of new
        assignments."""
        pool = Pool()
        Decision = pool.get('green_corridor.decision')
        if projects is None:
            projects = cls.search([
                    ['OR',
                        ('pool', '=', 'national'),
                        ('gc_status', '!=', None),
                        ],
                    ])
        to_write, decisions, to_notify = [], [], []
        for project in projects:
            values = project.compute_green_corridor(config=config)
            changed = {n: v for n, v in values.items()
                if getattr(project, n) != v}
            if changed:
                to_write.extend([[project], changed])
            if project.pool != 'national' and project.gc_status is None:
                # Never scored: nothing to decide
                continue
            if not (force or changed or project._gc_inputs_changed()):
                continue
            if project.pool != 'national':
                decision_reason = 'left'
            elif project.gc_status is None:
                decision_reason = 'national'
            else:
                decision_reason = reason
            decisions.append(Decision.values_from_project(
                    project, values, decision_reason, config=config))
            if values['task_force'] and not project.task_force:
                to_notify.append(project)
        # The results are computed, not entered: write them whoever
        # triggered the computation
        with without_check_access():
            if to_write:
                cls.write(*to_write)
            if decisions:
                Decision.create(decisions)
        if to_notify:
            cls.notify_task_force(to_notify)

    def _gc_inputs_changed(self):
        "Whether the inputs differ from those of the last decision"
        decisions = sorted(self.gc_decisions, key=lambda d: d.id)
        if not decisions:
            return True
        return decisions[-1].inputs_key() != self._gc_inputs_key()

    def _gc_inputs_key(self):
        "The inputs as Decision.inputs_key returns them"
        return (
            self.cost, bool(self.gc_usd_manual),
            self.gc_investment_usd_manual if self.gc_usd_manual else None,
            (self.gc_usd_source or None) if self.gc_usd_manual else None,
            bool(self.global2000), self.global2000_year if self.global2000
            else None, self.high_tech_level,
            self.priority_good.id if self.priority_good else None,
            self.new_jobs)

    @classmethod
    def score_unscored_green_corridor(cls):
        """Score the national projects that have no decision or no score
        yet: those already in the national pool when the module was
        activated and those waiting for a USD rate"""
        with without_check_access():
            projects = cls.search([
                    ('pool', '=', 'national'),
                    ['OR',
                        ('gc_status', 'in', [None, 'missing_rate']),
                        ('gc_decisions', '=', None),
                        ],
                    ])
        cls.recompute_green_corridor(projects, reason='national')
        return projects

    @classmethod
    def notify_task_force(cls, projects):
        users = users_of_role('kz_base', 'group_task_force')
        for project in projects:
            notify_users(users,
                gettext('kz_green_corridor.msg_task_force_assigned',
                    project=project.rec_name),
                gettext('kz_green_corridor.msg_task_force_assigned_body',
                    project=project.rec_name,
                    score=project.green_corridor_score),
                records=[project])


CRITERIA = ['investment', 'global2000', 'high_tech', 'social']


def short_number(value):
    "Return value in the user's language with only its significant decimals"
    Lang = Pool().get('ir.lang')
    value = Decimal(value or 0)
    digits = max(0, -value.normalize().as_tuple().exponent)
    return Lang.get().format_number(value, digits=digits)


def gc_scale(config):
    """Return the weight and the maximum points of each criterion of
    Annex 1 in the settings config"""
    return {
        'weight': {
            'investment': config.gc_weight_investment,
            'global2000': config.gc_weight_global2000,
            'high_tech': config.gc_weight_high_tech,
            'social': config.gc_weight_social,
            },
        'maximum': {
            'investment': max(config.gc_investment_points0,
                config.gc_investment_points1, config.gc_investment_points2,
                config.gc_investment_points3),
            'global2000': max(config.gc_global2000_points_absent,
                config.gc_global2000_points_listed),
            'high_tech': max(config.gc_high_tech_points_non_manufacturing,
                config.gc_high_tech_points_manufacturing,
                config.gc_high_tech_points_medium,
                config.gc_high_tech_points_high),
            'social': max(config.gc_social_points0, config.gc_social_points1,
                config.gc_social_points2),
            },
        }


def criterion_label(name, weight):
    "Return the Annex 1 label of the criterion name with its weight"
    return gettext('kz_green_corridor.msg_annex1_criterion_%s' % name,
        weight=short_number(weight))


def global2000_value(project):
    if project.global2000:
        return gettext('kz_green_corridor.msg_annex1_global2000_listed',
            year=project.global2000_year or '')
    return gettext('kz_green_corridor.msg_annex1_global2000_absent')


class DecisionReport(Report):
    """Green corridor scoring sheet (Annex 1)

    The criteria with their weight and maximum points, the project's
    values, points and weighted points, the score and the decision."""
    __name__ = 'ncip.project.green_corridor'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Configuration = pool.get('kz.configuration')
        Date = pool.get('ir.date')
        Decision = pool.get('green_corridor.decision')
        context = super().get_context(records, header, data)
        config = Configuration(1)
        context['config'] = config
        context['today'] = Date.today()
        scale = gc_scale(config)
        scale['number'] = short_number
        scale['global2000_value'] = global2000_value
        scale['label'] = lambda name: criterion_label(
            name, scale['weight'][name])
        context['scale'] = scale
        # The thresholds printed are those the last decision was taken
        # with, not the current settings; a project never scored shows the
        # current ones
        current = {
            'threshold': config.gc_threshold,
            'task_force_mrp': config.gc_task_force_mrp,
            }
        logged = {}
        with without_check_access():
            for decision in Decision.search_read([
                        ('project', 'in', [r.id for r in records]),
                        ], order=[('id', 'ASC')],
                    fields_names=['project', 'threshold', 'task_force_mrp']):
                logged[decision['project']] = {
                    name: (decision[name] if decision[name] is not None
                        else current[name])
                    for name in current}

        def decided(project):
            return logged.get(project.id, current)
        context['decided'] = decided
        return context


class ScoredProjectsXlsx(XlsxReport):
    """List of the projects scored for the green corridor (Annex 1)

    One row per selected project that has a score: its values, the points
    of each criterion of Annex 1 (the column says the weight), the
    weighted score and the decision."""
    __name__ = 'ncip.project.green_corridor.xlsx'
    _fields = ['investor', 'region', 'cost', 'gc_investment_usd',
        'global2000', 'high_tech_level', 'new_jobs']

    @classmethod
    def get_rows(cls, records, data):
        pool = Pool()
        Configuration = pool.get('kz.configuration')
        Project = pool.get('ncip.project')
        scale = gc_scale(Configuration(1))
        strings = Project.fields_get(
            cls._fields + ['green_corridor', 'task_force'])
        headers = [gettext('kz_green_corridor.msg_annex1_number'),
            gettext('kz_green_corridor.msg_annex1_project')]
        headers += [strings[n]['string'] for n in cls._fields]
        headers += [criterion_label(n, scale['weight'][n]) for n in CRITERIA]
        headers += [gettext('kz_green_corridor.msg_annex1_score'),
            strings['green_corridor']['string'],
            strings['task_force']['string']]
        yes = gettext('kz_green_corridor.msg_annex1_yes')
        no = gettext('kz_green_corridor.msg_annex1_no')
        rows = []
        scored = [p for p in records if p.gc_status == 'computed']
        for number, project in enumerate(scored, 1):
            rows.append([number, project.rec_name,
                    project.investor, project.region, project.cost,
                    project.gc_investment_usd, global2000_value(project),
                    project.high_tech_level_string, project.new_jobs]
                + [getattr(project, f'gc_{n}_points') for n in CRITERIA]
                + [project.green_corridor_score,
                    yes if project.green_corridor else no,
                    yes if project.task_force else no])
        return (gettext('kz_green_corridor.msg_annex1_list_title'), headers,
            rows)
