# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import Pool

from . import challenge, damu, green_corridor, pdf, res, signature

__all__ = ['register']


def register():
    Pool.register(
        challenge.Challenge,
        res.User,
        signature.Signature,
        module='kz_eds', type_='model')
    Pool.register(
        pdf.SignedDocumentReport,
        module='kz_eds', type_='report')
    Pool.register(
        damu.Act,
        damu.Monitoring,
        damu.MonitoringDocument,
        damu.MonitoringSubject,
        damu.Notice,
        damu.NoticeLine,
        module='kz_eds', type_='model', depends=['kz_damu_monitoring'])
    Pool.register(
        green_corridor.Decision,
        module='kz_eds', type_='model', depends=['kz_green_corridor'])
