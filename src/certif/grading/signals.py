"""What grading announces to the layers above it.

``values_changed`` is sent inside the transaction that changed the recorded values of some
candidates' sheets (``candidate_ids``): whatever is derived from them (their decisions, kept by
``certif.results``) must follow in that same transaction. Receivers run synchronously and a
receiver's failure undoes the change.
"""

from django.dispatch import Signal

values_changed = Signal()
