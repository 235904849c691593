"""Declaring certified holders to the Caisse des Dépôts (CDC): the XML flux, written and
checked as a stream, and the CDC's processing report. Pure Python (stdlib and lxml), no
Django: the application wires these functions to its models and pages.

- :mod:`certif.cdc.schemas`: which XSD (1.1.5 by default, 1.1.2, or an official kit's path);
- :mod:`certif.cdc.flux`: what a flux holds, what an identity lacks, the streaming writer and
  the splitting into files;
- :mod:`certif.cdc.validation`: validation of a written file, streaming;
- :mod:`certif.cdc.report`: reading a processing report.
"""
