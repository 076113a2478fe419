# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The approval engine shared by every addon (in the spirit of OCA's
base_tier_validation).

A model mixes in ApprovalMixin, lists its approvers (get_approvers: an
organisation or a group each, with a sequence: equal sequences decide in
parallel, a higher one waits for the lower ones) and reacts in the hooks
approval_approved and approval_rejected.  Each approver decides on a
kz.approval line; a rejection needs a reason; every decision of every
round stays in the history, who, when, what and why."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ApprovalError

APPROVAL_STATES = [
    (None, ""),
    ('pending', "Pending"),
    ('approved', "Approved"),
    ('rejected', "Rejected"),
    ]


class Approval(Workflow, ModelSQL, ModelView):
    "Approval"
    __name__ = 'kz.approval'
    __string__ = "Approval"
    origin = fields.Reference(
        "Origin", selection='get_origin', required=True, readonly=True)
    round = fields.Integer(
        "Round", required=True, readonly=True,
        help="Each submission for approval opens a new round.")
    sequence = fields.Integer(
        "Sequence", required=True, readonly=True,
        help="Lines with the same sequence decide in parallel; "
        "a higher sequence waits for the lower ones.")
    organization = fields.Many2One(
        'kz.organization', "Organisation", readonly=True,
        ondelete='RESTRICT')
    group = fields.Many2One(
        'res.group', "Group", readonly=True, ondelete='RESTRICT')
    reason = fields.Text(
        "Reason",
        states={
            'readonly': Eval('state') != 'pending',
            },
        help="Required to reject.")
    state = fields.Selection([
            ('pending', "Pending"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    decided_by = fields.Many2One(
        'res.user', "Decided by", readonly=True, ondelete='RESTRICT')
    decided_on = fields.DateTime("Decided on", readonly=True)
    can_decide = fields.Function(
        fields.Boolean("Can Decide"), 'get_can_decide')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.origin, Index.Equality())))
        cls._order = [
            ('round', 'DESC'), ('sequence', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('pending', 'approved'),
            ('pending', 'rejected'),
            ('pending', 'cancelled'),
            }
        cls._buttons.update({
                'approve': {
                    'invisible': ((Eval('state') != 'pending')
                        | ~Eval('can_decide', False)),
                    'depends': ['state', 'can_decide'],
                    },
                'reject': {
                    'invisible': ((Eval('state') != 'pending')
                        | ~Eval('can_decide', False)),
                    'depends': ['state', 'can_decide'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'pending'

    @classmethod
    def get_origin(cls):
        pool = Pool()
        IrModel = pool.get('ir.model')
        models = [name for name, klass in pool.iterobject()
            if issubclass(klass, ApprovalMixin)]
        return [(None, '')] + [(m, IrModel.get_name(m)) for m in models]

    def get_rec_name(self, name):
        approver = self.organization or self.group
        return approver.rec_name if approver else ''

    def get_can_decide(self, name):
        return self.state == 'pending' and self.user_is_approver()

    def user_is_approver(self):
        pool = Pool()
        User = pool.get('res.user')
        user_id = Transaction().user
        if user_id == 0:
            return True
        if self.organization:
            context = User.kz_rule_context()
            if self.organization.id not in (
                    set(context['kz_organizations'])
                    | {context['kz_organization']}):
                return False
        if self.group and self.group.id not in User.get_groups():
            return False
        return bool(self.organization or self.group)

    def is_waiting(self):
        "Tell whether a line of a lower sequence of the round is pending"
        return any(
            line.state == 'pending' and line.sequence < self.sequence
            for line in self.origin.approvals if line.round == self.round)

    @classmethod
    def _check_decide(cls, approvals):
        for approval in approvals:
            if approval.state != 'pending':
                raise ApprovalError(gettext(
                        'kz_base.msg_approval_not_pending',
                        approval=approval.rec_name))
            if not approval.user_is_approver():
                raise ApprovalError(gettext(
                        'kz_base.msg_approval_not_approver',
                        approval=approval.rec_name,
                        origin=approval.origin.rec_name))
            if approval.is_waiting():
                raise ApprovalError(gettext(
                        'kz_base.msg_approval_waiting',
                        approval=approval.rec_name,
                        origin=approval.origin.rec_name))

    @classmethod
    def _decision_values(cls):
        return {
            'decided_by': Transaction().user,
            'decided_on': dt.datetime.now(),
            }

    @classmethod
    @ModelView.button
    def approve(cls, approvals):
        cls._check_decide(approvals)
        cls._decide_approved(approvals)
        cls._notify_origins(approvals)

    @classmethod
    @ModelView.button
    def reject(cls, approvals):
        cls._check_decide(approvals)
        for approval in approvals:
            if not (approval.reason or '').strip():
                raise ApprovalError(gettext(
                        'kz_base.msg_approval_reason_required',
                        approval=approval.rec_name,
                        origin=approval.origin.rec_name))
        cls._decide_rejected(approvals)
        cls._notify_origins(approvals)

    # The transitions write the state after their body, so the origins
    # are told once they returned.
    @classmethod
    @Workflow.transition('approved')
    def _decide_approved(cls, approvals):
        cls.write(approvals, cls._decision_values())

    @classmethod
    @Workflow.transition('rejected')
    def _decide_rejected(cls, approvals):
        cls.write(approvals, cls._decision_values())

    @classmethod
    @Workflow.transition('cancelled')
    def cancel(cls, approvals):
        pass

    @classmethod
    def _notify_origins(cls, approvals):
        origins = {}
        for approval in approvals:
            origins.setdefault(approval.origin.__class__, set()).add(
                approval.origin.id)
        for Origin, ids in origins.items():
            Origin.approval_decided(Origin.browse(sorted(ids)))

    @classmethod
    def check_modification(cls, mode, approvals, values=None, external=False):
        super().check_modification(
            mode, approvals, values=values, external=external)
        if mode == 'delete':
            raise ApprovalError(gettext('kz_base.msg_approval_delete'))
        if mode == 'write' and external:
            for approval in approvals:
                if approval.state != 'pending' or not (
                        approval.user_is_approver()):
                    raise ApprovalError(gettext(
                            'kz_base.msg_approval_not_approver',
                            approval=approval.rec_name,
                            origin=approval.origin.rec_name))


class ApprovalMixin:
    __slots__ = ()
    approvals = fields.One2Many(
        'kz.approval', 'origin', "Approvals", readonly=True,
        help="Every decision of every round.")
    approval_state = fields.Function(
        fields.Selection(APPROVAL_STATES, "Approval"), 'get_approval_state')
    approval_round = fields.Function(
        fields.Integer("Approval Round"), 'get_approval_state')

    def get_approvers(self):
        """Return a list of dicts with 'sequence' and 'organization' or
        'group' (or both) of the required approvers"""
        raise NotImplementedError

    @classmethod
    def approval_approved(cls, records):
        "Hook called when every approver of the round approved"

    @classmethod
    def approval_rejected(cls, records):
        "Hook called on the first rejection of the round"

    def current_approvals(self):
        if not self.approvals:
            return []
        last = max(a.round for a in self.approvals)
        return [a for a in self.approvals if a.round == last]

    def compute_approval_state(self):
        "Override for a different validation policy"
        lines = [a for a in self.current_approvals()
            if a.state != 'cancelled']
        if not lines:
            return None
        if any(a.state == 'rejected' for a in lines):
            return 'rejected'
        if all(a.state == 'approved' for a in lines):
            return 'approved'
        return 'pending'

    @classmethod
    def get_approval_state(cls, records, names):
        result = {n: {} for n in names}
        for record in records:
            lines = record.current_approvals()
            if 'approval_state' in result:
                result['approval_state'][record.id] = (
                    record.compute_approval_state())
            if 'approval_round' in result:
                result['approval_round'][record.id] = (
                    lines[0].round if lines else 0)
        return result

    @classmethod
    def request_approval(cls, records):
        "Open a new round of approval lines for the records"
        Approval = Pool().get('kz.approval')
        to_cancel, to_create = [], []
        for record in records:
            current = record.current_approvals()
            to_cancel.extend(a for a in current if a.state == 'pending')
            round_ = (current[0].round if current else 0) + 1
            approvers = record.get_approvers()
            if not approvers:
                raise ApprovalError(gettext(
                        'kz_base.msg_approval_no_approver',
                        origin=record.rec_name))
            for approver in approvers:
                to_create.append({
                        'origin': str(record),
                        'round': round_,
                        'sequence': approver.get('sequence', 10),
                        'organization': approver.get('organization'),
                        'group': approver.get('group'),
                        })
        if to_cancel:
            Approval.cancel(to_cancel)
        return Approval.create(to_create)

    @classmethod
    def approval_decided(cls, records):
        approved, rejected = [], []
        for record in records:
            state = record.compute_approval_state()
            if state == 'approved':
                approved.append(record)
            elif state == 'rejected':
                rejected.append(record)
        if rejected:
            # The first rejection ends the round: the others need not decide
            Approval = Pool().get('kz.approval')
            pending = [a for r in rejected for a in r.current_approvals()
                if a.state == 'pending']
            if pending:
                Approval.cancel(pending)
            cls.approval_rejected(rejected)
        if approved:
            cls.approval_approved(approved)
