# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import PoolMeta

from .signature import SignedMixin


class Decision(SignedMixin, metaclass=PoolMeta):
    """A green corridor decision (inclusion, removal, leaving the national
    pool, new score) signed by the authorized body"""
    __name__ = 'green_corridor.decision'
