"""Deposits: the files a candidate hands in for an épreuve (written supports, the mémoire).

Pure Python (stdlib and pypdf), no Django: the application wires these functions to its models
and pages.

- :mod:`certif.deposits.pdf`: inspecting an uploaded PDF, refusing what is not safe to keep or
  open, counting its pages;
- :mod:`certif.deposits.storage`: writing an upload to a content-addressed store as a stream,
  within a size limit, and reading it back as a stream;
- :mod:`certif.deposits.errors`: the refusals, with a stable reason and a French message.

What is accepted and why is in docs/deposits.md; deadlines and formats come from the
référentiel's deliverables (``certif.domain.referential.schema.Deliverable``).
"""
