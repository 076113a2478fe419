# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The monitoring plan (Annex 2): its activities, its Excel form and its
yearly revision (§8)"""
import datetime as dt

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.who import users_of, users_of_kind
from trytond.modules.kz_base.xlsx import XlsxReport
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import ReportingError
from .rating import previous_quarter, quarter_end

ACTIVITY_KINDS = [
    ('quarterly', "Quarterly"),
    ('annual', "Annual"),
    ('unplanned', "Unplanned"),
    ]
# The planned activities of Annex 2 (§4-5) and the regional pool update
# (N§24); their texts are the messages msg_activity_<code>
ACTIVITY_TEMPLATES = {
    'quarterly': ['quarter_results', 'quarter_report', 'quarter_meeting',
        'regional_pool'],
    'annual': ['year_results', 'year_efficiency', 'year_meeting'],
    }


class MonitoringPlanRevision(DeadlineMixin, Workflow, ModelSQL, ModelView):
    "Monitoring plan revision"
    __name__ = 'ncip.monitoring.plan.revision'
    __string__ = "Monitoring Plan Revision"
    _deadline_fields = {'year', 'previous_revision', 'state'}
    _deadline_states = ('draft',)
    _states = {'readonly': Eval('state') != 'draft'}

    year = fields.Integer(
        "Year", required=True, states=_states,
        domain=[('year', '>=', 2000), ('year', '<=', 2100)])
    previous_revision = fields.Many2One(
        'ncip.monitoring.plan.revision', "Last Revision", readonly=True,
        ondelete='SET NULL',
        help="The next revision is due a set number of months after the "
        "last recorded one (Annex 2 §8).")
    summary = fields.Text(
        "Summary of Changes", states=_states,
        help="The activities of the plan added, changed or removed.")
    revision_date = fields.Date("Revision Date", readonly=True)
    revised_by = fields.Many2One(
        'res.user', "Revised by", readonly=True, ondelete='RESTRICT')
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.state, Index.Equality())))
        cls._order.insert(0, ('year', 'DESC'))
        cls._order.insert(1, ('revision_date', 'DESC NULLS FIRST'))
        cls._transitions |= {('draft', 'done')}
        cls._buttons.update({
                'revise': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        # The last revision is the default of a new revision: revisions
        # that exist when the column is added are left without one (and
        # computing it would read this table before its new columns exist)
        if not table_h.column_exist('previous_revision'):
            table_h.add_column(
                'previous_revision', cls.previous_revision._sql_type)
        super().__register__(module)

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_year(cls):
        return Pool().get('ir.date').today().year

    @classmethod
    def default_previous_revision(cls):
        last = cls.last_revision()
        return last.id if last else None

    @classmethod
    def last_revision(cls):
        with without_check_access():
            revisions = cls.search([('state', '=', 'done')],
                order=[('revision_date', 'DESC'), ('id', 'DESC')], limit=1)
        return revisions[0] if revisions else None

    def get_rec_name(self, name):
        return gettext('kz_ncip.msg_plan_revision_rec_name', year=self.year)

    # At least once a year (Annex 2 §8): the months after the last recorded
    # revision, or by the end of its year for the first one
    def get_deadline_start(self):
        if self.previous_revision:
            return self.previous_revision.revision_date
        if self.year:
            return dt.date(self.year, 1, 1)

    def get_deadline_duration(self):
        start = self.get_deadline_start()
        if not start:
            return
        if self.previous_revision:
            config = Pool().get('kz.configuration')(1)
            due = start + relativedelta(
                months=config.monitoring_plan_revision_months)
        else:
            due = dt.date(self.year, 12, 31)
        return (due - start).days, 'calendar'

    def get_deadline_recipients(self):
        return users_of_kind('authorized_body')

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def revise(cls, revisions):
        "The authorized body records the revision of the plan"
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('kz.configuration')
        for revision in revisions:
            if not (revision.summary or '').strip():
                raise ReportingError(gettext(
                        'kz_ncip.msg_plan_revision_summary',
                        revision=revision.rec_name))
        if not revisions:
            return
        today = Date.today()
        cls.write(list(revisions), {
                'revision_date': today,
                'revised_by': Transaction().user,
                })
        # The transition writes the state after this method returns
        last = max(revisions, key=lambda r: r.id)
        # The next revision is due from this one on
        drafts = cls.search([
                ('state', '=', 'draft'),
                ('id', 'not in', [r.id for r in revisions]),
                ])
        if drafts:
            cls.write(drafts, {'previous_revision': last.id})
        else:
            months = Configuration(1).monitoring_plan_revision_months
            cls.create([{
                        'year': (today + relativedelta(months=months)).year,
                        'previous_revision': last.id,
                        }])

    @classmethod
    def recompute_deadlines(cls):
        "Recompute the due dates of the pending revisions"
        with without_check_access():
            drafts = cls.search([('state', '=', 'draft')])
            cls._compute_fields(drafts, field_names={'previous_revision'})


class MonitoringActivity(DeadlineMixin, Workflow, ModelSQL, ModelView):
    "Monitoring plan activity"
    __name__ = 'ncip.monitoring.activity'
    __string__ = "Monitoring Plan Activity"
    _deadline_fields = {'planned_date', 'state'}
    _deadline_states = ('planned',)
    _states = {'readonly': Eval('state') != 'planned'}

    kind = fields.Selection(
        ACTIVITY_KINDS, "Kind", required=True, sort=False, states=_states)
    code = fields.Char("Code", readonly=True)
    name = fields.Text("Activity", required=True, states=_states)
    year = fields.Integer("Year", required=True, states=_states)
    quarter = fields.Integer(
        "Quarter", domain=['OR', ('quarter', '=', None),
            [('quarter', '>=', 1), ('quarter', '<=', 4)]],
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'quarterly',
            'required': Eval('kind') == 'quarterly',
            })
    planned_date = fields.Date("Planned Date", required=True, states=_states)
    organization = fields.Many2One(
        'kz.organization', "Responsible", ondelete='RESTRICT',
        states=_states)
    project = fields.Many2One(
        'ncip.project', "Project", ondelete='SET NULL', states=_states,
        help="The project an unplanned activity is about.")
    result = fields.Text("Result",
        states={'readonly': Eval('state') != 'planned'})
    done_date = fields.Date("Done Date", readonly=True)
    state = fields.Selection([
            ('planned', "Planned"),
            ('done', "Done"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('planned_date', 'DESC'))
        cls._transitions |= {('planned', 'done')}
        cls._buttons.update({
                'do': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'planned'

    @classmethod
    def default_kind(cls):
        return 'unplanned'

    @classmethod
    def default_year(cls):
        return Pool().get('ir.date').today().year

    def get_rec_name(self, name):
        return (self.name or '').splitlines()[0][:80] if self.name else ''

    def get_deadline_start(self):
        return self.planned_date

    def get_deadline_duration(self):
        return 0, 'calendar'

    def get_deadline_recipients(self):
        return users_of([self.organization]) if self.organization else []

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, activities):
        Date = Pool().get('ir.date')
        for activity in activities:
            if not (activity.result or '').strip():
                raise ReportingError(gettext(
                        'kz_ncip.msg_activity_result',
                        activity=activity.rec_name))
        cls.write(list(activities), {'done_date': Date.today()})

    @classmethod
    def plan(cls, date=None):
        """Cron: plan the activities of the last ended quarter and, in
        January, of the last year (Annex 2)"""
        pool = Pool()
        Date = pool.get('ir.date')
        Organization = pool.get('kz.organization')
        config = pool.get('kz.configuration')(1)
        date = date or Date.today()
        year, quarter = previous_quarter(date)
        end = quarter_end(year, quarter)
        national, = (Organization.search(
                [('kind', '=', 'national_company')], limit=1) or [None])
        authorized, = (Organization.search(
                [('kind', '=', 'authorized_body')], limit=1) or [None])
        existing = {(a.code, a.year, a.quarter, a.organization)
            for a in cls.search([('year', '=', year)])}
        to_create = []

        def add(code, name, kind, quarter, planned, organization):
            key = (code, year, quarter, organization)
            if key not in existing:
                existing.add(key)
                to_create.append({
                        'code': code, 'name': name, 'kind': kind,
                        'year': year, 'quarter': quarter,
                        'planned_date': planned,
                        'organization': (
                            organization.id if organization else None),
                        })
        report_day = end + dt.timedelta(days=config.consolidated_report_day)
        pool_day = end + dt.timedelta(days=config.quarterly_report_day)
        for code in ACTIVITY_TEMPLATES['quarterly']:
            name = gettext('kz_ncip.msg_activity_%s' % code)
            if code == 'regional_pool':
                for akimat in Organization.search([('kind', '=', 'akimat')]):
                    add(code, name, 'quarterly', quarter, pool_day, akimat)
            else:
                add(code, name, 'quarterly', quarter, report_day, national)
        if quarter == 4:
            for code in ACTIVITY_TEMPLATES['annual']:
                name = gettext('kz_ncip.msg_activity_%s' % code)
                add(code, name, 'annual', None,
                    dt.date(year + 1, 1, 31), authorized)
        return cls.create(to_create)


class MonitoringPlanXlsx(XlsxReport):
    """Monitoring plan (Annex 2)

    The plan of each year of the selected activities: every activity of
    that year the user may read, under the quarterly, annual and unplanned
    sections of Annex 2, with its period, responsible body and dates."""
    __name__ = 'ncip.monitoring.plan.xlsx'
    _fields = ['name', 'quarter', 'organization', 'planned_date', 'project',
        'state', 'done_date', 'result']

    @classmethod
    def get_rows(cls, records, data):
        Activity = Pool().get('ncip.monitoring.activity')
        headers = [gettext('kz_ncip.msg_annex2_number')] + cls.headers(
            Activity, cls._fields)
        sheets = []
        for year in sorted({a.year for a in records}):
            # The whole plan of the year, as far as the user may read it
            activities = Activity.search([('year', '=', year)],
                order=[('planned_date', 'ASC'), ('quarter', 'ASC'),
                    ('id', 'ASC')])
            rows = []
            for kind, _ in ACTIVITY_KINDS:
                rows.append(
                    [None, gettext('kz_ncip.msg_annex2_section_%s' % kind)])
                number = 0
                for activity in activities:
                    if activity.kind != kind:
                        continue
                    number += 1
                    rows.append([number, activity.name, activity.quarter,
                            activity.organization, activity.planned_date,
                            activity.project, activity.state_string,
                            activity.done_date, activity.result])
            sheets.append((gettext('kz_ncip.msg_annex2_title', year=year),
                    headers, rows))
        return sheets
