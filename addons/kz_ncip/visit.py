# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Visits of potential investors to Kazakhstan (N§38.4-5, 39)"
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import VisitError
from .meeting import ParticipantMixin, user_organization

STATES = [
    ('draft', "Draft"),
    ('proposed', "Proposed"),
    ('approved', "Approved"),
    ('refused', "Refused"),
    ('done', "Done"),
    ]


class Visit(Workflow, ModelSQL, ModelView):
    "Visit of a potential investor"
    __name__ = 'ncip.visit'
    __string__ = "Investor Visit"
    _rec_name = 'name'
    _draft = {'readonly': Eval('state') != 'draft'}

    name = fields.Char("Name", required=True, states=_draft)
    organization = fields.Many2One(
        'kz.organization', "Organisation", required=True,
        ondelete='RESTRICT', states={'readonly': Eval('id', -1) >= 0},
        help="The initiator body that plans the visit.")
    investor = fields.Many2One(
        'party.party', "Investor Company", required=True,
        ondelete='RESTRICT', domain=[('ncip_investor', '=', True)],
        states=_draft)
    meeting = fields.Many2One(
        'ncip.meeting', "Meeting", ondelete='SET NULL', states=_draft,
        domain=[('investor', '=', Eval('investor', -1))])
    date_from = fields.Date("Planned From", required=True, states=_draft)
    date_to = fields.Date("Planned To", required=True, states=_draft,
        domain=[If(Bool(Eval('date_from')) & Bool(Eval('date_to')),
                ('date_to', '>=', Eval('date_from')), ())])
    region = fields.Many2One(
        'kz.region', "Region", ondelete='RESTRICT', states=_draft,
        help="The region the investor considers for the project.")
    goals = fields.Text("Goals", states=_draft)
    responsible_bodies = fields.Many2Many(
        'ncip.visit-kz.organization', 'visit', 'organization',
        "Responsible Bodies", states=_draft,
        # State bodies: not the banks, investors or financial agency
        domain=[('kind', 'not in', [
                    'bank', 'leasing_company', 'investor',
                    'financial_agency'])],
        help="The state bodies responsible for organising the visit.")
    decision_note = fields.Text("Decision Note",
        states={'readonly': Eval('state') != 'proposed'},
        help="The reason of the authorized body; required to refuse.")
    decided_by = fields.Many2One(
        'res.user', "Decided by", readonly=True, ondelete='RESTRICT')
    decision_date = fields.Date("Decision Date", readonly=True)
    programme = fields.Text("Visit Programme",
        states={
            'readonly': Eval('state') != 'approved',
            'invisible': ~Eval('state').in_(['approved', 'done']),
            })
    participants = fields.One2Many(
        'ncip.visit.participant', 'visit', "Participants",
        states={
            'readonly': Eval('state') != 'approved',
            'invisible': ~Eval('state').in_(['approved', 'done']),
            })
    visit_date = fields.Date("Visit Ended On",
        states={
            'readonly': Eval('state') != 'approved',
            'invisible': ~Eval('state').in_(['approved', 'done']),
            },
        help="The last day of the visit; the initiative is due 3 working "
        "days later.")
    agreements = fields.Text("Agreements Reached",
        states={
            'readonly': Eval('state') != 'approved',
            'invisible': ~Eval('state').in_(['approved', 'done']),
            })
    initiatives = fields.One2Many(
        'ncip.initiative', 'visit', "Initiatives", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    state_string = state.translated('state')
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality())),
                Index(t, (t.organization, Index.Equality())),
                })
        cls._order.insert(0, ('date_from', 'DESC'))
        cls._transitions |= {
            ('draft', 'proposed'),
            ('proposed', 'draft'),
            ('proposed', 'approved'),
            ('proposed', 'refused'),
            ('refused', 'draft'),
            ('approved', 'done'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': ~Eval('state').in_(['proposed', 'refused']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'propose': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'proposed',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'proposed',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'done': {
                    'invisible': Eval('state') != 'approved',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'create_initiative': {
                    'invisible': (Eval('state') != 'done')
                    | Bool(Eval('initiatives')),
                    'depends': ['state', 'initiatives'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_organization(cls):
        organization = user_organization()
        return organization.id if organization else None

    @fields.depends('meeting', 'investor', 'region')
    def on_change_meeting(self):
        if self.meeting and not self.investor:
            self.investor = self.meeting.investor
        if self.meeting and not self.region:
            self.region = self.meeting.region

    @classmethod
    def copy(cls, visits, default=None):
        default = default.copy() if default is not None else {}
        for name in ['decided_by', 'decision_date', 'decision_note',
                'programme', 'participants', 'visit_date', 'agreements',
                'initiatives']:
            default.setdefault(name, None)
        return super().copy(visits, default=default)

    @classmethod
    def _check_initiator(cls, visits):
        Initiative = Pool().get('ncip.initiative')
        for visit in visits:
            Initiative.check_organization(visit.organization)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, visits):
        cls._check_initiator(visits)
        cls.write(visits, {'decided_by': None, 'decision_date': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('proposed')
    def propose(cls, visits):
        cls._check_initiator(visits)

    @classmethod
    def _decide(cls, visits):
        Date = Pool().get('ir.date')
        cls.write(visits, {
                'decided_by': Transaction().user or None,
                'decision_date': Date.today(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, visits):
        "The authorized body finds the visit expedient"
        cls._decide(visits)

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, visits):
        "The authorized body refuses the visit, with a reason"
        for visit in visits:
            if not (visit.decision_note or '').strip():
                raise VisitError(gettext(
                        'kz_ncip.msg_visit_refuse_reason',
                        visit=visit.rec_name))
        cls._decide(visits)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def done(cls, visits):
        "Fill the visit card after the visit"
        cls._check_initiator(visits)
        for visit in visits:
            if not (visit.agreements or '').strip():
                raise VisitError(gettext(
                        'kz_ncip.msg_visit_done_agreements',
                        visit=visit.rec_name))
        to_write = []
        for visit in visits:
            if not visit.visit_date:
                to_write.extend([[visit], {'visit_date': visit.date_to}])
        if to_write:
            cls.write(*to_write)

    @classmethod
    @ModelView.button
    def create_initiative(cls, visits):
        "Create the initiative of the visit (due 3 working days after it)"
        Initiative = Pool().get('ncip.initiative')
        for visit in visits:
            if visit.state != 'done':
                raise VisitError(gettext(
                        'kz_ncip.msg_visit_not_done', visit=visit.rec_name))
            Initiative.check_organization(visit.organization)
        initiatives = Initiative.create(
            [Initiative.values_from_visit(v) for v in visits])
        return Initiative.created_feedback(initiatives)


class VisitOrganization(ModelSQL):
    "Visit - Responsible Body"
    __name__ = 'ncip.visit-kz.organization'
    __string__ = "Visit - Responsible Body"
    visit = fields.Many2One(
        'ncip.visit', "Visit", required=True, ondelete='CASCADE')
    organization = fields.Many2One(
        'kz.organization', "Organisation", required=True,
        ondelete='CASCADE')


class VisitParticipant(ParticipantMixin, ModelSQL, ModelView):
    "Participant of a visit"
    __name__ = 'ncip.visit.participant'
    __string__ = "Visit Participant"
    visit = fields.Many2One(
        'ncip.visit', "Visit", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('visit')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.visit, Index.Equality())))
