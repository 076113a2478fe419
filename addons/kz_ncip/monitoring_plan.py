# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The yearly revision of the monitoring plan (Annex 2 §8)"""
import datetime as dt

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.who import users_of_kind
from trytond.modules.kz_base.tools import invalidate_records
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import ReportingError


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


class Configuration(metaclass=PoolMeta):
    __name__ = 'kz.configuration'
    monitoring_plan_revision_months = fields.Integer(
        "Monitoring Plan Revision Months", required=True,
        domain=[('monitoring_plan_revision_months', '>=', 1),
            ('monitoring_plan_revision_months', '<=', 12)],
        help="The monitoring plan is revised at least once a year "
        "(Annex 2 §8): the next revision is due this many months after "
        "the last recorded one.")

    @classmethod
    def default_monitoring_plan_revision_months(cls):
        return 12

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        "A new period moves the due date of the pending revisions"
        super().on_modification(mode, records, field_names=field_names)
        if mode in {'create', 'write'} and (field_names is None
                or 'monitoring_plan_revision_months' in field_names):
            # ModelSingleton clears the cached values only after the write
            invalidate_records(cls.__name__)
            Pool().get('ncip.monitoring.plan.revision').recompute_deadlines()
