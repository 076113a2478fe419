# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What a workflow button answers the client (issue 19): the message of
what it did and what comes next, and the records it created opened in a
tab.  sao shows the message in the information bar of the form
(sao/custom.js); a client that does not know it ignores it."""
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder


def done(message):
    """Return the answer of a button that created nothing: the message
    (sao runs a string it does not know as a client action)"""
    return message


def open_records(records, action, message=None):
    """Return the answer of a button that created the records: the
    act_window action (module.xml_id) opened on them, with the message

    One record opens in its form."""
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Action = pool.get('ir.action')
    module, fs_id = action.split('.')
    value, = Action.get_action_values(
        'ir.action.act_window', [ModelData.get_id(module, fs_id)])
    ids = [r.id for r in records]
    value['pyson_domain'] = PYSONEncoder().encode([('id', 'in', ids)])
    value['pyson_search_value'] = '[]'
    value['domains'] = []
    if len(ids) == 1:
        value['res_id'] = ids[0]
        value['views'] = sorted(
            value['views'], key=lambda v: v[1] != 'form')
    if message:
        value['kz_message'] = message
    return value
