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
round stays in the history, who, when, what and why.

The origin describes itself on its lines (get_approval_document: number,
name, region, investor), so one "To decide" list serves every addon.  An
approver without users (an investor not yet on the platform) may have a
proxy organisation that records its decision with the signed document
(N§64)."""
import datetime as dt

from sql import Literal, Null
from sql.operators import Exists

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .deadline import DEADLINE_STATES, deadline_visual
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
    proxy = fields.Many2One(
        'kz.organization', "Recorded by", readonly=True,
        ondelete='RESTRICT',
        help="While the approving organisation has no user, this "
        "organisation records its decision with the signed document "
        "(N§64).")
    on_behalf = fields.Boolean(
        "On Behalf", readonly=True,
        help="The decision was recorded by the proxy organisation.")
    signed_document = fields.Binary(
        "Signed Document", filename='signed_document_name', readonly=True,
        states={
            'invisible': ~Eval('on_behalf', False),
            },
        help="The decision signed by the approver, recorded on its "
        "behalf.")
    signed_document_name = fields.Char(
        "Signed Document Name", readonly=True)
    can_decide = fields.Function(
        fields.Boolean("Can Decide"), 'get_can_decide')
    to_decide = fields.Function(
        fields.Boolean("To Decide",
            help="Pending, the user's organisation or group, its turn."),
        'get_can_decide', searcher='search_to_decide')
    document_kind = fields.Function(
        fields.Char("Document Kind"), 'get_document')
    document_number = fields.Function(
        fields.Char("Document Number"), 'get_document')
    document_name = fields.Function(
        fields.Char("Document"), 'get_document')
    document_region = fields.Function(
        fields.Many2One('kz.region', "Region"), 'get_document')
    document_investor = fields.Function(
        fields.Char("Investor"), 'get_document')
    due_date = fields.Function(
        fields.Date("Due Date"), 'get_document')
    deadline_state = fields.Function(
        fields.Selection(DEADLINE_STATES, "Deadline"), 'get_document')
    other_decisions = fields.Function(
        fields.Text("Other Approvers",
            help="The decisions of the other approvers of the round."),
        'get_other_decisions')

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
        decidable = {
            'invisible': ((Eval('state') != 'pending')
                | ~Eval('can_decide', False)),
            'depends': ['state', 'can_decide'],
            }
        # approve and reject decide at once (server calls); the views
        # open their dialogs, which ask the reason or the confirmation
        cls._buttons.update({
                'approve': decidable,
                'reject': decidable,
                'approve_dialog': decidable,
                'reject_dialog': decidable,
                'open_document': {},
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree/field[@name="due_date"]', 'visual', deadline_visual()),
            ('/tree/field[@name="deadline_state"]', 'visual',
                deadline_visual()),
            ]

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
        if self.state != 'pending':
            return False
        if not (self.user_is_approver() or self.user_is_proxy()):
            return False
        if name == 'to_decide':
            return not self.is_waiting()
        return True

    @classmethod
    def search_to_decide(cls, name, clause):
        "Pending lines of the user's organisations or groups, their turn"
        pool = Pool()
        User = pool.get('res.user')
        _, operator, value = clause[:3]
        table = cls.__table__()
        other = cls.__table__()
        user = User.__table__()
        waiting = Exists(other.select(Literal(1),
                where=(other.origin == table.origin)
                & (other.round == table.round)
                & (other.state == 'pending')
                & (other.sequence < table.sequence)))
        where = (table.state == 'pending') & ~waiting
        if Transaction().user:
            context = User.kz_rule_context()
            organizations = list(
                set(context['kz_organizations'])
                | {context['kz_organization']}) or [-1]
            groups = list(User.get_groups()) or [-1]
            approver = (
                ((table.organization == Null)
                    | table.organization.in_(organizations))
                & ((table.group == Null) | table.group.in_(groups))
                & ((table.organization != Null) | (table.group != Null)))
            # A proxy records only while the approver has no active user
            without_user = ~Exists(user.select(Literal(1),
                    where=(user.kz_organization == table.organization)
                    & (user.active == Literal(True))))
            proxy = (table.proxy.in_(organizations)
                & (table.organization != Null) & without_user)
            where &= approver | proxy
        query = table.select(table.id, where=where)
        positive = (operator == '=') == bool(value)
        return [('id', 'in' if positive else 'not in', query)]

    @classmethod
    def get_document(cls, approvals, names):
        "Describe the origins through their get_approval_document hook"
        pool = Pool()
        IrModel = pool.get('ir.model')
        result = {n: {} for n in names}
        # The approver of a line may read what it decides on
        with without_check_access():
            for approval in cls.browse(approvals):
                origin = approval.origin
                values = {}
                if origin and origin.id is not None and origin.id >= 0:
                    values = origin.get_approval_document()
                    values['kind'] = IrModel.get_name(origin.__name__)
                    values['due_date'] = getattr(origin, 'due_date', None)
                    values['deadline_state'] = getattr(
                        origin, 'deadline_state', None)
                for name in names:
                    value = values.get(name[len('document_'):]
                        if name.startswith('document_') else name)
                    if name == 'document_region' and value is not None:
                        value = int(value)
                    result[name][approval.id] = value
        return result

    @classmethod
    def get_other_decisions(cls, approvals, name):
        states = dict(cls.fields_get(['state'])['state']['selection'])
        result = {}
        with without_check_access():
            for approval in cls.browse(approvals):
                lines = []
                origin = approval.origin
                if origin and origin.id is not None and origin.id >= 0:
                    for other in origin.approvals:
                        if (other.round != approval.round
                                or other.id == approval.id
                                or other.state == 'cancelled'):
                            continue
                        line = '%s: %s' % (other.rec_name,
                            states.get(other.state, other.state))
                        if other.decided_on:
                            line += ' (%s)' % other.decided_on.strftime(
                                '%Y-%m-%d')
                        if other.state == 'rejected' and other.reason:
                            line += ' — ' + other.reason
                        lines.append(line)
                result[approval.id] = '\n'.join(lines)
        return result

    def user_is_proxy(self):
        """Whether the user's organisation may record the decision of an
        approving organisation that has no user (N§64)"""
        pool = Pool()
        User = pool.get('res.user')
        if not (self.proxy and self.organization) or not (
                Transaction().user):
            return False
        context = User.kz_rule_context()
        if self.proxy.id not in (
                set(context['kz_organizations'])
                | {context['kz_organization']}):
            return False
        with without_check_access():
            return not User.search([
                    ('kz_organization', '=', self.organization.id),
                    ], limit=1)

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

    def document_description(self):
        "The line's document on one line of text"
        parts = [self.document_kind or '', self.document_number or '',
            self.document_name or '']
        text = ' '.join(p for p in parts if p)
        details = [self.document_region.rec_name
            if self.document_region else '', self.document_investor or '']
        details = ', '.join(d for d in details if d)
        if details:
            text += ' (%s)' % details
        if self.due_date:
            text += ' — %s' % self.due_date.strftime('%d.%m.%Y')
        return text

    def is_waiting(self):
        "Tell whether a line of a lower sequence of the round is pending"
        return any(
            line.state == 'pending' and line.sequence < self.sequence
            for line in self.origin.approvals if line.round == self.round)

    @classmethod
    def _check_decide(cls, approvals):
        cls.check_decision(approvals)
        for approval in approvals:
            if (not approval.user_is_approver()
                    and not approval.signed_document):
                raise ApprovalError(gettext(
                        'kz_base.msg_approval_signed_document',
                        approval=approval.rec_name,
                        origin=approval.origin.rec_name))

    @classmethod
    def check_decision(cls, approvals):
        """Raise when the approvals may not be decided by the user now: the
        checks that do not need the dialog's values, run before the dialog
        opens and again at the decision.  Addons extend it with the
        conditions of their documents (the prosecutor's assessment)."""
        for approval in approvals:
            if approval.state != 'pending':
                raise ApprovalError(gettext(
                        'kz_base.msg_approval_not_pending',
                        approval=approval.rec_name))
            if not (approval.user_is_approver()
                    or approval.user_is_proxy()):
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
    def _decide_write(cls, approvals):
        values = cls._decision_values()
        proxied = [a for a in approvals if not a.user_is_approver()]
        own = [a for a in approvals if a not in proxied]
        to_write = []
        if own:
            to_write += [own, values]
        if proxied:
            to_write += [proxied, dict(values, on_behalf=True)]
        if to_write:
            cls.write(*to_write)

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
        cls._decide_write(approvals)

    @classmethod
    @Workflow.transition('rejected')
    def _decide_rejected(cls, approvals):
        cls._decide_write(approvals)

    @classmethod
    @ModelView.button_action('kz_base.wizard_approval_approve')
    def approve_dialog(cls, approvals):
        pass

    @classmethod
    @ModelView.button_action('kz_base.wizard_approval_reject')
    def reject_dialog(cls, approvals):
        pass

    @classmethod
    @ModelView.button
    def open_document(cls, approvals):
        "Open the origin of the first line in its own form"
        if approvals and approvals[0].origin:
            return approvals[0].origin_action()

    def origin_action(self):
        "Return the client action that opens the origin"
        pool = Pool()
        ActWindow = pool.get('ir.action.act_window')
        Action = pool.get('ir.action')
        origin = self.origin
        # The first window of the model that has a form shows it with the
        # views and name its users know
        values = None
        for window in ActWindow.search([
                    ('res_model', '=', origin.__name__),
                    ('act_window_views.view.type', '=', 'form'),
                    ], order=[('id', 'ASC')], limit=1):
            values, = Action.get_action_values(
                'ir.action.act_window', [window.id])
        if values is None:
            values = {
                'type': 'ir.action.act_window',
                'res_model': origin.__name__,
                'views': [],
                'pyson_context': '{}',
                'pyson_order': '[]',
                'pyson_search_value': '[]',
                }
        values['views'] = (
            [v for v in values.get('views', []) if v[1] == 'form']
            or [[None, 'form']])
        values['domains'] = []
        values['pyson_domain'] = '[["id", "=", %d]]' % origin.id
        values['res_id'] = [origin.id]
        values['name'] = origin.rec_name
        return values

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


class _DecideStart(ModelView):
    documents = fields.Text("Documents", readonly=True)
    on_behalf = fields.Boolean("On Behalf", readonly=True)
    signed_document = fields.Binary(
        "Signed Document", filename='signed_document_name',
        states={
            'invisible': ~Eval('on_behalf', False),
            'required': Bool(Eval('on_behalf', False)),
            },
        help="The decision signed by the approver, which your "
        "organisation records on its behalf (N§64).")
    signed_document_name = fields.Char("Signed Document Name")


class ApprovalApproveStart(_DecideStart):
    "Approve"
    __name__ = 'kz.approval.approve.start'
    __string__ = "Approve"


class ApprovalRejectStart(_DecideStart):
    "Reject"
    __name__ = 'kz.approval.reject.start'
    __string__ = "Reject"
    reason = fields.Text(
        "Reason", required=True,
        help="Why the document is rejected; the author receives it.")


class _Decide(Wizard):
    "One dialog per decision: the wizard shows what is decided"

    def _start_values(self):
        Approval = Pool().get('kz.approval')
        approvals = Approval.browse(self.records)
        # Refused before the dialog opens, not after it was filled in
        Approval.check_decision(approvals)
        return {
            'documents': '\n'.join(a.document_description()
                for a in approvals),
            'on_behalf': any(not a.user_is_approver() for a in approvals),
            }

    def _record_document(self):
        Approval = Pool().get('kz.approval')
        proxied = [a for a in Approval.browse(self.records)
            if not a.user_is_approver()]
        if proxied and self.start.signed_document:
            Approval.write(proxied, {
                    'signed_document': self.start.signed_document,
                    'signed_document_name': (
                        self.start.signed_document_name),
                    })

    def end(self):
        return 'reload'


class ApprovalApprove(_Decide):
    "Approve"
    __name__ = 'kz.approval.approve'
    start = StateView('kz.approval.approve.start',
        'kz_base.approval_approve_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Approve", 'approve', 'tryton-ok', default=True),
            ])
    approve = StateTransition()

    def default_start(self, fields):
        return self._start_values()

    def transition_approve(self):
        Approval = Pool().get('kz.approval')
        self._record_document()
        Approval.approve(Approval.browse(self.records))
        return 'end'


class ApprovalReject(_Decide):
    "Reject"
    __name__ = 'kz.approval.reject'
    start = StateView('kz.approval.reject.start',
        'kz_base.approval_reject_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Reject", 'reject', 'tryton-cancel', default=True),
            ])
    reject = StateTransition()

    def default_start(self, fields):
        return self._start_values()

    def transition_reject(self):
        Approval = Pool().get('kz.approval')
        self._record_document()
        approvals = Approval.browse(self.records)
        Approval.write(approvals, {'reason': self.start.reason})
        Approval.reject(Approval.browse(self.records))
        return 'end'

    def end(self):
        return 'reload'


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
        'group' (or both) of the required approvers, and optionally the
        'proxy' organisation that records the decision of an organisation
        without users"""
        raise NotImplementedError

    def get_approval_document(self):
        """Return how the approval lines describe the record: a dict with
        'number', 'name', 'region' (a kz.region) and 'investor' (text)"""
        return {'name': self.rec_name}

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
                        'proxy': approver.get('proxy'),
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
