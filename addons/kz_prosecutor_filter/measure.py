# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.kz_base.approval import ApprovalMixin
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.tools import not_in_groups
from trytond.modules.kz_base.who import user_organization_id, users_of
from trytond.modules.kz_base.workflow import DraftDeleteMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import without_check_access

from .exceptions import MeasureError, MeasureValidationError

KINDS = [
    ('suspension_activity', "Suspension of Activity"),
    ('permit_suspension', "Suspension or Revocation of a Permit"),
    ('permit_refusal', "Refusal to Extend a Permit"),
    ('decision_cancellation', "Cancellation of a Decision in the "
        "Investor's Favour"),
    ('contract_termination', "Contract Termination"),
    ('tax_audit', "Tax Audit Appointment"),
    ('lawsuit', "Lawsuit by a State Body"),
    ('administrative_offence', "Administrative Offence Case"),
    ]
# The issuers whose acts go to the regional prosecutor's office (N§59)
LOCAL_KINDS = {'akimat', 'regional_organization'}
# Quasi-state sector entities issue measures too (N§57); they are routed
# as the state body that owns them (their parent organisation)
QUASI_STATE = 'quasi_state'
# The measures the prosecutor assesses (lawful / unlawful) in his decision;
# they make the monitoring lists
ASSESSED_KINDS = ['lawsuit', 'administrative_offence', 'tax_audit']
ASSESSMENTS = [
    (None, ""),
    ('lawful', "Lawful"),
    ('unlawful', "Unlawful"),
    ]

# Only the prosecutors fill their assessment and return reason
PROSECUTOR_GROUPS = ('group_prosecutor', 'group_general_prosecutor')


class Measure(
        ApprovalMixin, DraftDeleteMixin, DeadlineMixin, Workflow, ModelSQL,
        ModelView):
    """Restrictive measure

    The draft act of a state body against an investor; it takes effect only
    once the prosecutor's office approved it (N§57-60)."""
    __name__ = 'prosecutor.measure'
    __string__ = "Restrictive Measure"
    _rec_name = 'number'
    _deadline_fields = {'submitted_date', 'state'}
    _deadline_states = ('submitted',)
    _delete_states = {'draft', 'returned'}
    _delete_message = 'kz_prosecutor_filter.msg_measure_delete', 'measure'
    _delete_error = MeasureError

    _states = {
        'readonly': ~Eval('state').in_(['draft', 'returned']),
        }
    number = fields.Char("Number", readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True, states=_states)
    kind_string = kind.translated('kind')
    issuer = fields.Many2One(
        'kz.organization', "Issuing Organisation", required=True,
        ondelete='RESTRICT', states=_states,
        help="The state body that prepares the act.")
    investor = fields.Many2One(
        'party.party', "Investor", required=True, ondelete='RESTRICT',
        states=_states)
    project = fields.Many2One(
        'ncip.project', "Project", ondelete='RESTRICT', states=_states,
        domain=[If(Eval('investor'),
                ('investor', '=', Eval('investor', -1)), ())])
    region = fields.Many2One(
        'kz.region', "Region", ondelete='RESTRICT', states=_states,
        help="The region of the project, or of the issuer when there is "
        "no project; it decides the regional prosecutor's office.")
    legal_grounds = fields.Text(
        "Legal Grounds", required=True, states=_states)
    draft_act = fields.Binary(
        "Draft Act", filename='draft_act_name', states=_states)
    draft_act_name = fields.Char("Draft Act Name", states=_states)
    prosecutor = fields.Many2One(
        'kz.organization', "Prosecutor's Office", readonly=True,
        ondelete='RESTRICT',
        help="The office the measure is routed to on submission.")
    submitted_date = fields.Date("Submitted On", readonly=True)
    decision_date = fields.Date("Decided On", readonly=True)
    decision_reason = fields.Text(
        "Decision Reason", readonly=True,
        help="The reason of the rejection or of the return for rework.")
    return_reason = fields.Text(
        "Return Reason",
        states={
            'invisible': Eval('state') != 'submitted',
            'readonly': ((Eval('state') != 'submitted')
                | not_in_groups(*PROSECUTOR_GROUPS)),
            },
        help="Required to return the measure for rework.")
    assessment = fields.Selection(
        ASSESSMENTS, "Assessment",
        states={
            'invisible': ~Eval('kind').in_(ASSESSED_KINDS),
            'readonly': ((Eval('state') != 'submitted')
                | not_in_groups(*PROSECUTOR_GROUPS)),
            },
        help="The prosecutor's assessment of the lawfulness, required to "
        "decide on a lawsuit, a tax audit or an administrative offence "
        "case.")
    assessment_grounds = fields.Text(
        "Assessment Grounds",
        states={
            'invisible': ~Eval('kind').in_(ASSESSED_KINDS),
            'readonly': ((Eval('state') != 'submitted')
                | not_in_groups(*PROSECUTOR_GROUPS)),
            },
        help="Required when the measure is assessed as unlawful.")
    in_effect = fields.Function(
        fields.Boolean("In Effect",
            help="An approved measure is in effect."),
        'get_in_effect', searcher='search_in_effect')
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ('returned', "Returned for Rework"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality())),
                Index(t, (t.prosecutor, Index.Equality())),
                Index(t, (t.issuer, Index.Equality())),
                Index(t, (t.investor, Index.Equality())),
                Index(t, (t.project, Index.Equality())),
                })
        cls._order.insert(0, ('submitted_date', 'DESC NULLS FIRST'))
        cls._transitions |= {
            ('draft', 'submitted'),
            ('returned', 'submitted'),
            ('submitted', 'approved'),
            ('submitted', 'rejected'),
            ('submitted', 'returned'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': ~Eval('state').in_(['draft', 'returned']),
                    'depends': ['state'],
                    },
                'return_': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_issuer(cls):
        return user_organization_id()

    @fields.depends('project', 'region')
    def on_change_project(self):
        if self.project and self.project.region:
            self.region = self.project.region

    @classmethod
    def validate_fields(cls, measures, field_names):
        super().validate_fields(measures, field_names)
        if field_names is None or field_names & {'project', 'region'}:
            for measure in measures:
                measure.check_region()

    def check_region(self):
        "The region of a measure on a project is the project's"
        if (self.project and self.region
                and self.region != self.project.region):
            raise MeasureValidationError(gettext(
                    'kz_prosecutor_filter.msg_measure_region_project',
                    measure=self.rec_name,
                    region=self.region.rec_name,
                    project=self.project.rec_name,
                    project_region=self.project.region.rec_name))

    def get_in_effect(self, name):
        return self.state == 'approved'

    @classmethod
    def search_in_effect(cls, name, clause):
        _, operator, value = clause[:3]
        positive = (operator == '=') == bool(value)
        return [('state', '=' if positive else '!=', 'approved')]

    def get_deadline_start(self):
        return self.submitted_date

    def get_deadline_duration(self):
        Configuration = Pool().get('kz.configuration')
        return Configuration(1).prosecutor_decision_days, 'working'

    def get_deadline_recipients(self):
        return users_of([self.prosecutor])

    def is_local(self):
        """Whether the issuer is a local (regional) body (N§59); a
        quasi-state entity is local when a local body owns it"""
        issuer = self.issuer
        if issuer.kind == QUASI_STATE:
            issuer = issuer.parent
            if not issuer:
                return False
        return issuer.tier == 'regional' or issuer.kind in LOCAL_KINDS

    def route(self):
        """Return the prosecutor's office of the measure: the regional one
        of the region for local bodies, the General Prosecutor's office for
        central ones"""
        Organization = Pool().get('kz.organization')
        if self.is_local():
            issuer = self.issuer
            region = self.region or (
                self.project.region if self.project else None) or (
                issuer.region) or (
                issuer.parent.region if issuer.parent else None)
            if not region:
                raise MeasureError(gettext(
                        'kz_prosecutor_filter.msg_measure_no_region',
                        measure=self.rec_name))
            domain = [('kind', '=', 'prosecutor'),
                ('region', '=', region.id)]
        else:
            domain = [('kind', '=', 'general_prosecutor')]
        offices = Organization.search(domain, limit=1)
        if not offices:
            raise MeasureError(gettext(
                    'kz_prosecutor_filter.msg_measure_no_prosecutor',
                    measure=self.rec_name))
        return offices[0]

    def check_own_prosecutor(self):
        """A prosecutor's office cannot approve its own measure: the
        issuer must not be the routed office, nor above or below it"""
        def line(organization):
            "The organisation and the ones above it"
            result = set()
            while organization and organization.id not in result:
                result.add(organization.id)
                organization = organization.parent
            return result
        with without_check_access():
            own = (self.prosecutor.id in line(self.issuer)
                or self.issuer.id in line(self.prosecutor))
        if own:
            raise MeasureError(gettext(
                    'kz_prosecutor_filter.msg_measure_own_prosecutor',
                    measure=self.rec_name,
                    prosecutor=self.prosecutor.rec_name,
                    issuer=self.issuer.rec_name))

    @classmethod
    def check_assessment(cls, measures):
        "The assessed kinds are decided with their assessment"
        for measure in measures:
            if measure.kind not in ASSESSED_KINDS:
                continue
            if not measure.assessment:
                raise MeasureError(gettext(
                        'kz_prosecutor_filter.msg_measure_assessment',
                        measure=measure.rec_name,
                        kind=measure.kind_string))
            if (measure.assessment == 'unlawful'
                    and not (measure.assessment_grounds or '').strip()):
                raise MeasureError(gettext(
                        'kz_prosecutor_filter.msg_measure_assessment_grounds',
                        measure=measure.rec_name))

    def get_approvers(self):
        return [{'sequence': 10, 'organization': self.prosecutor.id}]

    def get_approval_document(self):
        document = super().get_approval_document()
        document.update({
                'number': self.number,
                'name': ' — '.join(filter(None, [self.kind_string,
                            self.issuer.rec_name if self.issuer else None])),
                'region': self.region or (
                    self.project.region if self.project else None),
                'investor': self.investor.rec_name if self.investor else None,
                })
        return document

    @classmethod
    def on_modification(cls, mode, measures, field_names=None):
        super().on_modification(mode, measures, field_names=field_names)
        if mode == 'create':
            to_write = []
            for measure in measures:
                if not measure.number:
                    to_write.extend([[measure], {
                                'number': 'PF-%05d' % measure.id}])
            if to_write:
                cls.write(*to_write)

    @classmethod
    def _check_decider(cls, measures):
        for measure in measures:
            if not any(a.state == 'pending' and a.user_is_approver()
                    for a in measure.current_approvals()):
                raise MeasureError(gettext(
                        'kz_prosecutor_filter.msg_measure_not_prosecutor',
                        measure=measure.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, measures):
        Date = Pool().get('ir.date')
        for measure in measures:
            measure.prosecutor = measure.route()
            measure.check_own_prosecutor()
            measure.submitted_date = Date.today()
            measure.decision_date = None
            measure.return_reason = None
        cls.save(measures)
        # The approval lines belong to the engine, not to the issuer
        with without_check_access():
            cls.request_approval(measures)

    @classmethod
    @ModelView.button
    @Workflow.transition('returned')
    def return_(cls, measures):
        pool = Pool()
        Approval = pool.get('kz.approval')
        Date = pool.get('ir.date')
        cls._check_decider(measures)
        for measure in measures:
            if not (measure.return_reason or '').strip():
                raise MeasureError(gettext(
                        'kz_prosecutor_filter.msg_measure_return_reason',
                        measure=measure.rec_name))
        with without_check_access():
            Approval.cancel([a for m in measures
                    for a in m.current_approvals() if a.state == 'pending'])
        for measure in measures:
            measure.decision_reason = measure.return_reason
            measure.decision_date = Date.today()
        cls.save(measures)

    @classmethod
    def approval_approved(cls, measures):
        super().approval_approved(measures)
        cls.decide(measures, 'approved')

    @classmethod
    def approval_rejected(cls, measures):
        super().approval_rejected(measures)
        cls.decide(measures, 'rejected')

    @classmethod
    def decide(cls, measures, state):
        Date = Pool().get('ir.date')
        measures = [m for m in measures if m.state == 'submitted']
        cls.check_assessment(measures)
        for measure in measures:
            measure.decision_date = Date.today()
            if state == 'rejected':
                rejected = [a for a in measure.current_approvals()
                    if a.state == 'rejected']
                measure.decision_reason = (
                    rejected[0].reason if rejected else None)
        # The prosecutor decides on the approval line; the measure follows
        with without_check_access():
            cls.save(measures)
            if state == 'approved':
                cls._approve(measures)
            else:
                cls._reject(measures)

    @classmethod
    @Workflow.transition('approved')
    def _approve(cls, measures):
        pass

    @classmethod
    @Workflow.transition('rejected')
    def _reject(cls, measures):
        pass
