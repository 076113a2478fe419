# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import json
import mimetypes
from email.message import EmailMessage

from trytond import config
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional
from trytond.transaction import without_check_access


def notify_users(users, label, description='', records=(), attachments=(),
        emails=()):
    """Notify users in the application (res.notification, the bell of the
    web client) and by e-mail when they have an address; attachments are
    (filename, content) pairs mailed with it, emails further addresses
    without an account.

    The e-mail leaves only when the transaction commits, so a crash before
    the commit neither sends it nor loses the notification record."""
    Notification = Pool().get('res.notification')
    users = {u for u in users if u and u.active}
    if not users and not emails:
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
    addresses = [u.email for u in sorted(users, key=lambda u: u.id)
        if u.email]
    addresses += [e for e in emails if e and e not in addresses]
    for address in addresses:
        if not from_:
            break
        message = EmailMessage()
        message['From'] = from_
        message['To'] = address
        message['Subject'] = label
        message.set_content(description or label)
        for filename, content in attachments:
            if not content:
                continue
            ctype = mimetypes.guess_type(filename)[0] or (
                'application/octet-stream')
            maintype, subtype = ctype.split('/', 1)
            message.add_attachment(bytes(content), maintype=maintype,
                subtype=subtype, filename=filename)
        send_message_transactional(message)
    return notifications
