# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Country and regional investment programmes, investment orders (N§3, 5, 15)"
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.notification import notify_users
from trytond.modules.kz_base.tools import not_in_groups
from trytond.modules.kz_base.who import (
    user_organization, users_of, users_of_kind)
from trytond.modules.kz_base.workflow import DraftDeleteMixin
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access

from .exceptions import ProgrammeError, ProgrammeValidationError

KINDS = [
    ('regional', "Regional investment programme"),
    ('country', "Country investment programme"),
    ('order', "Investment order"),
    ]
# The kind of programme an organisation usually forms (N§5-1.19, 5-2.15-16)
ORGANIZATION_KINDS = {
    'akimat': 'regional',
    'regional_organization': 'regional',
    'embassy': 'country',
    'national_company_foreign': 'country',
    'central_state_body': 'order',
    }
# Written by the buttons, never by the users
WORKFLOW_FIELDS = {'state', 'submitted_by', 'submitted_date', 'approved_by',
    'approved_date'}


class InvestmentProgramme(
        DraftDeleteMixin, DeadlineMixin, Workflow, ModelSQL, ModelView):
    "Investment programme"
    __name__ = 'ncip.investment.programme'
    __string__ = "Investment Programme"
    _rec_name = 'name'
    _deadline_fields = {'kind', 'year', 'state'}
    _deadline_states = ('draft',)
    _delete_message = 'kz_ncip.msg_programme_delete_draft', 'programme'
    _delete_error = ProgrammeError
    _states = {'readonly': Eval('state') != 'draft'}

    kind = fields.Selection(
        KINDS, "Kind", required=True, sort=False, states=_states,
        help="Regional: formed by the akimat with the national company, "
        "updated every year by 15 January (N§5-2.16).\n"
        "Country: formed by the foreign office for targeting investors of "
        "a country (N§3.3, 5-1.19).\n"
        "Investment order: the need of a region or an industry for "
        "investments (N§3.17, 5-2.15).")
    name = fields.Char("Name", required=True, states=_states)
    year = fields.Integer(
        "Year", required=True, states=_states,
        domain=[('year', '>=', 2000), ('year', '<=', 2100)],
        help="The year the programme is for.")
    region = fields.Many2One(
        'kz.region', "Region", ondelete='RESTRICT',
        states={
            'readonly': _states['readonly'],
            'required': Eval('kind') == 'regional',
            'invisible': Eval('kind') == 'country',
            })
    country = fields.Many2One(
        'country.country', "Country", ondelete='RESTRICT',
        states={
            'readonly': _states['readonly'],
            'required': Eval('kind') == 'country',
            'invisible': Eval('kind') != 'country',
            },
        help="The country whose investors the programme targets.")
    industry = fields.Char(
        "Industry", states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'order',
            },
        help="The industry of an investment order formed by a central "
        "state body.")
    organization = fields.Many2One(
        'kz.organization', "Responsible Organisation", required=True,
        ondelete='RESTRICT', states=_states)
    lines = fields.One2Many(
        'ncip.investment.programme.line', 'programme',
        "Projects and Niches",
        states=_states,
        help="The projects and investment niches of the programme with "
        "their planned investments.")
    planned_amount = fields.Function(
        fields.Numeric("Planned Investment", digits=(16, 2),
            help="The total planned investment of the projects and niches "
            "in tenge (KZT)."),
        'on_change_with_planned_amount')
    description = fields.Text("Description", states=_states)
    review_note = fields.Text(
        "Review Note",
        states={'readonly': (Eval('state') != 'submitted')
            | not_in_groups('group_authorized_body')},
        help="Why the authorized body sends the programme back for "
        "correction.")
    submitted_by = fields.Many2One(
        'res.user', "Submitted by", readonly=True, ondelete='RESTRICT')
    submitted_date = fields.Date("Submission Date", readonly=True)
    approved_by = fields.Many2One(
        'res.user', "Approved by", readonly=True, ondelete='RESTRICT')
    approved_date = fields.Date("Approval Date", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ('approved', "Approved"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    kind_string = kind.translated('kind')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.year, Index.Equality()),
                    (t.kind, Index.Equality())),
                Index(t, (t.region, Index.Equality())),
                Index(t, (t.state, Index.Equality())),
                })
        cls._order.insert(0, ('year', 'DESC'))
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'approved'),
            ('submitted', 'draft'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                'send_back': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_year(cls):
        return Pool().get('ir.date').today().year

    @classmethod
    def default_kind(cls):
        organization = user_organization()
        if organization:
            return ORGANIZATION_KINDS.get(organization.kind, 'regional')
        return 'regional'

    @classmethod
    def default_organization(cls):
        organization = user_organization()
        return organization.id if organization else None

    @classmethod
    def default_region(cls):
        organization = user_organization()
        if organization and organization.region:
            return organization.region.id

    @fields.depends('kind', 'region', 'country', 'industry')
    def on_change_kind(self):
        if self.kind == 'country':
            self.region = None
        if self.kind != 'country':
            self.country = None
        if self.kind != 'order':
            self.industry = None

    @fields.depends('lines')
    def on_change_with_planned_amount(self, name=None):
        return sum((l.planned_amount or 0 for l in self.lines or []),
            Decimal(0))

    # The regional programme of a year is due by 15 January of that year,
    # the year following the reporting one (N§5-2.16)
    def get_deadline_start(self):
        if self.kind == 'regional' and self.year:
            return dt.date(self.year - 1, 12, 31)

    def get_deadline_duration(self):
        config = Pool().get('kz.configuration')(1)
        return config.regional_programme_day, 'calendar'

    def get_deadline_recipients(self):
        return users_of([self.organization])

    def get_deadline_escalation_recipients(self):
        return self.get_deadline_recipients() + users_of_kind(
            'authorized_body')

    @classmethod
    def validate_fields(cls, programmes, field_names):
        super().validate_fields(programmes, field_names)
        if field_names is None or field_names & {
                'kind', 'region', 'industry'}:
            cls.check_order_target(programmes)
        if field_names is None or field_names & {
                'kind', 'region', 'country', 'year'}:
            cls.check_unique(programmes)

    @classmethod
    def check_order_target(cls, programmes):
        "An investment order is the need of a region or an industry"
        for programme in programmes:
            if (programme.kind == 'order' and not programme.region
                    and not (programme.industry or '').strip()):
                raise ProgrammeValidationError(gettext(
                        'kz_ncip.msg_programme_order_target',
                        programme=programme.rec_name))

    @classmethod
    def check_unique(cls, programmes):
        "One regional programme per region and year, one country "
        "programme per country and year"
        for programme in programmes:
            if programme.kind == 'regional':
                domain = [('region', '=', programme.region.id)]
                place = programme.region.rec_name
            elif programme.kind == 'country':
                domain = [('country', '=', programme.country.id)]
                place = programme.country.rec_name
            else:
                continue
            with without_check_access():
                others = cls.search([
                        ('id', '!=', programme.id),
                        ('kind', '=', programme.kind),
                        ('year', '=', programme.year),
                        ] + domain, limit=1)
            if others:
                other, = others
                raise ProgrammeValidationError(gettext(
                        'kz_ncip.msg_programme_unique',
                        programme=programme.rec_name,
                        other=other.rec_name, kind=programme.kind_string,
                        place=place, year=programme.year))

    @classmethod
    def check_modification(
            cls, mode, programmes, values=None, external=False):
        super().check_modification(
            mode, programmes, values=values, external=external)
        if not external:
            return
        if mode == 'create':
            for programme in programmes:
                if programme.state != 'draft' or any(
                        getattr(programme, f)
                        for f in WORKFLOW_FIELDS - {'state'}):
                    raise ProgrammeError(gettext(
                            'kz_ncip.msg_programme_state_buttons',
                            programme=programme.rec_name))
        elif mode == 'write':
            # The state changes through the buttons only
            if programmes and set(values) & WORKFLOW_FIELDS:
                raise ProgrammeError(gettext(
                        'kz_ncip.msg_programme_state_buttons',
                        programme=programmes[0].rec_name))
            changed = set(values) - {'review_note'}
            for programme in programmes:
                if changed and programme.state != 'draft':
                    raise ProgrammeError(gettext(
                            'kz_ncip.msg_programme_modify_draft',
                            programme=programme.rec_name))
                # The review note is the authorized body's, while it
                # reviews
                if ('review_note' in values
                        and programme.state != 'submitted'):
                    raise ProgrammeError(gettext(
                            'kz_ncip.msg_programme_review_note',
                            programme=programme.rec_name))

    @classmethod
    def copy(cls, programmes, default=None):
        "A copy is the draft of the next year's programme"
        default = default.copy() if default is not None else {}
        default.setdefault('year', lambda data: (data['year'] or 0) + 1)
        for name in ['review_note', 'submitted_by', 'submitted_date',
                'approved_by', 'approved_date']:
            default.setdefault(name, None)
        return super().copy(programmes, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, programmes):
        "Send the programme to the authorized body for approval"
        Date = Pool().get('ir.date')
        for programme in programmes:
            if not programme.lines:
                raise ProgrammeError(gettext(
                        'kz_ncip.msg_programme_no_targets',
                        programme=programme.rec_name))
        cls.write(list(programmes), {
                'submitted_by': Transaction().user,
                'submitted_date': Date.today(),
                'review_note': None,
                })
        for programme in programmes:
            notify_users(users_of_kind('authorized_body'),
                gettext('kz_ncip.msg_programme_submitted_label',
                    programme=programme.rec_name),
                gettext('kz_ncip.msg_programme_submitted_description',
                    programme=programme.rec_name,
                    organization=programme.organization.rec_name),
                [programme])

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, programmes):
        "The authorized body approves the programme"
        Date = Pool().get('ir.date')
        cls.write(list(programmes), {
                'approved_by': Transaction().user,
                'approved_date': Date.today(),
                })
        for programme in programmes:
            notify_users(users_of([programme.organization]),
                gettext('kz_ncip.msg_programme_approved_label',
                    programme=programme.rec_name),
                gettext('kz_ncip.msg_programme_approved_description',
                    programme=programme.rec_name),
                [programme])

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def send_back(cls, programmes):
        "The authorized body sends the programme back with a note"
        for programme in programmes:
            if not (programme.review_note or '').strip():
                raise ProgrammeError(gettext(
                        'kz_ncip.msg_programme_send_back_note',
                        programme=programme.rec_name))
        cls.write(list(programmes), {
                'submitted_by': None,
                'submitted_date': None,
                })
        for programme in programmes:
            notify_users(users_of([programme.organization]),
                gettext('kz_ncip.msg_programme_sent_back_label',
                    programme=programme.rec_name),
                gettext('kz_ncip.msg_programme_sent_back_description',
                    programme=programme.rec_name,
                    note=programme.review_note),
                [programme])


class InvestmentProgrammeLine(ModelSQL, ModelView):
    "Project or niche of an investment programme"
    __name__ = 'ncip.investment.programme.line'
    __string__ = "Investment Programme Line"
    programme = fields.Many2One(
        'ncip.investment.programme', "Programme", required=True,
        ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    project = fields.Many2One(
        'ncip.project', "Project", ondelete='SET NULL',
        domain=[If(Bool(Eval('programme_region')),
                ('region', '=', Eval('programme_region', -1)),
                ())],
        help="The project of the platform, if the line is one; a regional "
        "programme takes the projects of its region only.")
    name = fields.Char(
        "Project or Niche", required=True,
        help="The project or the investment niche that needs investors.")
    industry = fields.Char("Industry")
    planned_amount = fields.Numeric(
        "Planned Investment", digits=(16, 2),
        domain=['OR', ('planned_amount', '=', None),
            ('planned_amount', '>=', 0)],
        help="The planned investment in tenge (KZT).")
    notes = fields.Text("Notes")
    programme_region = fields.Function(
        fields.Many2One('kz.region', "Programme Region"),
        'on_change_with_programme_region')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The access rights and record rules of the programme apply
        cls.__access__.add('programme')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.programme, Index.Equality())))
        cls._order.insert(0, ('sequence', 'ASC NULLS FIRST'))

    @fields.depends('programme', '_parent_programme.region')
    def on_change_with_programme_region(self, name=None):
        if self.programme and self.programme.region:
            return self.programme.region.id

    @fields.depends('project', 'name', 'industry', 'planned_amount')
    def on_change_project(self):
        if self.project:
            if not self.name:
                self.name = self.project.name
            if not self.industry:
                self.industry = self.project.industry
            if self.planned_amount is None:
                self.planned_amount = self.project.cost

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if external:
            programmes = {l.programme for l in lines}
            if mode == 'write' and 'programme' in values:
                programmes.add(
                    Pool().get('ncip.investment.programme')(
                        values['programme']))
            for programme in programmes:
                if programme.state != 'draft':
                    raise ProgrammeError(gettext(
                            'kz_ncip.msg_programme_modify_draft',
                            programme=programme.rec_name))

