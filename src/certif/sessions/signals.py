"""What sessions ask of, and announce to, the layers above them.

Whether a candidate already acquired a block is the juries' word (``certif.deliberations``):
``acquired_blocks`` asks it before an enrolment.

Sessions cannot know what the apps above them hang on a session or an enrolment (sheets,
deliberations, documents), so before removing either they ask:

- ``removal_blockers`` is sent with ``session`` and ``units`` (``None`` for the whole session,
  else the ``Removal`` rows about to go); each receiver returns the French reasons its app has to
  refuse — an empty list when nothing of its own depends on them.
- ``removing`` is sent inside the removal's transaction once nothing blocks it: receivers
  delete what of theirs only served the removed rows (an empty sheet opened and never filled).
  A receiver's failure undoes the removal.
"""

from django.dispatch import Signal

removal_blockers = Signal()
# Asked before enrolling ``candidate_ids`` in units of the blocks ``blocks`` (codes): each
# receiver returns the (candidate id, block code) pairs already acquired — for life — which an
# enrolment leaves out unless told otherwise.
acquired_blocks = Signal()
removing = Signal()
