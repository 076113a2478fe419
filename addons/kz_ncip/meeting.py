# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Meetings with potential investors (N§38.1, 38.3)"
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.kz_base.who import user_organization
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If

PARTICIPANT_KINDS = [
    ('official', "Our Official"),
    ('investor', "Investor Side"),
    ]


class Meeting(ModelSQL, ModelView):
    "Meeting with a potential investor"
    __name__ = 'ncip.meeting'
    __string__ = "Meeting"
    _rec_name = 'subject'
    subject = fields.Char("Subject", required=True)
    date = fields.Date("Date", required=True)
    place = fields.Char("Place")
    event = fields.Char("Event",
        help="The international or national event of the meeting.")
    organization = fields.Many2One(
        'kz.organization', "Organisation", required=True,
        ondelete='RESTRICT', states={'readonly': Eval('id', -1) >= 0},
        help="The initiator body that held the meeting.")
    investor = fields.Many2One(
        'party.party', "Investor Company", required=True,
        ondelete='RESTRICT', domain=[('ncip_investor', '=', True)])
    participants = fields.One2Many(
        'ncip.meeting.participant', 'meeting', "Participants")
    key_points = fields.Text("Key Points of the Talks")
    interest = fields.Text("Subject of Interest")
    cost = fields.Numeric("Indicative Cost", digits=(16, 2),
        domain=[If(Bool(Eval('cost')), ('cost', '>=', 0), ())],
        help="The indicative cost of the project in tenge (KZT).")
    jobs = fields.Integer("Jobs",
        domain=[If(Bool(Eval('jobs')), ('jobs', '>=', 0), ())])
    region = fields.Many2One('kz.region', "Region", ondelete='RESTRICT')
    industry = fields.Char("Industry")
    expectations = fields.Text("Investor Expectations")
    agreements = fields.Text("Agreements Reached")
    initiative = fields.Many2One(
        'ncip.initiative', "Initiative", ondelete='SET NULL',
        domain=[('investor', '=', Eval('investor', -1))],
        help="The initiative this meeting belongs to.")
    visits = fields.One2Many('ncip.visit', 'meeting', "Visits",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.organization, Index.Equality())),
                Index(t, (t.region, Index.Equality())),
                })
        cls._order.insert(0, ('date', 'DESC'))
        cls._buttons.update({
                'create_initiative': {
                    'invisible': Bool(Eval('initiative')),
                    'depends': ['initiative'],
                    },
                })

    @classmethod
    def default_organization(cls):
        organization = user_organization()
        return organization.id if organization else None

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def copy(cls, meetings, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('initiative', None)
        return super().copy(meetings, default=default)

    @classmethod
    @ModelView.button
    def create_initiative(cls, meetings):
        "Create an initiative from the meeting"
        Initiative = Pool().get('ncip.initiative')
        for meeting in meetings:
            Initiative.check_organization(meeting.organization)
        initiatives = Initiative.create([
                Initiative.values_from_meeting(m) for m in meetings])
        for meeting, initiative in zip(meetings, initiatives):
            meeting.initiative = initiative
        cls.save(meetings)
        return Initiative.created_feedback(initiatives)


class ParticipantMixin:
    "Participant of a meeting or visit"
    __slots__ = ()
    kind = fields.Selection(PARTICIPANT_KINDS, "Side", required=True)
    user = fields.Many2One('res.user', "Official", ondelete='RESTRICT',
        domain=[('kz_roles', 'in', ['ncip_body'])],
        states={'invisible': Eval('kind') != 'official'})
    party = fields.Many2One('party.party', "Person", ondelete='RESTRICT',
        states={'invisible': Eval('kind') != 'investor'})
    name = fields.Char("Name", required=True)
    position = fields.Char("Position")
    organization = fields.Char("Organisation")

    @classmethod
    def default_kind(cls):
        return 'official'

    @fields.depends('user', 'name')
    def on_change_user(self):
        if self.user and not self.name:
            self.name = self.user.name

    @fields.depends('party', 'name', 'position')
    def on_change_party(self):
        if self.party:
            if not self.name:
                self.name = self.party.name
            if not self.position:
                self.position = self.party.ncip_position


class MeetingParticipant(ParticipantMixin, ModelSQL, ModelView):
    "Participant of a meeting"
    __name__ = 'ncip.meeting.participant'
    __string__ = "Meeting Participant"
    meeting = fields.Many2One(
        'ncip.meeting', "Meeting", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('meeting')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.meeting, Index.Equality())))
