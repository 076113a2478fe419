# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Cheaper list reads, registered on every ModelSQL (tryton.cfg).

sao asks a list for the label of every selection column
(``state:string``); trytond computes it row by row through the model's
``fields_get``, about half the CPU of reading 80 projects.  A selection
with a fixed list of values has the same labels for every row: they are
looked up once per read and mapped by value.

sao also asks for the ``rec_name`` of every row and of every Many2One
column.  A model that keeps trytond's own get_rec_name (its ``_rec_name``
text field) would build one instance per row and load all its columns:
the read takes that field's column instead."""
from trytond.model import ModelStorage, fields

SUFFIX = ':string'


class SelectionLabelMixin:
    __slots__ = ()

    @classmethod
    def _kz_plain_rec_name(cls):
        "Tell if rec_name is trytond's default: the _rec_name text field"
        field = cls._fields.get('rec_name')
        name_field = cls._fields.get(cls._rec_name)
        return (field is not None and field.getter == 'get_rec_name'
            and cls.get_rec_name is ModelStorage.get_rec_name
            and name_field is not None
            and name_field._type in {'char', 'text'}
            and not isinstance(name_field, fields.Function))

    @classmethod
    def read(cls, ids, fields_names):
        if not ('rec_name' in fields_names and cls._kz_plain_rec_name()):
            return cls._kz_read_labels(ids, fields_names)
        name = cls._rec_name
        names = [n for n in fields_names if n != 'rec_name']
        extra = name not in names
        result = cls._kz_read_labels(
            ids, names + ([name] if extra else []))
        for row in result:
            row['rec_name'] = str(row[name] or f"({row['id']})")
            if extra:
                del row[name]
        return result

    @classmethod
    def _kz_read_labels(cls, ids, fields_names):
        labels = {}
        for name in fields_names:
            if not name.endswith(SUFFIX):
                continue
            field = cls._fields.get(name[:-len(SUFFIX)])
            if (field is not None and field._type == 'selection'
                    and isinstance(getattr(field, 'selection', None),
                        (list, tuple))):
                labels[name[:-len(SUFFIX)]] = None
        if not labels:
            return super().read(ids, fields_names)
        names = [n for n in fields_names
            if not (n.endswith(SUFFIX) and n[:-len(SUFFIX)] in labels)]
        missing = [n for n in labels if n not in names]
        result = super().read(ids, names + missing)
        definitions = cls.fields_get(list(labels))
        for name in labels:
            selection = dict(definitions[name]['selection'])
            key = name + SUFFIX
            for row in result:
                row[key] = fields.Selection.get_selection_string(
                    selection, row[name])
        for row in result:
            for name in missing:
                del row[name]
        return result
