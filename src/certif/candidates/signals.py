"""What the candidates app announces to the layers above it.

``created`` is sent inside the transaction that created candidates (``candidate_ids``), so that
what the upper layers keep per candidate (a stored decision) exists from the start.
"""

from django.dispatch import Signal

created = Signal()
