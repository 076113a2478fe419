# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.i18n import gettext
from trytond.pool import PoolMeta

from .exceptions import SignatureError
from .signature import SignedMixin


class Act(SignedMixin, metaclass=PoolMeta):
    "Acts of Annex 6 and 7 signed by the director of the branch"
    __name__ = 'damu.act'

    def kz_eds_check_signable(self):
        super().kz_eds_check_signable()
        if self.state != 'issued':
            raise SignatureError(gettext(
                    'kz_eds.msg_sign_not_final', document=self.rec_name))
