# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The annual monitoring plan (D-2, D§7, 8, 11, 22)."""
import datetime as dt

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.who import users_of_role
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import PlanError


class Plan(DeadlineMixin, Workflow, ModelSQL, ModelView):
    "Damu annual monitoring plan"
    __name__ = 'damu.plan'
    __string__ = "Damu Monitoring Plan"
    _deadline_fields = {'period_start'}
    _deadline_states = {'draft'}
    _states = {'readonly': Eval('state') != 'draft'}

    name = fields.Char("Name", required=True, states=_states)
    year = fields.Integer("Year", required=True, states=_states,
        domain=[('year', '>=', 2000), ('year', '<=', 2100)])
    period_start = fields.Date("Period Start", required=True,
        states=_states)
    period_end = fields.Date("Period End", required=True, states=_states,
        domain=[('period_end', '>=', Eval('period_start', None))])
    distribution = fields.Selection([
            ('month', "By month"),
            ('quarter', "By quarter"),
            ], "Distribution", required=True, states=_states,
        help="Select Projects spreads the new monitorings evenly over the "
        "months or quarters of the period; the officer may move each "
        "one (D§7, D§16).")
    monitorings = fields.One2Many('damu.monitoring', 'plan', "Monitorings",
        states=_states)
    approved_by = fields.Many2One('res.user', "Approved By", readonly=True)
    approved_date = fields.Date("Approved On", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('approved', "Approved"),
            ], "State", readonly=True, required=True)
    state_string = state.translated('state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('year_unique', Unique(t, t.year),
                'kz_damu_monitoring.msg_plan_year_unique'),
            ]
        cls._order.insert(0, ('year', 'DESC'))
        cls._transitions |= {
            ('draft', 'approved'),
            ('approved', 'draft'),
            }
        cls._buttons.update({
                'select_projects': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_distribution(cls):
        return 'month'

    @fields.depends('year', 'period_start', 'period_end', 'name')
    def on_change_year(self):
        if self.year and 2000 <= self.year <= 2100:
            self.period_start = dt.date(self.year, 1, 1)
            self.period_end = dt.date(self.year, 12, 31)
            if not self.name:
                self.name = str(self.year)

    def get_deadline_start(self):
        return self.period_start

    def get_deadline_duration(self):
        "Approved at least N working days before the period (D§7)"
        Configuration = Pool().get('kz.configuration')
        return -Configuration(1).damu_plan_approval_days, 'working'

    def get_deadline_recipients(self):
        return users_of_role('kz_base', 'group_damu_manager')

    @classmethod
    def select_contracts(cls, date):
        "Return the contracts to monitor in a period starting on date"
        Contract = Pool().get('damu.contract')
        return Contract.search(Contract.monitorable_domain(date))

    def slot_starts(self):
        """Return the first working day of each month or quarter of the
        period: the starts over which the monitorings are spread"""
        Calendar = Pool().get('kz.calendar')
        step = 3 if self.distribution == 'quarter' else 1
        starts = []
        month = self.period_start.replace(day=1)
        if step == 3:
            month = month.replace(month=(month.month - 1) // 3 * 3 + 1)
        while month <= self.period_end:
            start = Calendar.add_working_days(
                max(month, self.period_start), 0)
            if start <= self.period_end and start not in starts:
                starts.append(start)
            month += relativedelta(months=step)
        return starts or [self.period_start]

    @classmethod
    @ModelView.button
    def select_projects(cls, plans):
        """Add a planned monitoring for each project to monitor (D§8, 11,
        22), spread evenly over the months or quarters of the period: a
        bank's projects stay together, in as few slots as the spread
        allows"""
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Calendar = pool.get('kz.calendar')
        Configuration = pool.get('kz.configuration')
        length = Configuration(1).damu_monitoring_days
        to_create = []
        for plan in plans:
            if plan.state != 'draft':
                continue
            planned = {m.contract for m in plan.monitorings}
            contracts = sorted((c for c in cls.select_contracts(
                        plan.period_start) if c not in planned),
                key=lambda c: (c.bank.id, c.id))
            starts = plan.slot_starts()
            size, extra = divmod(len(contracts), len(starts))
            index = 0
            for slot, start in enumerate(starts):
                end = Calendar.add_working_days(start, length)
                count = size + (1 if slot < extra else 0)
                for contract in contracts[index:index + count]:
                    to_create.append({
                            'plan': plan.id,
                            'contract': contract.id,
                            'origin': 'planned',
                            'start_date': start,
                            'end_date': end,
                            })
                index += count
        return Monitoring.create(to_create)

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, plans):
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        Calendar = pool.get('kz.calendar')
        Configuration = pool.get('kz.configuration')
        today = pool.get('ir.date').today()
        days = Configuration(1).damu_plan_approval_days
        for plan in plans:
            if not plan.monitorings:
                raise PlanError(gettext(
                        'kz_damu_monitoring.msg_plan_empty',
                        plan=plan.rec_name))
            # D§7 allows no late approval: a late plan covers a shorter
            # period, which starts after the lead time
            due = plan.compute_due_date()
            if due and today > due:
                raise PlanError(gettext(
                        'kz_damu_monitoring.msg_plan_approval_late',
                        plan=plan.rec_name, due=due, days=days,
                        earliest=Calendar.add_working_days(today, days)))
            # Projects that ended since the selection are left out (D§8)
            ended = [m for m in plan.monitorings
                if m.contract.state != 'active' and m.state == 'draft']
            if ended:
                Monitoring.delete(ended)
        cls.write(plans, {
                'approved_by': Transaction().user,
                'approved_date': today,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, plans):
        for plan in plans:
            if any(m.state != 'draft' for m in plan.monitorings):
                raise PlanError(gettext(
                        'kz_damu_monitoring.msg_plan_started',
                        plan=plan.rec_name))
        cls.write(plans, {'approved_by': None, 'approved_date': None})
