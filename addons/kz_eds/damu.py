# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.i18n import gettext
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from .exceptions import SignatureError
from .signature import SignedLineMixin, SignedMixin


class Act(SignedMixin, metaclass=PoolMeta):
    "Acts of Annex 6 and 7 signed by the director of the branch"
    __name__ = 'damu.act'

    def kz_eds_check_signable(self):
        super().kz_eds_check_signable()
        if self.state != 'issued':
            raise SignatureError(gettext(
                    'kz_eds.msg_sign_not_final', document=self.rec_name))

    def kz_eds_report(self):
        return {
            'impossibility': 'damu.act.impossibility',
            'refusal': 'damu.act.refusal',
            }[self.kind]


class Monitoring(SignedMixin, metaclass=PoolMeta):
    """The monitoring report (D§38) signed for Damu once sent: its
    findings, subjects and documents; the signatures of the parties, the
    refusal and what follows are the workflow around it"""
    __name__ = 'damu.monitoring'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons['kz_eds_sign_button'] = {
            'invisible': (Eval('kz_eds_signed', False)
                | ~Eval('state').in_(['reporting', 'signed', 'refused'])),
            'depends': ['kz_eds_signed', 'state'],
            }

    @classmethod
    def _kz_eds_unsigned_fields(cls):
        return super()._kz_eds_unsigned_fields() | {
            'state', 'report_received_date', 'counterparty_signatory',
            'counterparty_signed_date', 'damu_signed_by', 'signed_date',
            'refusal_date', 'refusal_reason', 'results_sent_date',
            'coordinator_report_date', 'commission_decision',
            'commission_decision_date', 'extensions',
            }

    @classmethod
    def _kz_eds_lines(cls):
        return super()._kz_eds_lines() | {'documents', 'subjects'}

    def kz_eds_check_signable(self):
        super().kz_eds_check_signable()
        if self.state not in {'reporting', 'signed', 'refused'}:
            raise SignatureError(gettext(
                    'kz_eds.msg_sign_report_not_sent',
                    document=self.rec_name))

    def kz_eds_report(self):
        return 'damu.monitoring.report'

    @classmethod
    def back_to_work(cls, monitorings):
        for monitoring in monitorings:
            if monitoring.kz_eds_signatures:
                raise SignatureError(gettext(
                        'kz_eds.msg_signed_report_back_to_work',
                        document=monitoring.rec_name))
        super().back_to_work(monitorings)


class MonitoringDocument(SignedLineMixin, metaclass=PoolMeta):
    __name__ = 'damu.monitoring.document'
    _kz_eds_document = 'monitoring'


class MonitoringSubject(SignedLineMixin, metaclass=PoolMeta):
    __name__ = 'damu.monitoring.subject'
    _kz_eds_document = 'monitoring'


class Notice(SignedMixin, metaclass=PoolMeta):
    """A notice of the Damu fund signed once sent: the document sent and
    its projects; its acknowledgement and forwarding go on"""
    __name__ = 'damu.notice'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons['kz_eds_sign_button'] = {
            'invisible': (Eval('kz_eds_signed', False)
                | (Eval('state') == 'draft')),
            'depends': ['kz_eds_signed', 'state'],
            }

    @classmethod
    def _kz_eds_unsigned_fields(cls):
        return super()._kz_eds_unsigned_fields() | {
            'state', 'sent_date', 'forwarded_date', 'acknowledged_by',
            'acknowledged_date',
            }

    @classmethod
    def _kz_eds_lines(cls):
        return super()._kz_eds_lines() | {'lines'}

    def kz_eds_check_signable(self):
        super().kz_eds_check_signable()
        # The document sent is signed, not a draft to be rendered again
        if self.state == 'draft' or not self.document:
            raise SignatureError(gettext(
                    'kz_eds.msg_sign_notice_not_sent',
                    document=self.rec_name))

    def kz_eds_report(self):
        return 'damu.notice'


class NoticeLine(SignedLineMixin, metaclass=PoolMeta):
    __name__ = 'damu.notice.line'
    _kz_eds_document = 'notice'
