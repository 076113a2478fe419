# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import json
from email.message import EmailMessage

from trytond import config
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional
from trytond.transaction import without_check_access


def notify_users(users, label, description='', records=()):
    """Notify users in the application (res.notification, the bell of the
    web client) and by e-mail when they have an address.

    The e-mail leaves only when the transaction commits, so a crash before
    the commit neither sends it nor loses the notification record."""
    Notification = Pool().get('res.notification')
    users = {u for u in users if u and u.active}
    if not users:
        return []
    records = list(records)
    model = records[0].__name__ if records else None
    with without_check_access():
        notifications = Notification.create([{
                    'user': user.id,
                    'label': label[:255],
                    'description': (description or '')[:255],
                    'model': model,
                    'records': (
                        json.dumps([r.id for r in records]) if records
                        else None),
                    } for user in sorted(users, key=lambda u: u.id)])
    from_ = config.get('email', 'from', default=None)
    for user in users:
        if user.email and from_:
            message = EmailMessage()
            message['From'] = from_
            message['To'] = user.email
            message['Subject'] = label
            message.set_content(description or label)
            send_message_transactional(message)
    return notifications
