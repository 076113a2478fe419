# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import Pool, PoolMeta


class Approval(metaclass=PoolMeta):
    __name__ = 'kz.approval'

    @classmethod
    def check_decision(cls, approvals):
        """A measure is decided with its assessment, before the line
        changes and before its decision dialog opens"""
        Measure = Pool().get('prosecutor.measure')
        super().check_decision(approvals)
        measures = [a.origin for a in approvals
            if isinstance(a.origin, Measure)]
        if measures:
            Measure.check_assessment(Measure.browse(measures))
