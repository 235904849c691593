"""What a deliberation announces to the layers above it.

``closed`` is sent inside the transaction that closes a deliberation (``deliberation``,
``actor``): its minutes are archived by ``certif.documents`` in that same transaction, so that
the closing and its minutes happen together or not at all.
"""

from django.dispatch import Signal

closed = Signal()
