# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Shared test fixtures: two banks, a region and contracts of each kind."""
import datetime as dt
import os
from decimal import Decimal

from trytond.pool import Pool

from .seed import seed_path

# Valid BIN/IIN numbers (checksum)
BINS = ['990140000384', '880101300010', '100000554338', '000740001307',
    '120240021112', '940140000385']


def valid_bins(count, start=100000000):
    "Return count valid BIN/IIN numbers"
    from trytond.modules.kz_base import identifier
    result = []
    number = start
    while len(result) < count:
        digits = '%011d' % number
        check = identifier.checksum(digits)
        if check is not None:
            result.append(digits + str(check))
        number += 1
    return result


def setup_orgs():
    pool = Pool()
    Organization = pool.get('kz.organization')
    Region = pool.get('kz.region')
    astana, = Region.search([('code', '=', '710000000')])
    shymkent, = Region.search([('code', '=', '790000000')])
    halyk, bcc, grantor = Organization.create([
            {'name': "Halyk Bank", 'kind': 'bank'},
            {'name': "Bank CenterCredit", 'kind': 'bank'},
            {'name': "Akimat of Astana", 'kind': 'akimat',
                'region': astana.id},
            ])
    return {'astana': astana, 'shymkent': shymkent, 'halyk': halyk,
        'bcc': bcc, 'grantor': grantor}


def contract_values(orgs, number, **values):
    result = {
        'number': number,
        'kind': 'subsidy',
        'sub_kind': 'loan',
        'entrepreneur': f"Entrepreneur {number}",
        'entrepreneur_bin': BINS[0],
        'bank': orgs['halyk'].id,
        'region': orgs['astana'].id,
        'purpose': 'working_capital',
        'amount': Decimal('100000000'),
        'contract_date': dt.date(2024, 3, 1),
        'decision_date': dt.date(2024, 2, 20),
        }
    result.update(values)
    return result


def seed_form(annex):
    """Return (title, labels, numbers) of the table of the annex in the
    Russian original of the Damu rules (the seed)"""
    with open(seed_path(), encoding='utf-8') as fp:
        lines = [line.strip() for line in fp]
    start = lines.index(f'Приложение {annex}')
    title = None
    labels, numbers = [], []
    for line in lines[start + 1:]:
        if line.startswith('Должностное лицо'):
            break
        if title is None:
            if line.startswith('Отчет'):
                title = line
            continue
        if (not line or line.startswith('Сноска.')
                or line == 'продолжение таблицы'):
            continue
        if line.isdigit():
            numbers.append(int(line))
        else:
            labels.append(line)
    return title, labels, numbers


def load_translations(lang='ru'):
    "Load the module's .po file of the language into the database"
    Translation = Pool().get('ir.translation')
    Translation.translation_import(lang, 'kz_damu_monitoring',
        os.path.join(os.path.dirname(os.path.dirname(
                    os.path.abspath(__file__))), 'locale', f'{lang}.po'))


def create_monitoring(orgs, start=dt.date(2025, 4, 1), **contract):
    "Create a contract (S-1 by default) and its monitoring on request"
    pool = Pool()
    Contract = pool.get('damu.contract')
    Monitoring = pool.get('damu.monitoring')
    contract = dict({'number': 'S-1'}, **contract)
    contract, = Contract.create([contract_values(orgs, **contract)])
    monitoring, = Monitoring.create([{
                'contract': contract.id,
                'origin': 'request',
                'requester': 'regional_coordinator',
                'start_date': start,
                'end_date': start + dt.timedelta(days=14),
                }])
    return monitoring
