# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Initiatives handed to the akimat and their conversion (N§39-42)"
from trytond.i18n import gettext
from trytond.model import (
    ChatMixin, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.feedback import done, open_records
from trytond.modules.kz_base.notification import notify_users
from trytond.modules.kz_base.who import (
    acts_for, user_organization, users_of, users_of_kind)
from trytond.modules.kz_base.workflow import DraftDeleteMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import InitiativeError

STATES = [
    ('draft', "Draft"),
    ('handed', "Handed to Akimat"),
    ('assigned', "Officer Assigned"),
    ('converted', "Converted to Project"),
    ('returned', "Returned to Initiator"),
    ]
# The fields a project passport needs (N§40.3, 46)
PASSPORT_FIELDS = ['investor', 'region', 'akimat', 'industry', 'cost',
    'description']


class Initiative(
        ChatMixin, DraftDeleteMixin, DeadlineMixin, Workflow, ModelSQL,
        ModelView):
    "Investment initiative"
    __name__ = 'ncip.initiative'
    __string__ = "Initiative"
    _rec_name = 'name'
    _deadline_fields = {'state', 'visit_date', 'handed_date', 'extended',
        'extension_days'}
    _deadline_states = ('draft', 'handed', 'assigned')
    _delete_message = 'kz_ncip.msg_initiative_delete_draft', 'initiative'
    _delete_error = InitiativeError

    _initiator = {
        'readonly': ~Eval('state').in_(['draft', 'returned']),
        }
    _akimat = {
        'readonly': ~Eval('state').in_(
            ['draft', 'returned', 'handed', 'assigned']),
        }

    name = fields.Char("Name", required=True, states=_akimat)
    organization = fields.Many2One(
        'kz.organization', "Initiator", required=True,
        ondelete='RESTRICT', states={'readonly': Eval('id', -1) >= 0},
        help="The initiator body (embassy, foreign office, national "
        "company) that created the initiative.")
    investor = fields.Many2One(
        'party.party', "Investor Company", required=True,
        ondelete='RESTRICT', domain=[('ncip_investor', '=', True)],
        states=_initiator)
    meeting = fields.Many2One(
        'ncip.meeting', "Origin Meeting", ondelete='SET NULL',
        readonly=True)
    visit = fields.Many2One(
        'ncip.visit', "Origin Visit", ondelete='SET NULL', readonly=True)
    visit_date = fields.Date("Visit Date", states=_initiator,
        help="The end of the visit or the meeting; the initiative is due "
        "at the akimat 3 working days later (filled manually if needed).")
    meetings = fields.One2Many(
        'ncip.meeting', 'initiative', "Meetings",
        add_remove=[('investor', '=', Eval('investor', -1))],
        help="The meetings with the investor about this initiative.")
    region = fields.Many2One(
        'kz.region', "Region", ondelete='RESTRICT',
        states={
            'readonly': _initiator['readonly'],
            'required': ~Eval('state').in_(['draft', 'returned']),
            },
        help="The region chosen for the project; its akimat receives the "
        "initiative.")
    akimat = fields.Many2One(
        'kz.organization', "Akimat", ondelete='RESTRICT',
        domain=[('kind', '=', 'akimat'), ('region', '=', Eval('region', -1))],
        states={
            'readonly': _initiator['readonly'],
            'required': ~Eval('state').in_(['draft', 'returned']),
            },
        help="The local executive body of the chosen region.")
    officer = fields.Many2One(
        'res.user', "Responsible Officer", ondelete='RESTRICT',
        domain=[If(Bool(Eval('akimat')),
                ('kz_organization', 'child_of', [Eval('akimat', -1)],
                    'parent'),
                ()),
            # Not the Damu coordinator, who works in the akimat too
            ('kz_roles', 'in', ['regional_front_office'])],
        states={
            'readonly': Eval('state') != 'handed',
            'invisible': Eval('state') == 'draft',
            },
        help="The akimat officer who accompanies the investor.")
    industry = fields.Char("Industry", states=_akimat)
    cost = fields.Numeric("Indicative Cost", digits=(16, 2), states=_akimat,
        domain=[If(Bool(Eval('cost')), ('cost', '>=', 0), ())],
        help="The estimated cost of the project in tenge (KZT).")
    jobs = fields.Integer("Jobs", states=_akimat,
        domain=[If(Bool(Eval('jobs')), ('jobs', '>=', 0), ())])
    description = fields.Text("Description", states=_akimat)
    expectations = fields.Text("Investor Expectations", states=_akimat)
    agreements = fields.Text("Agreements Reached", states=_akimat)
    handed_date = fields.Date("Handed On", readonly=True)
    assigned_date = fields.Date("Assigned On", readonly=True)
    extension_days = fields.Integer("Extension Days",
        states={
            'readonly': (Bool(Eval('extended'))
                | ~Eval('state').in_(['handed', 'assigned'])),
            'invisible': Eval('state') == 'draft',
            },
        help="The days to extend by, once, at most the maximum of the "
        "settings (30 calendar days).")
    extended = fields.Boolean("Extended", readonly=True)
    extended_date = fields.Date("Extended On", readonly=True)
    return_reason = fields.Text("Return Reason",
        states={
            'readonly': ~Eval('state').in_(['handed', 'assigned']),
            'invisible': Eval('state') == 'draft',
            },
        help="Why the initiative goes back to the initiator; required "
        "to return it.")
    returned_date = fields.Date("Returned On", readonly=True)
    returned_by = fields.Many2One(
        'res.user', "Returned by", readonly=True, ondelete='RESTRICT')
    project = fields.Many2One(
        'ncip.project', "Project", readonly=True, ondelete='RESTRICT')
    comments = fields.One2Many(
        'ncip.initiative.comment', 'initiative', "Discussion")
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    state_string = state.translated('state')
    del _initiator, _akimat

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality())),
                Index(t, (t.region, Index.Equality())),
                Index(t, (t.organization, Index.Equality())),
                })
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._transitions |= {
            ('draft', 'handed'),
            ('returned', 'handed'),
            ('handed', 'assigned'),
            ('handed', 'returned'),
            ('assigned', 'returned'),
            ('handed', 'converted'),
            ('assigned', 'converted'),
            ('converted', 'returned'),
            }
        cls._buttons.update({
                'hand_over': {
                    'invisible': ~Eval('state').in_(['draft', 'returned']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'assign': {
                    'invisible': Eval('state') != 'handed',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'extend': {
                    'invisible': ~Eval('state').in_(['handed', 'assigned']),
                    'icon': 'tryton-history',
                    'depends': ['state'],
                    },
                'return_to_initiator': {
                    'invisible': ~Eval('state').in_(['handed', 'assigned']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'convert': {
                    'invisible': ~Eval('state').in_(['handed', 'assigned']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_organization(cls):
        organization = user_organization()
        return organization.id if organization else None

    @classmethod
    def default_extended(cls):
        return False

    @classmethod
    def default_extension_days(cls):
        return Pool().get('kz.configuration')(1).initiative_extension_days

    @classmethod
    def default_visit_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def region_akimat(cls, region):
        "Return the akimat of the region when there is exactly one"
        Organization = Pool().get('kz.organization')
        if not region:
            return None
        akimats = Organization.search([
                ('kind', '=', 'akimat'),
                ('region', '=', region.id),
                ], limit=2)
        if len(akimats) == 1:
            return akimats[0]

    @fields.depends('region', 'akimat')
    def on_change_region(self):
        if self.akimat and self.akimat.region != self.region:
            self.akimat = None
        if self.region and not self.akimat:
            self.akimat = self.region_akimat(self.region)

    # Deadline (N§39: 3 wd to hand over; N§40: 30 cd + one extension)
    def get_deadline_start(self):
        if self.state == 'draft':
            return self.visit_date
        return self.handed_date

    def get_deadline_duration(self):
        config = Pool().get('kz.configuration')(1)
        if self.state == 'draft':
            return config.initiative_handover_days, 'working'
        days = config.initiative_decision_days
        if self.extended and self.extension_days:
            days += self.extension_days
        return days, 'calendar'

    def get_deadline_recipients(self):
        if self.state == 'draft':
            return users_of([self.organization])
        if self.officer:
            return [self.officer]
        return users_of([self.akimat])

    def get_deadline_escalation_recipients(self):
        return (list(self.get_deadline_recipients())
            + users_of_kind('authorized_body'))

    # Competence
    @classmethod
    def check_organization(cls, organization):
        """Raise when the current user does not act for the organisation
        (or one of its parents); root and administrators may act"""
        User = Pool().get('res.user')
        if not acts_for(organization):
            raise InitiativeError(gettext(
                    'kz_ncip.msg_initiative_not_your_organization',
                    organization=(
                        organization.rec_name if organization else ''),
                    user=User(Transaction().user).rec_name))

    @classmethod
    def values_from_meeting(cls, meeting):
        return {
            'name': meeting.subject,
            'organization': meeting.organization.id,
            'investor': meeting.investor.id,
            'meeting': meeting.id,
            'visit_date': meeting.date,
            'region': meeting.region.id if meeting.region else None,
            'akimat': getattr(cls.region_akimat(meeting.region), 'id', None),
            'industry': meeting.industry,
            'cost': meeting.cost,
            'jobs': meeting.jobs,
            'description': meeting.interest,
            'expectations': meeting.expectations,
            'agreements': meeting.agreements,
            }

    @classmethod
    def values_from_visit(cls, visit):
        values = {}
        if visit.meeting:
            values = cls.values_from_meeting(visit.meeting)
        values.update({
                'name': visit.name,
                'organization': visit.organization.id,
                'investor': visit.investor.id,
                'visit': visit.id,
                'visit_date': visit.visit_date or visit.date_to,
                'region': (visit.region.id if visit.region
                    else values.get('region')),
                'akimat': (
                    getattr(cls.region_akimat(visit.region), 'id', None)
                    if visit.region else values.get('akimat')),
                'agreements': visit.agreements,
                })
        return values

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('meeting'):
            values.setdefault('meetings', [('add', [values['meeting']])])
        return values

    @classmethod
    def copy(cls, initiatives, default=None):
        default = default.copy() if default is not None else {}
        for name in ['handed_date', 'assigned_date', 'extended_date',
                'returned_date', 'returned_by', 'return_reason', 'project',
                'officer', 'comments', 'meetings', 'meeting', 'visit']:
            default.setdefault(name, None)
        default.setdefault('extended', False)
        return super().copy(initiatives, default=default)

    @classmethod
    def check_modification(cls, mode, initiatives, values=None,
            external=False):
        super().check_modification(
            mode, initiatives, values=values, external=external)
        if mode == 'write' and external and set(values) - {'comments'}:
            # Once handed over the initiative is the akimat's (N§40): the
            # initiator's users follow it and discuss it, they do not edit it
            for initiative in initiatives:
                if initiative.state in {'handed', 'assigned'}:
                    cls.check_organization(initiative.akimat)
        if external and mode in {'create', 'write'}:
            cls.check_extension_days(initiatives, values)

    @classmethod
    def check_extension_days(cls, initiatives, values=None):
        """Refuse extension days out of 1 to the maximum of the settings
        and any change of them once the initiative was extended (N§40)"""
        Configuration = Pool().get('kz.configuration')
        if values is not None and 'extension_days' not in values:
            return
        maximum = Configuration(1).initiative_extension_days
        for initiative in initiatives:
            days = (values['extension_days'] if values is not None
                else initiative.extension_days)
            if (values is not None and initiative.extended
                    and days != initiative.extension_days):
                raise InitiativeError(gettext(
                        'kz_ncip.msg_initiative_extension_locked',
                        initiative=initiative.rec_name))
            if days is not None and not 1 <= days <= maximum:
                raise InitiativeError(gettext(
                        'kz_ncip.msg_initiative_extend_days',
                        initiative=initiative.rec_name, maximum=maximum))

    # Transitions
    @classmethod
    @ModelView.button
    @Workflow.transition('handed')
    def hand_over(cls, initiatives):
        "The initiator hands the initiative to the akimat of the region"
        Date = Pool().get('ir.date')
        for initiative in initiatives:
            cls.check_organization(initiative.organization)
            if not initiative.akimat:
                raise InitiativeError(gettext(
                        'kz_ncip.msg_initiative_no_akimat',
                        initiative=initiative.rec_name))
        cls.write(initiatives, {
                'handed_date': Date.today(),
                'officer': None,
                'assigned_date': None,
                'return_reason': None,
                'extended': False,
                'extended_date': None,
                })
        for initiative in initiatives:
            notify_users(users_of([initiative.akimat]),
                gettext('kz_ncip.msg_initiative_handed_label',
                    initiative=initiative.rec_name),
                gettext('kz_ncip.msg_initiative_handed_description',
                    initiative=initiative.rec_name,
                    organization=initiative.organization.rec_name),
                [initiative])
        return done(gettext('kz_ncip.msg_initiative_handed_feedback',
                initiatives=', '.join(i.rec_name for i in initiatives),
                akimats=', '.join(sorted(
                        {i.akimat.rec_name for i in initiatives}))))

    @classmethod
    @ModelView.button
    @Workflow.transition('assigned')
    def assign(cls, initiatives):
        "The akimat assigns its responsible officer"
        Date = Pool().get('ir.date')
        for initiative in initiatives:
            cls.check_organization(initiative.akimat)
            if not initiative.officer:
                raise InitiativeError(gettext(
                        'kz_ncip.msg_initiative_no_officer',
                        initiative=initiative.rec_name))
        cls.write(initiatives, {'assigned_date': Date.today()})
        for initiative in initiatives:
            notify_users([initiative.officer],
                gettext('kz_ncip.msg_initiative_assigned_label',
                    initiative=initiative.rec_name),
                gettext('kz_ncip.msg_initiative_assigned_description',
                    initiative=initiative.rec_name,
                    due_date=initiative.due_date),
                [initiative])

    @classmethod
    @ModelView.button
    def extend(cls, initiatives):
        "Extend the initiative once by at most the configured days"
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('kz.configuration')
        maximum = Configuration(1).initiative_extension_days
        for initiative in initiatives:
            cls.check_organization(initiative.akimat)
            if initiative.state not in {'handed', 'assigned'}:
                raise InitiativeError(gettext(
                        'kz_ncip.msg_initiative_extend_state',
                        initiative=initiative.rec_name))
            if initiative.extended:
                raise InitiativeError(gettext(
                        'kz_ncip.msg_initiative_extend_once',
                        initiative=initiative.rec_name))
            days = initiative.extension_days
            if not days or days <= 0 or days > maximum:
                raise InitiativeError(gettext(
                        'kz_ncip.msg_initiative_extend_days',
                        initiative=initiative.rec_name, maximum=maximum))
        cls.write(initiatives, {
                'extended': True,
                'extended_date': Date.today(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('returned')
    def return_to_initiator(cls, initiatives):
        "The akimat returns the initiative (not elaborated), with a reason"
        for initiative in initiatives:
            cls.check_organization(initiative.akimat)
        cls._return(initiatives)

    @classmethod
    def _return(cls, initiatives, notify_authorized=False):
        Date = Pool().get('ir.date')
        for initiative in initiatives:
            if not (initiative.return_reason or '').strip():
                raise InitiativeError(gettext(
                        'kz_ncip.msg_initiative_return_reason',
                        initiative=initiative.rec_name))
        cls.write(initiatives, {
                'returned_date': Date.today(),
                'returned_by': Transaction().user or None,
                })
        for initiative in initiatives:
            users = list(users_of([initiative.organization]))
            if notify_authorized:
                users += users_of_kind('authorized_body')
            notify_users(users,
                gettext('kz_ncip.msg_initiative_returned_label',
                    initiative=initiative.rec_name),
                gettext('kz_ncip.msg_initiative_returned_description',
                    initiative=initiative.rec_name,
                    reason=initiative.return_reason),
                [initiative])

    @classmethod
    @ModelView.button
    @Workflow.transition('converted')
    def convert(cls, initiatives):
        "Create the project passport in Module 2 (N§40.3)"
        Project = Pool().get('ncip.project')
        for initiative in initiatives:
            cls.check_organization(initiative.akimat)
            missing = [f for f in PASSPORT_FIELDS
                if getattr(initiative, f) is None
                or getattr(initiative, f) == '']
            if missing:
                strings = cls.fields_get(missing)
                raise InitiativeError(gettext(
                        'kz_ncip.msg_initiative_convert_missing',
                        initiative=initiative.rec_name,
                        fields=', '.join(
                            strings[f]['string'] for f in missing)))
        projects = Project.create([
                i.get_project_values() for i in initiatives])
        for initiative, project in zip(initiatives, projects):
            initiative.project = project
        cls.save(initiatives)
        return open_records(projects, 'kz_ncip.act_project_form',
            gettext('kz_ncip.msg_initiative_converted_feedback',
                projects=', '.join(p.rec_name for p in projects)))

    @classmethod
    def created_feedback(cls, initiatives):
        "Open the initiatives created from a meeting or a visit"
        return open_records(initiatives, 'kz_ncip.act_initiative_form',
            gettext('kz_ncip.msg_initiative_created_feedback',
                initiatives=', '.join(i.rec_name for i in initiatives)))

    def get_project_values(self):
        "Return the values of the project passport of the initiative"
        contact = self.investor.ncip_contact
        contacts = None
        if contact:
            contacts = '\n'.join(filter(None, [
                        contact.rec_name,
                        contact.ncip_position,
                        ] + [m.rec_name for m in contact.contact_mechanisms]))
        return {
            'name': self.name,
            'investor': self.investor.id,
            'bin': self.investor.ncip_bin,
            'industry': self.industry,
            'region': self.region.id,
            'akimat': self.akimat.id,
            'cost': self.cost,
            'description': self.description,
            'contacts': contacts,
            'initiator': self.organization.id,
            'initiative': self.id,
            }

    @classmethod
    def reopen_from_project(cls, project, reason):
        """Turn a project back into its initiative, return it to the
        initiator and notify the authorized body (N§41).

        Module 2 calls it when the project conditions or the region
        change; it returns the initiative."""
        if not (reason or '').strip():
            raise InitiativeError(gettext(
                    'kz_ncip.msg_initiative_return_reason',
                    initiative=project.rec_name))
        if project.akimat:
            cls.check_organization(project.akimat)
        initiative = project.initiative
        if not initiative:
            initiative, = cls.create([{
                        'name': project.name,
                        'organization': (
                            project.initiator or project.akimat).id,
                        'investor': project.investor.id,
                        'region': project.region.id,
                        'akimat': project.akimat.id if project.akimat
                        else None,
                        'industry': project.industry,
                        'cost': project.cost,
                        'description': project.description,
                        'visit_date': project.passport_date,
                        'project': project.id,
                        # The initiative the project was converted from
                        'state': 'converted',
                        }])
            Project = Pool().get('ncip.project')
            Project.write([project], {'initiative': initiative.id})
        cls.write([initiative], {'return_reason': reason})
        cls._return_from_project([initiative])
        return initiative

    @classmethod
    @Workflow.transition('returned')
    def _return_from_project(cls, initiatives):
        cls._return(initiatives, notify_authorized=True)


class InitiativeComment(ModelSQL, ModelView):
    "Comment on an initiative"
    __name__ = 'ncip.initiative.comment'
    __string__ = "Initiative Comment"
    initiative = fields.Many2One(
        'ncip.initiative', "Initiative", required=True, ondelete='CASCADE')
    author = fields.Many2One(
        'res.user', "Author", readonly=True, ondelete='RESTRICT')
    organization = fields.Many2One(
        'kz.organization', "Organisation", readonly=True,
        ondelete='RESTRICT')
    text = fields.Text("Comment", required=True,
        states={'readonly': Eval('id', -1) >= 0})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('initiative')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.initiative, Index.Equality())))
        cls._order.insert(0, ('create_date', 'ASC'))

    @classmethod
    def default_author(cls):
        return Transaction().user or None

    @classmethod
    def default_organization(cls):
        organization = user_organization()
        return organization.id if organization else None

    @classmethod
    def check_modification(cls, mode, comments, values=None,
            external=False):
        super().check_modification(
            mode, comments, values=values, external=external)
        if mode == 'write' and Transaction().user:
            raise InitiativeError(gettext(
                    'kz_ncip.msg_initiative_comment_modify'))


class Project(metaclass=PoolMeta):
    __name__ = 'ncip.project'
    initiative = fields.Many2One(
        'ncip.initiative', "Initiative", readonly=True, ondelete='RESTRICT',
        help="The initiative the project was converted from (Module 1).")
